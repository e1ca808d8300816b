"""DDL for the raw layer, rendered from `connectors.raw_tables` so there is one definition of it."""

from __future__ import annotations

from connectors.raw_tables import ALL_TABLES, LEDGER, QUARANTINE, RawTable

RAW_SCHEMA = "raw"


def create_table_sql(table: RawTable, schema: str = RAW_SCHEMA) -> str:
    columns = ",\n    ".join(f'"{c.name}" {c.type}' for c in table.all_columns)
    return f"create table if not exists {schema}.{table.name} (\n    {columns}\n)"


def create_raw_schema(con, schema: str = RAW_SCHEMA) -> None:
    """Create the raw schema and every raw table (plus quarantine and ledger) if they do not exist yet.

    A warehouse made by an older Lantern gets the columns added since (raw tables only grow).
    """
    con.execute(f"create schema if not exists {schema}")
    existing: dict[str, set[str]] = {}
    for table_name, column_name in con.execute(
            "select table_name, column_name from information_schema.columns where table_schema = ?",
            [schema]).fetchall():
        existing.setdefault(table_name, set()).add(column_name)
    for table in (*ALL_TABLES, QUARANTINE, LEDGER):
        if table.name not in existing:
            con.execute(create_table_sql(table, schema))
            continue
        for column in table.all_columns:
            if column.name not in existing[table.name]:
                con.execute(f'alter table {schema}.{table.name} add column "{column.name}" {column.type}')
