"""Calibration: the map from LightGBM's raw score (log-odds) to a probability that matches observed denial rates.

Two methods, fitted on the validation months:
- **Platt**: p = 1 / (1 + exp(-(a × score + b))), a logistic regression of the label on the raw score;
- **isotonic**, centered (Oron & Flournoy's centered isotonic regression): scikit-learn's IsotonicRegression
  fits a non-decreasing step function (pool adjacent violators); each of its steps is replaced by one point, the
  mean score of the step's rows at the step's value, and the map interpolates linearly between those points
  (clipped beyond the first and last). Unlike the steps, it is strictly increasing between the first and last
  points: a claim whose fault is fixed gets a lower raw score, and must get a lower probability too, not the
  same one because both scores fell on one step. Stored as its points (x, y).

`choose_calibrator` picks the one with the lower expected calibration error measured out of fold (5 folds of the
validation rows: each fold scored by a calibrator fitted on the other four, so isotonic's in-sample fit does not
win by construction), then refits it on every validation row. A tie goes to Platt (two numbers).
Stored as JSON (`to_json`), never pickled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from models.denial.metrics import expected_calibration_error

METHODS = ("platt", "isotonic")
FOLDS = 5


@dataclass(frozen=True)
class Calibrator:
    """A fitted calibration: `method` with its parameters (Platt: a, b; isotonic: its points x, y)."""

    method: str
    a: float = 1.0
    b: float = 0.0
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()

    def apply(self, raw_score: np.ndarray) -> np.ndarray:
        """Calibrated probabilities for raw scores (log-odds)."""
        score = np.asarray(raw_score, dtype=np.float64)
        if self.method == "platt":
            return 1.0 / (1.0 + np.exp(-(self.a * score + self.b)))
        if self.method == "isotonic":
            return np.interp(score, self.x, self.y)
        raise ValueError(f"unknown calibration method {self.method!r}")

    def to_json(self) -> dict:
        if self.method == "platt":
            return {"method": "platt", "a": self.a, "b": self.b}
        return {"method": "isotonic", "x": list(self.x), "y": list(self.y)}

    @classmethod
    def from_json(cls, data: dict) -> Calibrator:
        if data["method"] == "platt":
            return cls("platt", a=float(data["a"]), b=float(data["b"]))
        return cls("isotonic", x=tuple(map(float, data["x"])), y=tuple(map(float, data["y"])))


def fit_calibrator(method: str, raw_score: np.ndarray, label: np.ndarray) -> Calibrator:
    """Fit one calibration method on raw scores and 0/1 labels."""
    score = np.asarray(raw_score, dtype=np.float64)
    label = np.asarray(label, dtype=np.float64)
    if method == "platt":
        # No penalty: Platt scaling is a plain two-parameter logistic fit.
        fitted = LogisticRegression(C=np.inf, solver="lbfgs").fit(score.reshape(-1, 1), label)
        return Calibrator("platt", a=float(fitted.coef_[0, 0]), b=float(fitted.intercept_[0]))
    if method == "isotonic":
        fitted = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(score, label)
        # Each step's rows share one fitted value; steps are contiguous in score, so their mean scores increase
        # with their values.
        centers = pd.Series(score).groupby(fitted.predict(score), sort=True).mean()
        return Calibrator("isotonic", x=tuple(map(float, centers.to_numpy())), y=tuple(map(float, centers.index)))
    raise ValueError(f"unknown calibration method {method!r}: one of {', '.join(METHODS)}")


def out_of_fold_ece(method: str, raw_score: np.ndarray, label: np.ndarray, folds: int = FOLDS,
                    seed: int = 0) -> float:
    """The ECE (10 equal-width bins) of `method`'s probabilities when each row is calibrated by a fit on the
    other folds (rows assigned to folds at random with `seed`)."""
    score = np.asarray(raw_score, dtype=np.float64)
    label = np.asarray(label, dtype=np.float64)
    fold = np.random.default_rng(seed).permutation(len(score)) % folds
    calibrated = np.empty(len(score))
    for k in range(folds):
        held = fold == k
        calibrated[held] = fit_calibrator(method, score[~held], label[~held]).apply(score[held])
    return expected_calibration_error(label, calibrated)


def choose_calibrator(raw_score: np.ndarray, label: np.ndarray) -> tuple[Calibrator, dict[str, float]]:
    """The calibrator with the lowest out-of-fold ECE on these (validation) rows, fitted on all of them, and each
    method's out-of-fold ECE."""
    errors = {method: out_of_fold_ece(method, raw_score, label) for method in METHODS}
    best = min(METHODS, key=lambda method: (errors[method], METHODS.index(method)))
    return fit_calibrator(best, raw_score, label), errors
