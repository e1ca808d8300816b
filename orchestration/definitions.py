"""Lantern's Dagster definitions: `dagster dev -m orchestration.definitions` shows the whole graph."""

from __future__ import annotations

import os

from dagster import Definitions

from orchestration.environments import environment_name, resources_for
from orchestration.extract.assets import extract_assets
from orchestration.extract.sensors import extract_job, new_deliveries_sensor
from orchestration.paths import LanternPaths
from orchestration.project import DBT_PROJECT_DIR
from orchestration.warehouse.assets import build_dbt_assets, dbt_project

ENVIRONMENT = environment_name(os.environ)
PATHS = LanternPaths.resolve(env=os.environ)

defs = Definitions(
    assets=[*extract_assets, build_dbt_assets(dbt_project(ENVIRONMENT))],
    jobs=[extract_job],
    sensors=[new_deliveries_sensor],
    resources=resources_for(PATHS, ENVIRONMENT, str(DBT_PROJECT_DIR)),
)
