"""The raw layer published as Parquet (orchestration.raw_parquet): one file per table, practice and delivery, every
row with its practice_id; publishing again changes nothing; a delivery that lost its rows loses its file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from connectors.raw_ddl import create_raw_schema
from orchestration.raw_parquet.publish import RawPublishError, partition_folder, publish_raw


def _claim(claim_id: str, delivery: str, charge: str) -> tuple:
    return (claim_id, delivery, f"payer/{delivery}/claims.837", "ab" * 32, 12, charge)


@pytest.fixture
def con(tmp_path: Path):
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    create_raw_schema(connection)
    connection.executemany(
        "insert into raw.x12_claims (claim_id, _delivery, _source_file, _file_sha256, _position, total_charge) "
        "values (?, ?, ?, ?, ?, ?)",
        [_claim("A1", "2025-02-01", "150.00"), _claim("A2", "2025-02-01", "200.10"), _claim("A3", "2025-03-01", "99.99")])
    connection.execute("insert into raw.ledger (source, kind, bytes, status, _delivery, _source_file, _file_sha256, "
                       "_position) values ('payer', '837', 10, 'loaded', '2025-02-01', 'payer/2025-02-01/claims.837', "
                       "'x', 0)")
    yield connection
    connection.close()


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _rows(root: Path, table: str) -> list[tuple]:
    return duckdb.sql(f"select practice_id, claim_id, total_charge, _delivery from read_parquet("
                      f"'{root}/{table}/*/*/*.parquet') order by claim_id").fetchall()


def test_each_delivery_of_each_table_is_one_file_of_rows_with_their_practice(con, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    published = publish_raw(con, root, "north")
    assert _files(root) == [
        "ledger/practice=north/part-0.parquet",
        "x12_claims/practice=north/delivery=2025-02-01/part-0.parquet",
        "x12_claims/practice=north/delivery=2025-03-01/part-0.parquet",
    ]
    assert (published.files_written, published.files_removed, published.rows) == (3, 0, 4)
    assert _rows(root, "x12_claims") == [("north", "A1", Decimal("150.00"), "2025-02-01"),
                                         ("north", "A2", Decimal("200.10"), "2025-02-01"),
                                         ("north", "A3", Decimal("99.99"), "2025-03-01")]
    # the file keeps the raw table's types: money stays DECIMAL(18,2)
    types = {r[0]: r[1] for r in duckdb.sql(
        f"describe select * from read_parquet('{root}/x12_claims/*/*/*.parquet')").fetchall()}
    assert types["total_charge"] == "DECIMAL(18,2)" and types["practice_id"] == "VARCHAR"


def test_publishing_again_changes_nothing(con, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    publish_raw(con, root, "north")
    before = {name: (root / name).read_bytes() for name in _files(root)}
    publish_raw(con, root, "north")
    assert {name: (root / name).read_bytes() for name in _files(root)} == before


def test_the_same_rows_loaded_in_another_order_publish_the_same_bytes(con, tmp_path: Path) -> None:
    """A load's joins do not keep an order, so two loads of one landing zone (one practice after another, or side by
    side) may hold their rows in different orders: the files must not say so."""
    publish_raw(con, tmp_path / "first", "north")
    con.execute("create table reversed as select * from raw.x12_claims order by claim_id desc")
    con.execute("delete from raw.x12_claims")
    con.execute("insert into raw.x12_claims select * from reversed")
    assert con.execute("select claim_id from raw.x12_claims limit 1").fetchone() == ("A3",)
    publish_raw(con, tmp_path / "second", "north")
    assert {name: (tmp_path / "second" / name).read_bytes() for name in _files(tmp_path / "second")} == \
        {name: (tmp_path / "first" / name).read_bytes() for name in _files(tmp_path / "first")}


def test_a_delivery_publishes_only_its_own_partitions(con, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    published = publish_raw(con, root, "north", ["2025-03-01"])
    assert _files(root) == ["ledger/practice=north/part-0.parquet",
                            "x12_claims/practice=north/delivery=2025-03-01/part-0.parquet"]
    assert published.rows == 2  # A3 and the ledger's row


def test_a_delivery_whose_rows_are_gone_loses_its_file_and_others_stay(con, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    publish_raw(con, root, "north")
    con.execute("delete from raw.x12_claims where _delivery = '2025-03-01'")
    published = publish_raw(con, root, "north")
    assert published.files_removed == 1
    assert _files(root) == ["ledger/practice=north/part-0.parquet",
                            "x12_claims/practice=north/delivery=2025-02-01/part-0.parquet"]


def test_two_practices_share_the_layer_without_touching_each_other(con, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    publish_raw(con, root, "north")
    publish_raw(con, root, "south", ["2025-02-01"])
    rows = duckdb.sql(f"select practice_id, count(*) from read_parquet('{root}/x12_claims/*/*/*.parquet') "
                      f"group by all order by 1").fetchall()
    assert rows == [("north", 3), ("south", 2)]


@pytest.mark.parametrize("practice_id", ["", "../up", "a b", ".hidden", "north/south"])
def test_a_practice_id_that_cannot_name_a_folder_is_refused(con, tmp_path: Path, practice_id: str) -> None:
    with pytest.raises(RawPublishError, match=r"practice id .* cannot name a folder of the raw layer: use letters"):
        publish_raw(con, tmp_path / "raw", practice_id)
    assert not (tmp_path / "raw").exists() or _files(tmp_path / "raw") == []


def test_partition_folders_are_named_for_table_practice_and_delivery(tmp_path: Path) -> None:
    assert partition_folder(tmp_path, "fhir_patients", "p1", "2025-01-01") == \
        tmp_path / "fhir_patients" / "practice=p1" / "delivery=2025-01-01"
    assert partition_folder(tmp_path, "ledger", "p1") == tmp_path / "ledger" / "practice=p1"


def test_an_empty_raw_layer_publishes_no_file(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "empty.duckdb")) as empty:
        create_raw_schema(empty)
        published = publish_raw(empty, tmp_path / "raw", "north")
    assert (published.files_written, published.files_removed, published.rows) == (0, 0, 0)
    assert _files(tmp_path / "raw") == []
