"""Training the denial model: LightGBM on the training months with early stopping on the validation months,
calibration on the validation months, and the evaluation on the test months against the baselines and, on the
demo practice, the true probabilities.

**Model size.** Scoring with reasons runs TreeSHAP, whose cost grows with trees × leaves × depth²; the issue
asks for 2,000 claims/s with reasons and 100,000 without. `TrainConfig`'s defaults: at most 400 trees of at
most 15 leaves and depth 5, learning rate 0.05, early stopping after 50 rounds without a better validation log
loss; at least 100 claims per leaf, L2 penalty 1, since a feature set this small needs no more, and the demo's
signal (a dozen causes on top of payer, CPT and clinician) fits in depth 5.

**Monotone constraints.** The fault features are constrained so that fixing a fault never raises the score
(`MONOTONE`: +1 = the risk may only rise with the value, −1 = only fall): a biller told to obtain the
authorization or to add the risk assessment must see the risk go down, and a claim with a fault must never
score below the same claim without it.

Determinism: fixed seed, `deterministic=True`, row-wise histograms, 2 threads: the same frame gives the same
model file.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd

from models.denial import metrics
from models.denial.baselines import fit_logistic, fit_payer_cpt_rate
from models.denial.calibration import choose_calibrator
from models.denial.dataset import (
    DOC_ELEMENTS,
    FeatureSet,
    SplitConfig,
    assign_splits,
    category_lists,
    choose_window,
    encode,
)
from models.denial.model import DenialModel
from models.denial.store import save_version

# +1: more of it (or true) may only raise the risk; -1: may only lower it. Others: unconstrained.
MONOTONE = {
    "is_without_required_authorization": 1,
    "has_authorization_on_file": -1,
    "minutes_fit_cpt": -1,
    "pos_matches_modality": -1,
    "is_eligibility_checked": -1,
    "is_note_signed_before_submission": -1,
    "days_left_to_file": -1,
    "doc_missing_count": 1,
    "doc_passes_rulebook": -1,
    "is_treatment_plan_overdue": 1,
    **{f"doc_has_{element}": -1 for element in DOC_ELEMENTS},
}


@dataclass(frozen=True)
class TrainConfig:
    num_leaves: int = 15
    max_depth: int = 5
    learning_rate: float = 0.05
    num_boost_round: int = 400
    early_stopping_rounds: int = 50
    min_data_in_leaf: int = 100
    lambda_l2: float = 1.0
    seed: int = 7
    num_threads: int = 2

    def lightgbm_params(self, features: FeatureSet) -> dict:
        return {
            "objective": "binary",
            "metric": "binary_logloss",
            "num_leaves": self.num_leaves,
            "max_depth": self.max_depth,
            "learning_rate": self.learning_rate,
            "min_data_in_leaf": self.min_data_in_leaf,
            "lambda_l2": self.lambda_l2,
            "monotone_constraints": [MONOTONE.get(name, 0) for name in features.names],
            "seed": self.seed,
            "deterministic": True,
            "force_row_wise": True,
            "num_threads": self.num_threads,
            "verbosity": -1,
        }


@dataclass
class Evaluation:
    """The test months' measures (models.denial.metrics) of the model, both baselines and, when given, the true
    probabilities (on the test rows that have one), and what the card shows besides."""

    test: dict[str, dict[str, float]]  # "model", "payer_cpt_rate", "logistic", "true_probability" -> measures
    validation: dict[str, float]  # the model's measures on the validation months (which it was calibrated on)
    reliability: pd.DataFrame  # the model's reliability curve on the test months
    per_payer: pd.DataFrame  # the model's per-payer AUC on the test months
    calibration_errors: dict[str, float]  # out-of-fold ECE per calibration method (validation months)
    rows: dict[str, int]  # rows per split


@dataclass
class TrainingRun:
    model: DenialModel
    splits: pd.Series
    evaluation: Evaluation
    parameters: dict
    best_iteration: int
    data_hash: str
    training_seconds: float
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def data_hash(frame: pd.DataFrame, columns: list[str]) -> str:
    """sha256 of the rows (sorted by claim_id; `columns` in order): pandas' per-row hash of their values, as
    little-endian uint64 bytes."""
    ordered = frame.sort_values("claim_id", kind="stable")[["claim_id", *columns]].reset_index(drop=True)
    hashes = pd.util.hash_pandas_object(ordered, index=False).to_numpy(dtype="<u8")
    return hashlib.sha256(hashes.tobytes()).hexdigest()


def train_booster(train_x: np.ndarray, train_y: np.ndarray, valid_x: np.ndarray, valid_y: np.ndarray,
                  features: FeatureSet, config: TrainConfig) -> lgb.Booster:
    params = config.lightgbm_params(features)
    names = list(features.names)
    categorical = features.categorical_indices
    train_set = lgb.Dataset(train_x, train_y, feature_name=names, categorical_feature=categorical,
                            free_raw_data=False)
    valid_set = lgb.Dataset(valid_x, valid_y, reference=train_set, feature_name=names,
                            categorical_feature=categorical)
    return lgb.train(params, train_set, num_boost_round=config.num_boost_round, valid_sets=[valid_set],
                     valid_names=["validation"],
                     callbacks=[lgb.early_stopping(config.early_stopping_rounds, verbose=False)])


def train_denial_model(frame: pd.DataFrame, features: FeatureSet, split_config: SplitConfig = SplitConfig(),
                       config: TrainConfig = TrainConfig(), truth: pd.DataFrame | None = None,
                       expected_allowed: dict[str, float] | None = None) -> TrainingRun:
    """Train, calibrate and evaluate on `frame` (models.denial.dataset.load_features's rows).

    `truth`: claim_id and true_denial_probability (the demo practice's ground truth), for the card's best
    achievable. `expected_allowed`: "payer_id|cpt_code" -> typical allowed, kept with the model for scoring.
    """
    started = time.perf_counter()
    window = choose_window(frame, split_config)
    splits = assign_splits(frame, window)
    parts = {name: frame[splits == name] for name in ("train", "validation", "test")}
    for name, part in parts.items():
        if part["label"].nunique() < 2:
            raise ValueError(f"the {name} months hold {len(part)} labelled claims of one class: cannot train")
    categories = category_lists(parts["train"], features)
    x = {name: encode(part, features, categories) for name, part in parts.items()}
    y = {name: part["label"].to_numpy(dtype=np.float64) for name, part in parts.items()}

    booster = train_booster(x["train"], y["train"], x["validation"], y["validation"], features, config)
    valid_raw = booster.predict(x["validation"], raw_score=True)
    calibrator, calibration_errors = choose_calibrator(valid_raw, y["validation"])
    model = DenialModel(booster, calibrator, features, categories, window, dict(expected_allowed or {}))
    seconds = time.perf_counter() - started

    predicted = model.predict(x["test"])
    test = {"model": metrics.evaluate(y["test"], predicted),
            "payer_cpt_rate": metrics.evaluate(y["test"], fit_payer_cpt_rate(parts["train"]).predict(parts["test"])),
            "logistic": metrics.evaluate(y["test"], fit_logistic(parts["train"], features).predict(parts["test"]))}
    if truth is not None:
        matched = parts["test"][["claim_id", "label"]].merge(truth[["claim_id", "true_denial_probability"]],
                                                              on="claim_id", how="inner")
        test["true_probability"] = metrics.evaluate(matched["label"], matched["true_denial_probability"])
    evaluation = Evaluation(
        test=test,
        validation=metrics.evaluate(y["validation"], calibrator.apply(valid_raw)),
        reliability=metrics.reliability_curve(y["test"], predicted),
        per_payer=metrics.per_payer_auc(y["test"], predicted, parts["test"]["payer_id"]),
        calibration_errors=calibration_errors,
        rows={name: int((splits == name).sum()) for name in ("train", "validation", "test", "new")},
    )
    fitted = pd.concat([parts["train"], parts["validation"]])
    return TrainingRun(
        model=model, splits=splits, evaluation=evaluation,
        parameters={**config.lightgbm_params(features), "num_boost_round": config.num_boost_round,
                    "early_stopping_rounds": config.early_stopping_rounds, "split": asdict(split_config)},
        best_iteration=int(booster.best_iteration or booster.current_iteration()),
        data_hash=data_hash(fitted, [*features.names, "split_month", "label"]),
        training_seconds=seconds,
    )


def run_metadata(run: TrainingRun) -> dict:
    """What the store keeps about a training run besides the model itself (models.denial.store adds the
    encoding, window and calibration): JSON-ready."""
    evaluation = run.evaluation
    return {
        "created_at": run.created_at,
        "data_hash": run.data_hash,
        "rows": evaluation.rows,
        "parameters": run.parameters,
        "best_iteration": run.best_iteration,
        "calibration_errors": evaluation.calibration_errors,
        "metrics": {"test": evaluation.test, "validation": evaluation.validation},
        "per_payer": evaluation.per_payer.to_dict(orient="records"),
        "reliability": evaluation.reliability.to_dict(orient="records"),
        "training_seconds": round(run.training_seconds, 3),
        "lightgbm_version": lgb.__version__,
    }


def save_run(root: Path, run: TrainingRun) -> str:
    """Store the run's model as a new version with its metadata, card and reliability plot; returns the version.
    The version is stored, not promoted (models.denial.store.promote, after the promotion check)."""
    from models.denial.card import reliability_png, render_card

    def files(metadata: dict) -> dict[str, bytes]:
        return {"card.md": render_card(metadata).encode(), "reliability.png": reliability_png(metadata["reliability"])}

    return save_version(root, run.model, run_metadata(run), files)
