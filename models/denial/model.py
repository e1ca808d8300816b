"""A trained denial model: the LightGBM booster, its calibrator, the feature encoding fixed at training and the
split window it was trained with. Everything scoring needs, and nothing pickled: the store keeps the booster in
LightGBM's text format and the rest as JSON (`models.denial.store`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import lightgbm as lgb
import numpy as np
import pandas as pd

from models.denial.calibration import Calibrator
from models.denial.dataset import FeatureSet, SplitWindow, encode

PREDICT_THREADS = 2


@dataclass
class DenialModel:
    booster: lgb.Booster
    calibrator: Calibrator
    features: FeatureSet
    categories: dict[str, list[str]]  # categorical feature -> its values, in code order
    window: SplitWindow
    expected_allowed: dict[str, float] = field(default_factory=dict)  # "payer_id|cpt_code" -> allowed (see score)
    version: str = "unsaved"

    def matrix(self, frame: pd.DataFrame) -> np.ndarray:
        return encode(frame, self.features, self.categories)

    def raw_score(self, frame: pd.DataFrame | np.ndarray) -> np.ndarray:
        """LightGBM's raw score (log-odds of a denial, before calibration)."""
        data = frame if isinstance(frame, np.ndarray) else self.matrix(frame)
        return self.booster.predict(data, raw_score=True, num_threads=PREDICT_THREADS)

    def predict(self, frame: pd.DataFrame | np.ndarray) -> np.ndarray:
        """The calibrated probability of a first-pass denial."""
        return self.calibrator.apply(self.raw_score(frame))

    def contributions(self, frame: pd.DataFrame | np.ndarray) -> np.ndarray:
        """LightGBM's per-feature contributions to the raw score (TreeSHAP, `pred_contrib=True`): rows ×
        (features + 1), the last column the expected value; each row sums to its raw score."""
        data = frame if isinstance(frame, np.ndarray) else self.matrix(frame)
        return self.booster.predict(data, pred_contrib=True, num_threads=PREDICT_THREADS)
