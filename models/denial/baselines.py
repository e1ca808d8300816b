"""The two baselines the model must beat, fitted on the training months and scored on the same rows as the model.

- **payer × CPT rate**: a claim's probability is its payer × CPT pair's past first-pass denial rate
  (`payer_cpt_prior_denial_rate`, over claims adjudicated before its submission), or the training rows' denial
  rate when the pair has no past claims. What a biller's rule of thumb knows.
- **logistic regression** on the model's own features: categoricals one-hot (a value unseen in training is all
  zeros), booleans and numbers with their missing values replaced by the training median plus a 0/1
  "was missing" indicator, then standardized; scikit-learn's L2-penalized LogisticRegression (C = 1), not
  recalibrated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from models.denial.dataset import FeatureSet

PAYER_CPT_RATE = "payer_cpt_prior_denial_rate"


@dataclass(frozen=True)
class PayerCptRate:
    """The payer × CPT past denial rate, with the training denial rate where a pair has no past."""

    fallback: float

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        rate = pd.to_numeric(frame[PAYER_CPT_RATE].astype("Float64")).to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(np.isnan(rate), self.fallback, rate)


def fit_payer_cpt_rate(train: pd.DataFrame) -> PayerCptRate:
    return PayerCptRate(float(train["label"].mean()))


def _numeric_frame(frame: pd.DataFrame, features: FeatureSet) -> pd.DataFrame:
    columns = (*features.boolean, *features.numeric)
    return pd.DataFrame({name: pd.to_numeric(frame[name].astype("Float64")).to_numpy(
        dtype=np.float64, na_value=np.nan) for name in columns}, index=frame.index)


def _categorical_frame(frame: pd.DataFrame, features: FeatureSet) -> pd.DataFrame:
    return pd.DataFrame({name: frame[name].astype("string").fillna("(missing)").astype(object)
                         for name in features.categorical}, index=frame.index)


@dataclass
class LogisticBaseline:
    features: FeatureSet
    pipeline: Pipeline

    def _inputs(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([_categorical_frame(frame, self.features), _numeric_frame(frame, self.features)], axis=1)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.pipeline.predict_proba(self._inputs(frame))[:, 1]


def fit_logistic(train: pd.DataFrame, features: FeatureSet) -> LogisticBaseline:
    numeric = [*features.boolean, *features.numeric]
    columns = ColumnTransformer([
        ("categorical", OneHotEncoder(handle_unknown="ignore"), list(features.categorical)),
        ("numeric", make_pipeline(SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
                                  StandardScaler()), numeric),
    ])
    pipeline = Pipeline([("columns", columns), ("model", LogisticRegression(C=1.0, max_iter=2000))])
    baseline = LogisticBaseline(features, pipeline)
    pipeline.fit(baseline._inputs(train), train["label"].to_numpy(dtype=np.int64))
    return baseline
