"""The whole Dagster graph loads, and its shape is what the docs say: a change to it shows here as a diff."""

from __future__ import annotations

import importlib
import os

import pytest
from dagster import AssetKey

from connectors.raw_tables import ALL_TABLES
from orchestration.environments import resources_for
from orchestration.paths import LanternPaths
from orchestration.project import DBT_PROJECT_DIR


@pytest.fixture(scope="module")
def defs(tmp_path_factory):
    paths = LanternPaths.resolve(home=tmp_path_factory.mktemp("home"))
    saved = dict(os.environ)  # resources_for sets the warehouse and the tools' variables: not for later tests
    try:
        dbt = resources_for(paths, "ci", str(DBT_PROJECT_DIR))["dbt"]
        from orchestration.warehouse.assets import dbt_project

        project = dbt_project("ci")
        dbt.cli(["parse", "--quiet"], target_path=project.target_path).wait()  # what `dagster dev` does at start
        module = importlib.import_module("orchestration.definitions")
        return module.defs
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_every_raw_table_is_an_asset_with_a_contract_check(defs):
    graph = defs.resolve_asset_graph()
    keys = set(graph.get_all_asset_keys())
    for table in ALL_TABLES:
        assert AssetKey(["raw", table.name]) in keys
    checks = {key.asset_key for key in graph.asset_check_keys}
    assert AssetKey(["raw", "pm_appointments"]) in checks and AssetKey(["raw", "x12_claim_payments"]) in checks


def test_marts_sit_downstream_of_the_raw_tables_they_read(defs):
    graph = defs.resolve_asset_graph()
    fct_claims = AssetKey(["marts", "fct_claims"])
    assert fct_claims in set(graph.get_all_asset_keys())
    ancestors = set()
    frontier = [fct_claims]
    while frontier:
        key = frontier.pop()
        for parent in graph.get(key).parent_keys:
            if parent not in ancestors:
                ancestors.add(parent)
                frontier.append(parent)
    for table in ("x12_claims", "x12_claim_payments", "x12_adjustments", "pm_appointments", "pm_patient_payments"):
        assert AssetKey(["raw", table]) in ancestors


def test_groups_follow_the_layers(defs):
    graph = defs.resolve_asset_graph()
    groups = {key: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups[AssetKey(["raw", "fhir_encounters"])] == "raw_ehr"
    assert groups[AssetKey(["raw", "pm_referrals"])] == "raw_pm"
    assert groups[AssetKey(["raw", "x12_remittances"])] == "raw_payer"
    assert groups[AssetKey(["staging", "stg_x12__claims"])] == "staging"
    assert groups[AssetKey(["marts", "kpi_ar_daily"])] == "marts"
    assert {AssetKey(["marts", name]) for name in (
        "fct_claims", "fct_sessions", "fct_referrals", "dim_patients", "dim_clinicians", "dim_payers",
        "kpi_revenue_cycle_monthly", "kpi_access_monthly", "kpi_ar_daily", "kpi_outcomes_patient",
        "leadership_adolescent_anxiety")} <= set(groups)


def test_the_mining_asset_sits_downstream_of_the_event_log(defs):
    graph = defs.resolve_asset_graph()
    mining = AssetKey(["mining", "event_log_mining"])
    assert mining in set(graph.get_all_asset_keys())
    assert graph.get(mining).group_name == "mining"
    assert AssetKey(["marts", "event_log"]) in graph.get(mining).parent_keys


def test_the_sensor_and_the_extract_job_are_defined(defs):
    assert defs.resolve_sensor_def("new_deliveries_sensor") is not None
    assert defs.resolve_job_def("extract_deliveries") is not None
