"""A practice's view of a network's warehouse (dashboards.practice_scope): its rows only, the tables it cannot be
given its rows of left out, the code lists shared; and the accounts and identities that carry a practice."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dashboards import users
from dashboards.common import NoPracticeData, practice_of
from dashboards.practice_scope import scoped_connect
from dashboards.roles import Viewer, viewer_from_identity, viewer_of_user
from orchestration.warehouse_connection import WarehouseKey, connect


def _warehouse(path: Path, key: WarehouseKey | None = None) -> Path:
    with connect(path, key) as con:
        con.execute("create schema marts; create schema seeds; create schema intermediate")
        con.execute("create table marts.fct_claims as select * from (values "
                    "('north', 'A1', 100.00), ('north', 'A2', 50.00), ('south', 'A1', 999.00)) "
                    "as t(practice_id, claim_id, charge)")
        con.execute("create table marts.mining_dfg as select 'claim' as case_type, 3 as frequency")
        con.execute("create table seeds.cpt_codes as select '90834' as cpt_code")
        con.execute("create view intermediate.int_as_of_date as select * from (values "
                    "('north', date '2025-03-01'), ('south', date '2025-04-01')) as t(practice_id, as_of_date)")
    return path


def test_a_scoped_connection_holds_one_practices_rows_and_the_shared_code_lists(tmp_path: Path) -> None:
    with scoped_connect(str(_warehouse(tmp_path / "warehouse.duckdb")), None, "north") as con:
        assert con.execute("select claim_id, charge from marts.fct_claims order by 1").fetchall() == \
            [("A1", 100), ("A2", 50)]
        assert con.execute("select as_of_date from intermediate.int_as_of_date").fetchall()[0][0].isoformat() \
            == "2025-03-01"
        assert con.execute("select * from seeds.cpt_codes").fetchall() == [("90834",)]
        # a table without practice_id cannot be cut to north's rows: it is not there
        with pytest.raises(duckdb.CatalogException, match="mining_dfg"):
            con.execute("select * from marts.mining_dfg")
        # and the file cannot be written through it
        with pytest.raises(duckdb.Error):
            con.execute("insert into scoped_warehouse.marts.fct_claims values ('north', 'A3', 1)")


def test_an_encrypted_warehouse_is_scoped_the_same_way(tmp_path: Path) -> None:
    key = WarehouseKey("k" * 64, unsafe_test_crypto=True)
    path = _warehouse(tmp_path / "warehouse.duckdb", key)
    with scoped_connect(str(path), key, "south") as con:
        assert con.execute("select claim_id, charge from marts.fct_claims").fetchall() == [("A1", 999)]


def test_a_practice_id_that_could_break_out_of_the_views_sql_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot name a folder"):
        scoped_connect(str(_warehouse(tmp_path / "warehouse.duckdb")), None, "x' or '1'='1")


def test_which_practice_a_viewer_reads() -> None:
    assert practice_of(Viewer("n", "billing", practice_id="north"), ["north", "south"]) == "north"
    assert practice_of(Viewer("a", "leadership"), ["default"]) is None  # a single practice's warehouse: all of it
    with pytest.raises(NoPracticeData, match="holds no rows of practice west, the only one w may see"):
        practice_of(Viewer("w", "billing", practice_id="west"), ["north", "south"])


def test_an_account_keeps_its_practice_through_the_file_and_a_password_change(tmp_path: Path) -> None:
    accounts, password = users.add({}, "nora", "billing", practice_id="north")
    path = tmp_path / "users.json"
    users.write(path, accounts)
    read = users.read(path)
    assert read["nora"].practice_id == "north"
    changed = users.change_password(read, "nora", "a-new-password-of-hers")
    assert changed["nora"].practice_id == "north"
    assert viewer_of_user(changed["nora"]) == Viewer("nora", "billing", None, "password", "north")
    with pytest.raises(users.UsersError, match="a practice id is letters, digits"):
        users.add({}, "eve", "billing", practice_id="../south")
    assert password


def test_an_identity_providers_practice_claim_or_entry_scopes_the_viewer() -> None:
    mapping = {"role_claim": "role", "practice_claim": "practice",
               "users": {"jane@north.org": {"role": "finance", "practice": "north"}}}
    assert viewer_from_identity({"email": "jane@north.org"}, mapping).practice_id == "north"
    assert viewer_from_identity({"email": "sam@south.org", "role": "billing", "practice": "south"},
                                mapping).practice_id == "south"
    assert viewer_from_identity({"email": "lee@mso.org", "role": "leadership"}, mapping).practice_id is None
