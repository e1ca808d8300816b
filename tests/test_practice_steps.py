"""The two ends of a network's per-practice steps (orchestration.network.practice_steps), on small hand-made
warehouses: a practice's slice of the network, and the steps' tables written back with their practice."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.network.practice_steps import PracticeSteps, copy_practice_slice, write_step_tables


def _network(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema seeds; create schema staging; create schema raw")
        con.execute("create table marts.fct_claims as select * from (values ('north', 'A1', 100.00), "
                    "('south', 'A1', 999.00), ('north', 'A2', 50.00)) as t(practice_id, claim_id, charge)")
        con.execute("create table seeds.cpt_codes as select '90834' as cpt_code")
        con.execute("create view staging.stg_x as select * from marts.fct_claims")
        con.execute("create table raw.kept as select 1 as x")
    return path


def test_a_practices_slice_is_its_rows_of_every_dbt_schema_and_the_seeds_whole(tmp_path: Path) -> None:
    network = _network(tmp_path / "network.duckdb")
    practice = tmp_path / "north.duckdb"
    with duckdb.connect(str(practice)) as con:  # the practice's loader warehouse: its raw layer, an old mart
        con.execute("create schema raw; create table raw.own as select 7 as x")
        con.execute("create schema marts; create table marts.stale as select 1 as x")
    assert copy_practice_slice(network, practice, "north") == 3
    with duckdb.connect(str(practice), read_only=True) as con:
        assert con.execute("select claim_id, charge from marts.fct_claims order by 1").fetchall() == \
            [("A1", 100), ("A2", 50)]
        assert con.execute("select count(*) from staging.stg_x").fetchone() == (2,)
        assert con.execute("select * from seeds.cpt_codes").fetchall() == [("90834",)]
        assert con.execute("select * from raw.own").fetchall() == [(7,)]  # its raw layer is its own
        names = {t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'")
                 .fetchall()}
    assert names == {"fct_claims"}  # what an earlier run left is gone


def test_the_steps_tables_are_every_practices_rows_and_a_table_none_wrote_is_dropped(tmp_path: Path) -> None:
    network = _network(tmp_path / "network.duckdb")
    with duckdb.connect(str(network)) as con:
        con.execute("create table marts.claim_denial_risk as select 'old' as practice_id")
    dfg = pa.table({"practice_id": ["north"], "source": ["a"], "frequency": [3]})
    done = [PracticeSteps("north", "", [], [], {"mining_dfg": dfg}),
            PracticeSteps("south", "", [], [], {"mining_dfg": pa.table({"practice_id": ["south"], "source": ["b"],
                                                                        "frequency": [5]})}),
            PracticeSteps("tiny", "", [], [], {})]
    write_step_tables(network, done)
    with duckdb.connect(str(network), read_only=True) as con:
        assert con.execute("select * from marts.mining_dfg order by 1").fetchall() == \
            [("north", "a", 3), ("south", "b", 5)]
        tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "claim_denial_risk" not in tables and "fct_claims" in tables
