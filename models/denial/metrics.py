"""The denial model's evaluation measures, on 0/1 labels (1 = denied on first pass) and predicted probabilities.

- ROC AUC: the probability that a random denied claim scores above a random paid one (ties count half);
  scikit-learn's `roc_auc_score`. NaN when the rows hold one class only.
- PR AUC: the average precision, sum over thresholds of (recall_n − recall_{n−1}) × precision_n, scikit-learn's
  `average_precision_score` (step-wise, no interpolation).
- Brier score: the mean of (p − y)².
- Expected calibration error (ECE): 10 equal-width bins of the prediction, bin k holding p with
  floor(10 p) = k (p = 1 goes to bin 9); ECE = Σ_k (n_k / N) × |mean label in k − mean p in k|.
- Reliability curve: per bin, its rows, mean prediction and observed denial rate (the ECE's terms).
- Lift at the top 10%: the denial rate of the ceil(10% × N) highest-scored rows (ties kept in row order)
  divided by the denial rate of all rows.
- Recall at 90% precision: the largest recall over score thresholds whose precision (denials among the rows
  scored at or above it) is at least 0.9; 0 when no threshold reaches it (scikit-learn's
  `precision_recall_curve`).
- Per-payer ROC AUC: the AUC within each payer's rows.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, precision_recall_curve, roc_auc_score

BINS = 10
TOP_SHARE = 0.10
PRECISION_TARGET = 0.90


def _arrays(label, probability) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(label, dtype=np.float64)
    p = np.asarray(probability, dtype=np.float64)
    if y.shape != p.shape:
        raise ValueError(f"{len(y)} labels for {len(p)} predictions")
    return y, p


def _two_classes(y: np.ndarray) -> bool:
    return len(y) > 0 and 0 < y.sum() < len(y)


def roc_auc(label, probability) -> float:
    y, p = _arrays(label, probability)
    return float(roc_auc_score(y, p)) if _two_classes(y) else math.nan


def pr_auc(label, probability) -> float:
    y, p = _arrays(label, probability)
    return float(average_precision_score(y, p)) if y.sum() > 0 else math.nan


def brier(label, probability) -> float:
    y, p = _arrays(label, probability)
    return float(brier_score_loss(y, p)) if len(y) else math.nan


def _bins(p: np.ndarray) -> np.ndarray:
    return np.clip(np.floor(p * BINS).astype(np.int64), 0, BINS - 1)


def reliability_curve(label, probability) -> pd.DataFrame:
    """One row per bin (all 10, empty ones with NaN means): bin, lower, upper, rows, mean_predicted,
    observed_rate."""
    y, p = _arrays(label, probability)
    bins = _bins(p)
    rows = np.bincount(bins, minlength=BINS)
    with np.errstate(invalid="ignore", divide="ignore"):
        predicted = np.bincount(bins, weights=p, minlength=BINS) / rows
        observed = np.bincount(bins, weights=y, minlength=BINS) / rows
    return pd.DataFrame({
        "bin": np.arange(BINS), "lower": np.arange(BINS) / BINS, "upper": np.arange(1, BINS + 1) / BINS,
        "rows": rows, "mean_predicted": predicted, "observed_rate": observed})


def expected_calibration_error(label, probability) -> float:
    y, _ = _arrays(label, probability)
    if not len(y):
        return math.nan
    curve = reliability_curve(label, probability)
    filled = curve[curve["rows"] > 0]
    return float((filled["rows"] / len(y) * (filled["observed_rate"] - filled["mean_predicted"]).abs()).sum())


def lift_at_top(label, probability, share: float = TOP_SHARE) -> float:
    y, p = _arrays(label, probability)
    if not len(y) or y.sum() == 0:
        return math.nan
    top = math.ceil(round(share * len(y), 9))  # round first: 0.1 × 30 is 3.0000000000000004 in floating point
    order = np.argsort(-p, kind="stable")[:top]
    return float(y[order].mean() / y.mean())


def recall_at_precision(label, probability, precision: float = PRECISION_TARGET) -> float:
    y, p = _arrays(label, probability)
    if y.sum() == 0:
        return math.nan
    precisions, recalls, _ = precision_recall_curve(y, p)
    reaching = recalls[precisions >= precision]
    return float(reaching.max()) if len(reaching) else 0.0


def per_payer_auc(label, probability, payer) -> pd.DataFrame:
    """payer_id, claims, denials, denial_rate, roc_auc (NaN for a payer with one class), by payer_id."""
    y, p = _arrays(label, probability)
    frame = pd.DataFrame({"payer_id": np.asarray(payer), "y": y, "p": p})
    rows = [{"payer_id": payer_id, "claims": len(group), "denials": int(group["y"].sum()),
             "denial_rate": float(group["y"].mean()), "roc_auc": roc_auc(group["y"], group["p"])}
            for payer_id, group in frame.groupby("payer_id", sort=True)]
    return pd.DataFrame(rows, columns=["payer_id", "claims", "denials", "denial_rate", "roc_auc"])


def evaluate(label, probability) -> dict[str, float]:
    """Every scalar measure, with the rows and the denial rate they were measured on."""
    y, p = _arrays(label, probability)
    return {
        "rows": int(len(y)),
        "denial_rate": float(y.mean()) if len(y) else math.nan,
        "roc_auc": roc_auc(y, p),
        "pr_auc": pr_auc(y, p),
        "brier": brier(y, p),
        "ece": expected_calibration_error(y, p),
        "lift_top_10": lift_at_top(y, p),
        "recall_at_90_precision": recall_at_precision(y, p),
    }
