"""One practice's view of a warehouse: what a practice's users read, so that they never see another's rows.

A network's warehouse holds every practice's rows, each with its practice_id. A scoped connection is an in-memory
database with the warehouse attached read-only and, in its own `staging`, `intermediate` and `marts` schemas,
one view per table that has a practice_id column, keeping that practice's rows; the code lists (`seeds`) are
shared. A table without practice_id (a single practice's mining, denial-risk and forecast tables) is not there at
all: a page that needs it says it is not built. The dashboards' queries name `marts.x` and so read the views.
"""

from __future__ import annotations

from typing import NamedTuple

import duckdb

from orchestration.practice_slice import SHARED_SCHEMAS, slice_practice
from orchestration.warehouse_connection import WarehouseKey, catalog_name, connect

SCOPED_SCHEMAS = ("staging", "intermediate", "marts")


class WarehouseSource(NamedTuple):
    """The warehouse a page reads and the practice it reads (None: the whole warehouse, a single practice's).
    Every loader's cache key: two practices' users never share a cached table."""

    path: str
    practice_id: str | None = None


def scoped_connect(path: str, key: WarehouseKey | None, practice_id: str) -> duckdb.DuckDBPyConnection:
    """A read-only view of the warehouse at `path` holding `practice_id`'s rows only (see the module)."""
    if key is None:
        catalog = "scoped_warehouse"
        con = duckdb.connect(":memory:")
        con.execute(f"attach '{_literal(path)}' as {catalog} (read_only)")
    else:  # already an in-memory database with the file attached under its catalog name
        catalog = catalog_name(path)
        con = connect(path, key, read_only=True)
    try:
        con.execute("use memory")
        slice_practice(con, catalog, practice_id, SCOPED_SCHEMAS + SHARED_SCHEMAS, "view")
    except BaseException:
        con.close()
        raise
    return con


def _literal(text: str) -> str:
    return text.replace("'", "''")
