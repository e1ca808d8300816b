"""The two ends of a network's per-practice steps (orchestration.network.practice_steps), on small hand-made
warehouses: a practice's slice of the network (from a DuckDB file or from Parquet folders, as Spark keeps its
tables), and the steps' tables written out with their practice and back as the network's."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.network.practice_steps import (
    ParquetWarehouse,
    copy_practice_slice,
    export_step_tables,
    is_step_table,
    step_files,
    write_step_tables,
)


def _network(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema seeds; create schema staging; create schema raw")
        con.execute("create table marts.fct_claims as select * from (values ('north', 'A1', 100.00), "
                    "('south', 'A1', 999.00), ('north', 'A2', 50.00)) as t(practice_id, claim_id, charge)")
        con.execute("create table seeds.cpt_codes as select '90834' as cpt_code")
        con.execute("create view staging.stg_x as select * from marts.fct_claims")
        con.execute("create table raw.kept as select 1 as x")
    return path


def _practice(path: Path) -> Path:
    with duckdb.connect(str(path)) as con:  # the practice's loader warehouse: its raw layer, an old mart
        con.execute("create schema raw; create table raw.own as select 7 as x")
        con.execute("create schema marts; create table marts.stale as select 1 as x")
    return path


def _assert_north(practice: Path) -> None:
    with duckdb.connect(str(practice), read_only=True) as con:
        assert con.execute("select claim_id, charge from marts.fct_claims order by 1").fetchall() == \
            [("A1", 100), ("A2", 50)]
        assert con.execute("select count(*) from staging.stg_x").fetchone() == (2,)
        assert con.execute("select * from seeds.cpt_codes").fetchall() == [("90834",)]
        assert con.execute("select * from raw.own").fetchall() == [(7,)]  # its raw layer is its own
        names = {t for (t,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'")
                 .fetchall()}
    assert names == {"fct_claims"}  # what an earlier run left is gone


def test_a_practices_slice_is_its_rows_of_every_dbt_schema_and_the_seeds_whole(tmp_path: Path) -> None:
    network = _network(tmp_path / "network.duckdb")
    practice = _practice(tmp_path / "north.duckdb")
    with duckdb.connect(str(practice)) as con:
        assert copy_practice_slice(con, network, "north") == 3
    _assert_north(practice)


def test_a_practices_slice_of_sparks_parquet_folders_is_the_same(tmp_path: Path) -> None:
    """Spark keeps a table as a folder of part files (several, when its rows were written by several tasks)."""
    network = _network(tmp_path / "network.duckdb")
    folders = {}
    with duckdb.connect(str(network), read_only=True) as con:
        for name, parts in (("marts.fct_claims", ("practice_id = 'south'", "practice_id = 'north'")),
                            ("seeds.cpt_codes", ("true",)), ("staging.stg_x", ("true",))):
            folder = tmp_path / "spark" / name
            folder.mkdir(parents=True)
            for number, where in enumerate(parts):
                con.execute(f"copy (select * from {name} where {where}) to '{folder}/part-{number}.parquet' "
                            f"(format parquet)")
            folders[name] = folder
    practice = _practice(tmp_path / "north.duckdb")
    with duckdb.connect(str(practice)) as con:
        assert copy_practice_slice(con, ParquetWarehouse(folders), "north") == 3
    _assert_north(practice)


def test_the_steps_tables_are_written_with_their_practice_and_only_theirs(tmp_path: Path) -> None:
    with duckdb.connect() as con:
        con.execute("create schema marts")
        con.execute("create table marts.mining_dfg as select 'a' as source, 3 as frequency")
        con.execute("create table marts.claim_denial_risk as select 'wrong' as practice_id, 'A1' as claim_id")
        con.execute("create table marts.mining_pairs_claim as select 1 as x")  # mining's working table
        con.execute("create table marts.fct_claims as select 1 as x")  # dbt's
        assert export_step_tables(con, "north", tmp_path) == ["claim_denial_risk", "mining_dfg"]
        assert con.execute(f"select * from '{tmp_path}/mining_dfg/north.parquet'").fetchall() == [("north", "a", 3)]
        assert con.execute(f"select * from '{tmp_path}/claim_denial_risk/north.parquet'").fetchall() == \
            [("north", "A1")]
        with pytest.raises(ValueError, match="practice id"):
            export_step_tables(con, "north'; drop table x; --", tmp_path)
    assert [is_step_table(n) for n in ("mining_variants", "mining_pairs_claim", "cash_forecast", "cash_weekly")] == \
        [True, False, True, False]


def test_the_steps_tables_are_every_practices_rows_and_a_table_none_wrote_is_dropped(tmp_path: Path) -> None:
    network = _network(tmp_path / "network.duckdb")
    with duckdb.connect(str(network)) as con:
        con.execute("create table marts.claim_denial_risk as select 'old' as practice_id")
    steps = tmp_path / "steps"
    (steps / "mining_dfg").mkdir(parents=True)
    with duckdb.connect() as con:
        for practice, source, frequency in (("south", "b", 5), ("north", "a", 3)):
            con.execute(f"copy (select '{practice}' as practice_id, '{source}' as source, {frequency} as frequency) "
                        f"to '{steps}/mining_dfg/{practice}.parquet' (format parquet)")
    files = step_files(steps)
    assert files == {"mining_dfg": [steps / "mining_dfg" / "north.parquet", steps / "mining_dfg" / "south.parquet"]}
    write_step_tables(network, files)
    with duckdb.connect(str(network), read_only=True) as con:
        assert con.execute("select * from marts.mining_dfg order by 1").fetchall() == \
            [("north", "a", 3), ("south", "b", 5)]
        tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert "claim_denial_risk" not in tables and "fct_claims" in tables
