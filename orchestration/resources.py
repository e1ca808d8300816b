"""Dagster resources: where the warehouse and the landing zone are, injected into assets."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource


class WarehouseResource(ConfigurableResource):
    """The DuckDB warehouse file."""

    path: str

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path, read_only=read_only)
        try:
            yield con
        finally:
            con.close()


class LandingZoneResource(ConfigurableResource):
    """The landing zone the practice's systems deliver into, and how to read it."""

    path: str
    mrn_system: str | None = None  # an identifier system that marks the MRN when the EHR sets no MR type


class ExportsResource(ConfigurableResource):
    """The folder files made for other tools are written to (XES event logs): `<home>/exports` by default."""

    exports_dir: str
