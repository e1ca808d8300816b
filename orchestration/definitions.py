"""Lantern's Dagster definitions: `dagster dev -m orchestration.definitions` shows the whole graph."""

from dagster import Definitions

from orchestration.cash.assets import cash_forecast
from orchestration.environments import current_environment, current_warehouse_key, resources_for
from orchestration.extract.assets import extract_assets
from orchestration.extract.practice_config import PracticeConfigResource, practice_payer_rules
from orchestration.extract.sensors import extract_job, new_deliveries_sensor
from orchestration.mining.assets import event_log_mining
from orchestration.models.assets import model_assets, model_checks
from orchestration.models.resources import ModelStoreResource, TruthResource
from orchestration.project import DBT_PROJECT_DIR
from orchestration.warehouse.assets import build_dbt_assets, dbt_project

ENVIRONMENT, PATHS = current_environment()
# first: it puts dbt on PATH for the parse; an encrypted warehouse's key from LANTERN_WAREHOUSE_KEY or the key file
RESOURCES = resources_for(PATHS, ENVIRONMENT, str(DBT_PROJECT_DIR), current_warehouse_key(PATHS))
RESOURCES["practice_config"] = PracticeConfigResource(path=str(PATHS.config))
RESOURCES["model_store"] = ModelStoreResource(path=str(PATHS.model_store / "denial"))
RESOURCES["truth"] = TruthResource(path=str(PATHS.truth))

defs = Definitions(
    assets=[*extract_assets, practice_payer_rules, build_dbt_assets(dbt_project(ENVIRONMENT)), event_log_mining,
            *model_assets, cash_forecast],
    asset_checks=model_checks,
    jobs=[extract_job],
    sensors=[new_deliveries_sensor],
    resources=RESOURCES,
)
