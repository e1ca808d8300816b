"""The Parquet raw layer as the `raw` tables dbt's sources name, on Spark."""

from __future__ import annotations

from pathlib import Path

from connectors.raw_tables import ALL_TABLES, LEDGER, QUARANTINE, Column

SQL = Path(__file__).with_name
# practice_payer_rules is written by orchestration/extract/practice_payer_rules_create.sql, not from a RawTable.
PAYER_RULES_COLUMNS = (
    Column("payer_id", "VARCHAR", ""), Column("timely_filing_days", "INTEGER", ""),
    Column("authorization_rule", "VARCHAR", ""), Column("authorization_after_visits", "INTEGER", ""),
    Column("treatment_plan_review_days", "INTEGER", ""), Column("_source_file", "VARCHAR", ""),
    Column("_file_sha256", "VARCHAR", ""),
)
_SPARK_TYPES = {"VARCHAR": "string", "DATE": "date", "TIMESTAMPTZ": "timestamp", "TIMESTAMP": "timestamp_ntz",
                "INTEGER": "int", "BIGINT": "bigint", "DOUBLE": "double"}


def spark_type(duckdb_type: str) -> str:
    """The Spark SQL type a raw column's DuckDB type is read as from Parquet (DECIMAL(p,s) is the same)."""
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.lower()
    return _SPARK_TYPES[duckdb_type]


def raw_table_columns() -> dict[str, tuple[Column, ...]]:
    """Every raw table's columns as published: practice_id first, then the DuckDB table's."""
    practice = (Column("practice_id", "VARCHAR", "the practice the row came from"),)
    tables = {t.name: practice + t.all_columns for t in (*ALL_TABLES, QUARANTINE, LEDGER)}
    tables["practice_payer_rules"] = practice + PAYER_RULES_COLUMNS
    return tables


def register_raw_sql(table: str, columns: tuple[Column, ...], root: Path) -> str:
    """The statement that makes `raw.<table>` read `<root>/<table>` (which may not exist yet: no rows)."""
    listed = ",\n    ".join(f"`{c.name}` {spark_type(c.type)}" for c in columns)
    location = (root / table).resolve().as_posix().replace("'", "\\'")
    return SQL("register_raw_table.sql").read_text().format(table=table, columns=listed, location=location)


def register_raw_tables(spark, root: Path) -> list[str]:
    """(Re)create every `raw.<table>` over the Parquet raw layer at `root`; the names registered."""
    spark.sql("create database if not exists raw")
    names = []
    for table, columns in raw_table_columns().items():
        spark.sql(f"drop table if exists raw.{table}")
        spark.sql(register_raw_sql(table, columns, root))
        names.append(table)
    return names
