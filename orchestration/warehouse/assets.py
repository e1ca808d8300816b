"""The dbt project as Dagster assets: staging, intermediate and marts, downstream of the raw tables.

Groups follow the dbt folder (staging, intermediate, marts, seeds); dbt sources named `raw` map to
the extraction assets' keys `raw/<table>`. The manifest is prepared by `dagster dev` or by
`lantern build` before this module is imported, never by a `dbt parse` at import time.
"""


import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AutomationCondition, Config
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.project import DBT_PROJECT_DIR
from orchestration.raw_parquet.publish import DEFAULT_PRACTICE_ID


class DbtBuildConfig(Config):
    as_of_date: str | None = None  # YYYY-MM-DD; default: the newest delivery's date
    practice_id: str = DEFAULT_PRACTICE_ID  # the practice the loader's raw rows belong to (dbt var practice_id)


@cache
def dbt_project(target: str = "local") -> DbtProject:
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target=target)
    project.prepare_if_dev()
    return project


class LanternTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return AssetKey([dbt_resource_props.get("config", {}).get("schema") or "warehouse",
                         dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "seeds"
        path = dbt_resource_props.get("original_file_path", "")
        parts = path.split("/")
        return parts[1] if len(parts) > 2 and parts[0] == "models" else "warehouse"

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> AutomationCondition | None:
        return AutomationCondition.eager()


def build_dbt_assets(project: DbtProject):
    @dbt_assets(manifest=project.manifest_path, dagster_dbt_translator=LanternTranslator(), project=project,
                name="warehouse_dbt")
    def warehouse_dbt(context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig):
        args = ["build", "--vars", json.dumps({"as_of_date": config.as_of_date, "practice_id": config.practice_id})]
        yield from dbt.cli(args, context=context).stream()

    return warehouse_dbt
