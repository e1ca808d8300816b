"""The Spark warehouse's tables read back from their Parquet files: for the build's summary, and to compare the
two engines' marts table by table (orchestration.warehouse_compare) in a DuckDB copy of them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb


def spark_tables(warehouse_dir: Path, schema: str) -> dict[str, Path]:
    """The tables of `schema` in a Spark warehouse folder (`<schema>.db/<table>/`), by name."""
    folder = warehouse_dir / f"{schema}.db"
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_dir() and not p.name.startswith((".", "_"))}


def table_rows(con: duckdb.DuckDBPyConnection, folder: Path) -> int:
    files = sorted(folder.glob("*.parquet"))
    if not files:
        return 0
    return con.execute("select count(*) from read_parquet(?)", [[str(f) for f in files]]).fetchone()[0]


def spark_mart_rows(warehouse_dir: Path, schema: str = "marts") -> list[tuple[str, int]]:
    """("schema.table", rows) of every table of `schema`: the Spark build's summary."""
    with duckdb.connect() as con:
        return [(f"{schema}.{name}", table_rows(con, folder)) for name, folder in spark_tables(warehouse_dir, schema).items()]


def copy_to_duckdb(warehouse_dir: Path, target: Path, schemas: Sequence[str] = ("marts",)) -> list[str]:
    """Write the Spark warehouse's tables of `schemas` into the DuckDB file `target` (replaced), as they are; the
    names copied ("schema.table"). An empty Spark table has no file to take its columns from: it is skipped."""
    target.unlink(missing_ok=True)
    copied = []
    with duckdb.connect(str(target)) as con:
        for schema in schemas:
            con.execute(f"create schema {schema}")
            for name, folder in spark_tables(warehouse_dir, schema).items():
                files = [str(f) for f in sorted(folder.glob("*.parquet"))]
                if not files:
                    continue
                con.execute(f"create table {schema}.{name} as select * from read_parquet(?)", [files])
                copied.append(f"{schema}.{name}")
    return copied
