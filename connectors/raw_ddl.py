"""DDL for the raw layer, rendered from `connectors.raw_tables` so there is one definition of it."""

from __future__ import annotations

from connectors.raw_tables import ALL_TABLES, LEDGER, QUARANTINE, RawTable

RAW_SCHEMA = "raw"


def create_table_sql(table: RawTable, schema: str = RAW_SCHEMA) -> str:
    columns = ",\n    ".join(f'"{c.name}" {c.type}' for c in table.all_columns)
    return f"create table if not exists {schema}.{table.name} (\n    {columns}\n)"


def create_raw_schema(con, schema: str = RAW_SCHEMA) -> None:
    """Create the raw schema and every raw table (plus quarantine and ledger) if they do not exist yet."""
    con.execute(f"create schema if not exists {schema}")
    for table in (*ALL_TABLES, QUARANTINE, LEDGER):
        con.execute(create_table_sql(table, schema))
