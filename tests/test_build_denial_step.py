"""The denial-model step of `lantern build` (orchestration.build._score_denial_risk) on a copy of the small
practice's built warehouse: the build trained and promoted v0001; a build without --retrain reuses it and
re-scores; --retrain trains v0002 and promotes it only through its check."""

from __future__ import annotations

import os
import shutil

import duckdb
import pytest
from dagster import DagsterInstance

from models.denial.store import promoted_version
from orchestration.build import _score_denial_risk
from orchestration.environments import resources_for
from orchestration.paths import LanternPaths
from orchestration.project import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow


@pytest.fixture()
def home(built_small_practice, tmp_path):
    shutil.copyfile(built_small_practice.warehouse, tmp_path / "warehouse.duckdb")
    shutil.copytree(built_small_practice.home / "models", tmp_path / "models")
    (tmp_path / "logs").mkdir()
    return tmp_path


def _step(home, practice, retrain: bool, messages: list[str]) -> str:
    paths = LanternPaths.resolve(home=home, truth=practice.truth, env={})
    saved = dict(os.environ)  # resources_for sets the warehouse and the tools' variables for its run
    try:
        resources = resources_for(paths, "local", str(DBT_PROJECT_DIR))
        return _score_denial_risk(paths, DagsterInstance.ephemeral(), resources, retrain, messages.append)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_the_build_trains_once_then_reuses_and_retrains_on_request(built_small_practice, home):
    assert "model v0001 trained, checked and promoted" in built_small_practice.output
    store = home / "models" / "denial"
    messages: list[str] = []
    assert _step(home, built_small_practice.practice, False, messages) == "model v0001 reused"
    assert messages == ["scoring the claims with the promoted denial model v0001"]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select distinct model_version from marts.claim_denial_risk").fetchall() == [("v0001",)]
    assert _step(home, built_small_practice.practice, True, messages) == "model v0002 trained, checked and promoted"
    assert promoted_version(store) == "v0002"
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select distinct model_version from marts.claim_denial_risk").fetchall() == [("v0002",)]
