"""Writing to the warehouse all or nothing: the transaction and the registered-rows scope the assets that replace
a table's contents share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Commit what the block wrote, or roll all of it back when the block raises (readers never see half a table)."""
    con.begin()
    try:
        yield con
    except BaseException:
        con.rollback()
        raise
    con.commit()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, rows: object) -> Iterator[None]:
    """`rows` (a pandas frame or an Arrow table) visible to SQL as `name` for the block only."""
    con.register(name, rows)
    try:
        yield
    finally:
        con.unregister(name)
