"""The environment decides the resource set: `local` (a laptop), `ci` (the test machine).

The names match the dbt targets. This module and the command line are the only places that read
the process environment; assets get everything through resources.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from dagster import EnvVar
from dagster_dbt import DbtCliResource

from orchestration.paths import ENV_WAREHOUSE, LanternPaths
from orchestration.resources import ExportsResource, LandingZoneResource, WarehouseResource
from orchestration.warehouse_connection import ENV_WAREHOUSE_KEY, WarehouseKey, catalog_name
from orchestration.warehouse_key import resolve_warehouse_key

ENVIRONMENTS = ("local", "ci")
# dbt installed beside this interpreter: found without relying on PATH (a virtualenv need not be activated).
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
ENV_NAME = "LANTERN_ENV"
# What dbt_project/profiles.yml reads besides LANTERN_WAREHOUSE and LANTERN_WAREHOUSE_KEY, for an encrypted warehouse.
ENV_WAREHOUSE_CATALOG = "LANTERN_WAREHOUSE_CATALOG"
ENV_UNSAFE_TEST_CRYPTO = "LANTERN_WAREHOUSE_UNSAFE_TEST_CRYPTO"


def environment_name(env: Mapping[str, str]) -> str:
    name = env.get(ENV_NAME) or ("ci" if env.get("CI") else "local")
    if name not in ENVIRONMENTS:
        raise ValueError(f"{ENV_NAME}={name!r}: expected one of {', '.join(ENVIRONMENTS)}")
    return name


def current_environment() -> tuple[str, LanternPaths]:
    """The environment name and paths this process runs with, from its environment variables."""
    return environment_name(os.environ), LanternPaths.resolve(env=os.environ)


def current_warehouse_key(paths: LanternPaths) -> WarehouseKey | None:
    """The warehouse key this process runs with: LANTERN_WAREHOUSE_KEY, else the key file under home if there is
    one (orchestration.warehouse_key)."""
    return resolve_warehouse_key(None, os.environ, paths.warehouse_key_file)


def dbt_target(environment: str, encrypted: bool) -> str:
    """The dbt target: the environment's name, `_encrypted` after it for an encrypted warehouse."""
    return f"{environment}_encrypted" if encrypted else environment


def resources_for(paths: LanternPaths, environment: str, dbt_project_dir: str,
                  key: WarehouseKey | None = None) -> dict:
    """The resources every asset needs, for one environment, and the warehouse's key if it is encrypted."""
    # dbt's profile finds the warehouse through these variables (dbt_project/profiles.yml); the key is passed to dbt,
    # and to the assets through Dagster's EnvVar, in this process's environment only, never in a file.
    os.environ[ENV_WAREHOUSE] = str(paths.warehouse)
    if key is None:
        for name in (ENV_WAREHOUSE_KEY, ENV_WAREHOUSE_CATALOG, ENV_UNSAFE_TEST_CRYPTO):
            os.environ.pop(name, None)
        warehouse = WarehouseResource(path=str(paths.warehouse))
    else:
        os.environ[ENV_WAREHOUSE_KEY] = key.secret
        os.environ[ENV_WAREHOUSE_CATALOG] = catalog_name(paths.warehouse)
        os.environ[ENV_UNSAFE_TEST_CRYPTO] = "true" if key.unsafe_test_crypto else "false"
        warehouse = WarehouseResource(path=str(paths.warehouse), key=EnvVar(ENV_WAREHOUSE_KEY),
                                      unsafe_test_crypto=key.unsafe_test_crypto)
    # dagster-dbt looks dbt up on PATH when it prepares the manifest; the virtualenv need not be active.
    bin_dir = str(DBT_EXECUTABLE.parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, (bin_dir, os.environ.get("PATH"))))
    return {
        "warehouse": warehouse,
        "landing": LandingZoneResource(path=str(paths.landing)),
        "exports": ExportsResource(exports_dir=str(paths.home / "exports"), practice_secret=str(paths.practice_secret)),
        "dbt": DbtCliResource(project_dir=dbt_project_dir, profiles_dir=dbt_project_dir,
                              target=dbt_target(environment, key is not None),
                              dbt_executable=str(DBT_EXECUTABLE)),
    }
