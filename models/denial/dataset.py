"""The denial model's data: the feature mart's rows, their encoding as a numeric matrix, and the split by month.

Rows come from `marts.fct_claim_features` (one per claim with an original submission, one per completed
session not yet billed). A row's **label** is `is_denied_first_pass` (1 = denied on first pass), known only
for billed, adjudicated claims. A row's **month** is the UTC month of `scored_at` (the original submission;
for an unbilled session the as-of date's end): the model is used at submission, so its test must be on claims
submitted after every claim it trained on, and a claim filed months after its session belongs to the month
it was filed (its history features are as of then).

**The split** (`choose_window`, `assign_splits`), on labelled rows only:
- a month is *complete* when at least `min_labelled_share` (90%) of its billed claims are adjudicated; the
  newest complete month ends the test window: the months after it are still being adjudicated, and the claims
  adjudicated so far are the quick ones, a biased sample;
- test = the `test_months` (6) months ending there, validation = the `validation_months` (3) before them,
  train = every earlier month;
- `new` = every row without a label (unbilled sessions, claims not adjudicated yet or never: rejected,
  voided) and every row of a month after the test window.
Train and validation rows are what the model saw (early stopping and calibration use validation); test rows
it never saw; baselines are fitted on train only.

**The encoding** (`encode`): one float column per feature, in `FeatureSet.names` order: a categorical as
the index of its value in the category list fixed at training (stored in the model's metadata; a value not
in the list, or null, is missing), a boolean as 1/0, a number as itself; null is NaN (LightGBM's missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from string import Template

import duckdb
import numpy as np
import pandas as pd

from models.documentation.rulebook import ELEMENTS

FEATURE_RELATION = "marts.fct_claim_features"
SPLITS = ("train", "validation", "test", "new")

KEY_COLUMNS = ("claim_id", "is_billed", "scored_at", "date_of_service", "service_month", "is_adjudicated",
               "is_denied_first_pass")
CATEGORICAL = ("payer_id", "payer_type", "cpt_code", "modifiers", "place_of_service", "modality",
               "diagnosis_group", "clinician_npi", "eligibility_result")
BOOLEAN = ("has_modifier_95", "is_telehealth", "pos_matches_modality", "minutes_fit_cpt",
           "is_authorization_required", "has_authorization_on_file", "is_without_required_authorization",
           "is_eligibility_checked", "is_note_signed_before_submission")
NUMERIC = ("session_minutes", "authorization_visits_remaining", "eligibility_age_days", "filing_lag_days",
           "timely_filing_days", "days_left_to_file", "note_lag_hours", "clinician_prior_claims",
           "clinician_prior_denial_rate", "payer_cpt_prior_claims", "payer_cpt_prior_denial_rate")
DOC_ELEMENTS = ELEMENTS
# The documentation checker's features: used when the mart has them (they come from marts.note_documentation,
# the treatment-plan review's too: a review is known from the note that documents it).
DOC_BOOLEAN = (*(f"doc_has_{element}" for element in DOC_ELEMENTS), "doc_passes_rulebook", "is_treatment_plan_overdue")
DOC_NUMERIC = ("doc_missing_count", "days_since_plan_review")
# Read for the reasons' wording and the card, not fed to the model: the CPT's minutes are the CPT code's, and
# the denial counts are the rates times the claims.
CONTEXT_COLUMNS = ("cpt_min_minutes", "cpt_max_minutes", "clinician_prior_denials", "payer_cpt_prior_denials",
                   "treatment_plan_review_days")


@dataclass(frozen=True)
class FeatureSet:
    """The model's features, by kind, in the order of the encoded matrix: categoricals, booleans, numbers."""

    categorical: tuple[str, ...]
    boolean: tuple[str, ...]
    numeric: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return (*self.categorical, *self.boolean, *self.numeric)

    @property
    def categorical_indices(self) -> list[int]:
        return list(range(len(self.categorical)))

    def to_json(self) -> dict:
        return {"categorical": list(self.categorical), "boolean": list(self.boolean), "numeric": list(self.numeric)}

    @classmethod
    def from_json(cls, data: dict) -> FeatureSet:
        return cls(tuple(data["categorical"]), tuple(data["boolean"]), tuple(data["numeric"]))


FULL_FEATURES = FeatureSet(CATEGORICAL, (*BOOLEAN, *DOC_BOOLEAN), (*NUMERIC, *DOC_NUMERIC))


def feature_set(columns: Sequence[str]) -> FeatureSet:
    """The features a relation with these columns supports: all of them; the documentation features only when
    all of them are there. Raises when a required (non-documentation) column is missing."""
    present = set(columns)
    required = (*KEY_COLUMNS, *CATEGORICAL, *BOOLEAN, *NUMERIC)
    missing = [name for name in required if name not in present]
    if missing:
        raise ValueError(f"the feature relation has no column {', '.join(missing)}")
    if all(name in present for name in (*DOC_BOOLEAN, *DOC_NUMERIC)):
        return FULL_FEATURES
    return FeatureSet(CATEGORICAL, BOOLEAN, NUMERIC)


@cache
def _sql(name: str) -> Template:
    return Template(resources.files("models.denial").joinpath(name).read_text(encoding="utf-8"))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_features(con: duckdb.DuckDBPyConnection, relation: str = FEATURE_RELATION) -> tuple[pd.DataFrame, FeatureSet]:
    """The feature rows (`features.sql`), ordered by claim_id, with `split_month` (date) and `label` (1, 0 or
    NaN), and the features the relation supports."""
    from mining.events import check_relation, relation_columns

    columns = relation_columns(con, check_relation(relation))
    features = feature_set(columns)
    wanted = [*KEY_COLUMNS, *features.names, *(c for c in CONTEXT_COLUMNS if c in columns)]
    sql = _sql("features.sql").substitute(columns=",\n    ".join(_quote(c) for c in dict.fromkeys(wanted)),
                                          relation=relation)
    frame = con.execute(sql).df()
    frame["split_month"] = pd.to_datetime(frame["split_month"]).dt.date
    frame["label"] = frame["label"].astype("float64")
    return frame, features


# -- encoding --------------------------------------------------------------------------------------------------


def category_lists(frame: pd.DataFrame, features: FeatureSet) -> dict[str, list[str]]:
    """Each categorical feature's values in `frame` (the training rows), sorted: the encoding's fixed lists."""
    return {name: sorted(str(v) for v in frame[name].dropna().unique()) for name in features.categorical}


def encode(frame: pd.DataFrame, features: FeatureSet, categories: dict[str, list[str]]) -> np.ndarray:
    """The rows as a float64 matrix (rows × features, in `features.names` order); see the module's docstring."""
    matrix = np.empty((len(frame), len(features.names)), dtype=np.float64)
    for j, name in enumerate(features.categorical):
        codes = pd.Index(categories[name]).get_indexer(frame[name].astype("string")).astype(np.float64)
        codes[codes < 0] = np.nan  # not in the list, or null
        matrix[:, j] = codes
    offset = len(features.categorical)
    for j, name in enumerate((*features.boolean, *features.numeric), start=offset):
        matrix[:, j] = pd.to_numeric(frame[name].astype("Float64"), errors="raise").to_numpy(
            dtype=np.float64, na_value=np.nan)
    return matrix


# -- the split by month -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SplitConfig:
    """How many months test and validation take, and when a month's adjudications count as complete."""

    test_months: int = 6
    validation_months: int = 3
    min_labelled_share: float = 0.9


@dataclass(frozen=True)
class SplitWindow:
    """The months of each split (first days of months, both ends included): train is every month up to
    `train_last`, from `train_first` (the oldest labelled month)."""

    train_first: date
    train_last: date
    validation_first: date
    validation_last: date
    test_first: date
    test_last: date
    months: dict[str, int] = field(default_factory=dict)  # split -> months in it

    def to_json(self) -> dict:
        return {key: value.isoformat() for key, value in self.__dict__.items() if isinstance(value, date)} | {
            "months": dict(self.months)}

    @classmethod
    def from_json(cls, data: dict) -> SplitWindow:
        return cls(**{key: date.fromisoformat(value) for key, value in data.items() if key != "months"},
                   months=dict(data.get("months", {})))


def complete_months(frame: pd.DataFrame, min_labelled_share: float) -> list[date]:
    """The months (of billed rows) whose share of labelled claims is at least `min_labelled_share`, sorted."""
    billed = frame[frame["is_billed"].astype(bool)]
    share = billed.groupby("split_month")["label"].apply(lambda labels: labels.notna().mean())
    return sorted(month for month, value in share.items() if value >= min_labelled_share)


def choose_window(frame: pd.DataFrame, config: SplitConfig = SplitConfig()) -> SplitWindow:
    """The split's months: test ends at the newest complete month, validation before it, train before that.
    Raises when fewer than test + validation + 1 labelled months lead up to it."""
    complete = complete_months(frame, config.min_labelled_share)
    if not complete:
        raise ValueError("no month has its claims adjudicated: nothing to train on")
    last = complete[-1]
    labelled = sorted(m for m in frame.loc[frame["label"].notna(), "split_month"].unique() if m <= last)
    needed = config.test_months + config.validation_months + 1
    if len(labelled) < needed:
        raise ValueError(f"{len(labelled)} labelled months up to {last}: the split needs at least {needed} "
                         f"({config.test_months} test, {config.validation_months} validation, 1 train)")
    test = labelled[-config.test_months:]
    validation = labelled[-(config.test_months + config.validation_months):-config.test_months]
    train = labelled[:-(config.test_months + config.validation_months)]
    return SplitWindow(train[0], train[-1], validation[0], validation[-1], test[0], test[-1],
                       {"train": len(train), "validation": len(validation), "test": len(test)})


def assign_splits(frame: pd.DataFrame, window: SplitWindow) -> pd.Series:
    """Each row's split (train, validation, test, new) under `window`: by its month, when it has a label."""
    month = frame["split_month"]
    labelled = frame["label"].notna()
    split = np.select(
        [~labelled, month <= window.train_last, month <= window.validation_last, month <= window.test_last],
        ["new", "train", "validation", "test"], default="new")
    return pd.Series(split, index=frame.index, name="split")
