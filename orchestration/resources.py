"""Dagster resources: where the warehouse and the landing zone are, injected into assets."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from mining.pseudonyms import Pseudonymiser
from orchestration import private_files
from orchestration.warehouse_connection import WarehouseKey, connect


class WarehouseResource(ConfigurableResource):
    """The DuckDB warehouse file, and its key when it is encrypted: given as `EnvVar(LANTERN_WAREHOUSE_KEY)`
    (environments.resources_for), so that Dagster keeps the variable's name in its run storage, never the key."""

    path: str
    key: str | None = None
    unsafe_test_crypto: bool = False  # orchestration.warehouse_connection: tests only

    @property
    def warehouse_key(self) -> WarehouseKey | None:
        return WarehouseKey(self.key, self.unsafe_test_crypto) if self.key else None

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        con = connect(self.path, self.warehouse_key, read_only=read_only)
        try:
            yield con
        finally:
            con.close()


class LandingZoneResource(ConfigurableResource):
    """The landing zone the practice's systems deliver into, and how to read it."""

    path: str
    mrn_system: str | None = None  # an identifier system that marks the MRN when the EHR sets no MR type


PSEUDONYMISED_SUBDIR = "pseudonymised"  # of the exports folder: the analyst role's copies


class ExportsResource(ConfigurableResource):
    """The folder files made for other tools are written to (XES and OCEL event logs): `<home>/exports` by default.

    With `practice_secret` (`<home>/config/practice.secret`, created on first use), the analyst role's copies, with
    pseudonyms for patients' and their records' ids, go to `pseudonymised_dir`; without it, none are written."""

    exports_dir: str
    practice_secret: str | None = None

    @property
    def pseudonymised_dir(self) -> Path:
        return Path(self.exports_dir) / PSEUDONYMISED_SUBDIR

    def pseudonymiser(self) -> Pseudonymiser | None:
        if self.practice_secret is None:
            return None
        return Pseudonymiser(private_files.practice_secret(Path(self.practice_secret)))
