"""One practice's slice of a warehouse that holds several (a network's): what its users read (dashboards.
practice_scope, as views) and what its own steps run on (orchestration.network.practice_steps, as tables)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.raw_parquet.publish import check_name

SQL = Path(__file__).with_name
SHARED_SCHEMAS = ("seeds",)  # the code lists: every practice's


def slice_practice(con: duckdb.DuckDBPyConnection, catalog: str, practice_id: str, schemas: tuple[str, ...],
                   kind: str) -> int:
    """In the connection's current database, make each of `schemas` anew with a `kind` ("view" or "table") per
    relation of the attached `catalog`'s: `practice_id`'s rows of one with a practice_id column, the whole of one
    in a shared schema, and nothing for any other (it cannot be cut to one practice). The number made."""
    check_name("practice id", practice_id)  # written into the relations' SQL: letters, digits, '.', '_', '-'
    relations = con.execute(SQL("practice_tables.sql").read_text(), [catalog, list(schemas)]).fetchall()
    for schema in schemas:
        con.execute(f'drop schema if exists "{schema}" cascade')
        con.execute(f'create schema "{schema}"')
    made = 0
    for schema, table, has_practice_id in relations:
        source = f'"{catalog}"."{schema}"."{table}"'
        if has_practice_id:
            kept = f"select * from {source} where practice_id = '{practice_id}'"
        elif schema in SHARED_SCHEMAS:
            kept = f"select * from {source}"
        else:
            continue
        con.execute(f'create {kind} "{schema}"."{table}" as {kept}')
        made += 1
    return made
