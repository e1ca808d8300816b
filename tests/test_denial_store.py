"""The model store: versions, what a version holds, the promotion rule and the promoted model."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from models.denial.calibration import Calibrator
from models.denial.dataset import FeatureSet, SplitWindow
from models.denial.model import DenialModel
from models.denial.store import (
    PromotionCheck, latest_version, load_promoted, load_version, next_version, promote, promoted_version,
    promotion_check, read_metadata, save_version, versions,
)

FEATURES = FeatureSet(("payer_id",), ("is_telehealth",), ("session_minutes",))
WINDOW = SplitWindow(date(2024, 1, 1), date(2024, 6, 1), date(2024, 7, 1), date(2024, 8, 1), date(2024, 9, 1),
                     date(2024, 11, 1), {"train": 6, "validation": 2, "test": 3})


def tiny_model(seed: int = 0) -> DenialModel:
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.integers(0, 2, 400), rng.integers(0, 2, 400), rng.normal(45, 10, 400)]).astype(float)
    y = (rng.random(400) < 0.1 + 0.3 * x[:, 1]).astype(float)
    booster = lgb.train({"objective": "binary", "num_leaves": 4, "min_data_in_leaf": 20, "verbosity": -1,
                         "deterministic": True, "num_threads": 1, "seed": 1},
                        lgb.Dataset(x, y, feature_name=list(FEATURES.names), categorical_feature=[0]),
                        num_boost_round=5)
    return DenialModel(booster, Calibrator("platt", a=0.9, b=-0.1), FEATURES, {"payer_id": ["P1", "P2"]}, WINDOW,
                       {"P1|90834": 88.5, "*|*": 90.0})


def frame() -> pd.DataFrame:
    return pd.DataFrame({"payer_id": ["P1", "P2", "P9"], "is_telehealth": [True, False, True],
                         "session_minutes": [50.0, 40.0, 30.0]})


def test_versions_are_numbered_in_order(tmp_path):
    assert versions(tmp_path / "missing") == [] and next_version(tmp_path) == "v0001"
    first = save_version(tmp_path, tiny_model(), {"note": "first"})
    second = save_version(tmp_path, tiny_model(1), {"note": "second"})
    (tmp_path / ".v0003.partial").mkdir()  # a run that died half-way: not a version
    (tmp_path / "notes").mkdir()
    assert (first, second) == ("v0001", "v0002")
    assert versions(tmp_path) == ["v0001", "v0002"] and latest_version(tmp_path) == "v0002"
    assert next_version(tmp_path) == "v0003"
    assert read_metadata(tmp_path, "v0002")["note"] == "second"


def test_a_version_holds_the_booster_in_lightgbm_text_the_calibrator_and_metadata_as_json(tmp_path):
    model = tiny_model()
    version = save_version(tmp_path, model, {"metrics": {"test": {"model": {"roc_auc": math.nan}}}},
                           files=lambda metadata: {"card.md": f"# {metadata['version']}".encode()})
    folder = tmp_path / version
    assert sorted(p.name for p in folder.iterdir()) == ["calibrator.json", "card.md", "metadata.json", "model.txt"]
    assert (folder / "model.txt").read_text().startswith("tree\n")  # LightGBM's own format, not a pickle
    assert json.loads((folder / "calibrator.json").read_text()) == {"method": "platt", "a": 0.9, "b": -0.1}
    assert (folder / "card.md").read_text() == "# v0001"
    metadata = json.loads((folder / "metadata.json").read_text())
    assert metadata["version"] == "v0001"
    assert metadata["metrics"]["test"]["model"]["roc_auc"] is None  # NaN is not JSON
    assert metadata["categories"] == {"payer_id": ["P1", "P2"]}
    assert metadata["features"] == {"categorical": ["payer_id"], "boolean": ["is_telehealth"],
                                    "numeric": ["session_minutes"]}
    assert metadata["training_window"]["test_last"] == "2024-11-01"
    assert model.version == "v0001"


def test_a_loaded_version_predicts_what_the_saved_model_did(tmp_path):
    model = tiny_model()
    version = save_version(tmp_path, model, {})
    loaded = load_version(tmp_path, version)
    np.testing.assert_allclose(loaded.predict(frame()), model.predict(frame()), rtol=0, atol=1e-12)
    np.testing.assert_allclose(loaded.contributions(frame()), model.contributions(frame()), rtol=0, atol=1e-12)
    assert (loaded.features, loaded.categories, loaded.window, loaded.calibrator) == (
        model.features, model.categories, model.window, model.calibrator)
    assert loaded.expected_allowed == {"P1|90834": 88.5, "*|*": 90.0}
    assert loaded.version == "v0001"


def measures(auc: float, brier: float, ece: float) -> dict:
    return {"roc_auc": auc, "brier": brier, "ece": ece}


def test_promotion_needs_the_baselines_auc_and_brier_and_an_ece_of_at_most_five_percent():
    base = measures(0.70, 0.150, 0.01)
    assert promotion_check({"model": measures(0.75, 0.140, 0.05), "payer_cpt_rate": base}).passed
    assert promotion_check({"model": measures(0.70, 0.150, 0.0), "payer_cpt_rate": base}).passed  # ties pass
    below_auc = promotion_check({"model": measures(0.69, 0.140, 0.01), "payer_cpt_rate": base})
    assert not below_auc.passed
    assert below_auc.conditions[0] == ("ROC AUC 0.6900 >= payer x CPT rate's 0.7000", False)
    assert not promotion_check({"model": measures(0.75, 0.151, 0.01), "payer_cpt_rate": base}).passed
    assert not promotion_check({"model": measures(0.75, 0.140, 0.0501), "payer_cpt_rate": base}).passed
    assert not promotion_check({"model": measures(0.75, 0.140, None), "payer_cpt_rate": base}).passed


def test_only_a_version_that_passed_is_promoted(tmp_path):
    save_version(tmp_path, tiny_model(), {})
    save_version(tmp_path, tiny_model(1), {})
    with pytest.raises(FileNotFoundError, match="no promoted denial model"):
        load_promoted(tmp_path)
    failed = PromotionCheck(False, [("ECE 0.0600 <= 0.05", False)])
    with pytest.raises(ValueError, match="v0002 did not pass its promotion check: FAILED: ECE 0.0600 <= 0.05"):
        promote(tmp_path, "v0002", failed)
    assert promoted_version(tmp_path) is None
    passed = PromotionCheck(True, [("ECE 0.0100 <= 0.05", True)])
    promote(tmp_path, "v0001", passed, now=datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert json.loads((tmp_path / "promoted.json").read_text()) == {
        "version": "v0001", "promoted_at": "2025-01-02T03:04:05+00:00", "check": "ok: ECE 0.0100 <= 0.05"}
    assert load_promoted(tmp_path).version == "v0001"
    promote(tmp_path, "v0002", passed)
    assert promoted_version(tmp_path) == "v0002"
    with pytest.raises(FileNotFoundError, match="no model v0009"):
        promote(tmp_path, "v0009", passed)
