"""The environment decides the resource set: `local` (a laptop), `ci` (the test machine).

The names match the dbt targets. This module and the command line are the only places that read
the process environment; assets get everything through resources.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from dagster_dbt import DbtCliResource

from orchestration.paths import ENV_WAREHOUSE, LanternPaths
from orchestration.resources import ExportsResource, LandingZoneResource, WarehouseResource

ENVIRONMENTS = ("local", "ci")
# dbt installed beside this interpreter: found without relying on PATH (a virtualenv need not be activated).
DBT_EXECUTABLE = Path(sys.executable).parent / "dbt"
ENV_NAME = "LANTERN_ENV"


def environment_name(env: Mapping[str, str]) -> str:
    name = env.get(ENV_NAME) or ("ci" if env.get("CI") else "local")
    if name not in ENVIRONMENTS:
        raise ValueError(f"{ENV_NAME}={name!r}: expected one of {', '.join(ENVIRONMENTS)}")
    return name


def current_environment() -> tuple[str, LanternPaths]:
    """The environment name and paths this process runs with, from its environment variables."""
    return environment_name(os.environ), LanternPaths.resolve(env=os.environ)


def resources_for(paths: LanternPaths, environment: str, dbt_project_dir: str) -> dict:
    """The resources every asset needs, for one environment."""
    # dbt's profile finds the warehouse through this variable (dbt_project/profiles.yml).
    os.environ[ENV_WAREHOUSE] = str(paths.warehouse)
    # dagster-dbt looks dbt up on PATH when it prepares the manifest; the virtualenv need not be active.
    bin_dir = str(DBT_EXECUTABLE.parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, (bin_dir, os.environ.get("PATH"))))
    return {
        "warehouse": WarehouseResource(path=str(paths.warehouse)),
        "landing": LandingZoneResource(path=str(paths.landing)),
        "exports": ExportsResource(exports_dir=str(paths.home / "exports")),
        "dbt": DbtCliResource(project_dir=dbt_project_dir, profiles_dir=dbt_project_dir, target=environment,
                              dbt_executable=str(DBT_EXECUTABLE)),
    }
