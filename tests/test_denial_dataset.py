"""The denial model's data: the split by month (its boundaries worked by hand), the encoding fixed at training,
the rows read from the mart, and the calibration methods."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.isotonic import IsotonicRegression

from models.denial.calibration import Calibrator, choose_calibrator, fit_calibrator, out_of_fold_ece
from models.denial.dataset import (
    BOOLEAN, CATEGORICAL, FULL_FEATURES, KEY_COLUMNS, NUMERIC, FeatureSet, SplitConfig, SplitWindow, assign_splits,
    category_lists, choose_window, complete_months, encode, feature_set, load_features,
)


def month_rows() -> pd.DataFrame:
    """10 billed claims a month, January to December 2024; all labelled up to October, 9 of 10 in November
    (exactly 90%: complete), 5 of 10 in December (incomplete); and 3 unbilled sessions in December."""
    rows = []
    for month in range(1, 13):
        labelled = {11: 9, 12: 5}.get(month, 10)
        for k in range(10):
            rows.append({"claim_id": f"C{month:02d}{k}", "is_billed": True, "split_month": date(2024, month, 1),
                         "label": float(k % 2) if k < labelled else np.nan})
    for k in range(3):
        rows.append({"claim_id": f"U{k}", "is_billed": False, "split_month": date(2024, 12, 1), "label": np.nan})
    return pd.DataFrame(rows)


def test_the_newest_complete_month_ends_the_test_window():
    frame = month_rows()
    assert complete_months(frame, 0.9)[-1] == date(2024, 11, 1)
    window = choose_window(frame, SplitConfig(test_months=3, validation_months=2))
    # Test: the 3 months ending in November; validation: the 2 before; train: the 6 before those.
    assert (window.test_first, window.test_last) == (date(2024, 9, 1), date(2024, 11, 1))
    assert (window.validation_first, window.validation_last) == (date(2024, 7, 1), date(2024, 8, 1))
    assert (window.train_first, window.train_last) == (date(2024, 1, 1), date(2024, 6, 1))
    assert window.months == {"train": 6, "validation": 2, "test": 3}


def test_rows_without_a_label_or_after_the_window_are_new():
    frame = month_rows()
    split = assign_splits(frame, choose_window(frame, SplitConfig(test_months=3, validation_months=2)))
    # train 6 x 10; validation 2 x 10; test 10 + 10 + 9 (November's unlabelled claim is new);
    # new: 1 in November, December's 10 claims (5 labelled but their month incomplete), 3 unbilled.
    assert split.value_counts().to_dict() == {"train": 60, "validation": 20, "test": 29, "new": 14}
    assert split[frame["claim_id"] == "C119"].item() == "new"  # November, unlabelled
    assert split[frame["claim_id"] == "C120"].item() == "new"  # December, labelled
    assert split[frame["claim_id"] == "C060"].item() == "train"  # June, the last train month
    assert split[frame["claim_id"] == "C070"].item() == "validation"


def test_a_month_under_the_labelled_share_is_incomplete():
    frame = month_rows()
    # At 91%, November (90%) is incomplete too: test ends in October.
    window = choose_window(frame, SplitConfig(test_months=3, validation_months=2, min_labelled_share=0.91))
    assert (window.test_first, window.test_last) == (date(2024, 8, 1), date(2024, 10, 1))
    assert window.train_last == date(2024, 5, 1)


def test_too_few_months_for_the_split_is_an_error():
    frame = month_rows()
    # 11 labelled months up to November; 6 + 5 + 1 = 12 needed.
    with pytest.raises(ValueError, match="11 labelled months up to 2024-11-01: the split needs at least 12"):
        choose_window(frame, SplitConfig(test_months=6, validation_months=5))
    choose_window(frame, SplitConfig(test_months=6, validation_months=4))  # 11 needed: enough


def test_window_json_round_trip():
    window = choose_window(month_rows(), SplitConfig(test_months=3, validation_months=2))
    assert SplitWindow.from_json(window.to_json()) == window


def test_encoding_uses_the_training_categories():
    features = FeatureSet(("payer_id",), ("is_telehealth",), ("session_minutes",))
    train = pd.DataFrame({"payer_id": ["P2", "P1", "P2", None], "is_telehealth": [True, False, True, False],
                          "session_minutes": [50.0, 30.0, 45.0, 60.0]})
    categories = category_lists(train, features)
    assert categories == {"payer_id": ["P1", "P2"]}
    later = pd.DataFrame({"payer_id": ["P1", "P9", None], "is_telehealth": pd.array([None, True, False],
                                                                                      dtype="boolean"),
                          "session_minutes": pd.array([None, 55, 40], dtype="Int32")})
    matrix = encode(later, features, categories)
    # P1 is code 0; P9 was not in training and null is null: missing. Booleans 1/0, null missing.
    expected = np.array([[0.0, np.nan, np.nan], [np.nan, 1.0, 55.0], [np.nan, 0.0, 40.0]])
    np.testing.assert_array_equal(matrix, expected)


def test_feature_set_needs_the_required_columns_and_takes_the_documentation_ones_when_all_there():
    required = [*KEY_COLUMNS, *CATEGORICAL, *BOOLEAN, *NUMERIC]
    assert feature_set(required) == FeatureSet(CATEGORICAL, BOOLEAN, NUMERIC)
    assert feature_set(list(FULL_FEATURES.names) + list(KEY_COLUMNS)) == FULL_FEATURES
    assert feature_set([*required, "doc_has_risk"]) == FeatureSet(CATEGORICAL, BOOLEAN, NUMERIC)
    with pytest.raises(ValueError, match="no column days_left_to_file"):
        feature_set([c for c in required if c != "days_left_to_file"])


MART_COLUMNS = {name: "varchar" for name in CATEGORICAL} | {name: "boolean" for name in BOOLEAN} | {
    name: "double" for name in NUMERIC} | {"claim_id": "varchar", "is_billed": "boolean", "scored_at": "timestamptz",
                                           "date_of_service": "date", "service_month": "date",
                                           "is_adjudicated": "boolean", "is_denied_first_pass": "boolean"}


def test_load_features_reads_the_utc_month_of_submission_and_the_label():
    con = duckdb.connect()
    con.execute("set TimeZone = 'America/Chicago'")
    con.execute("create schema marts")
    con.execute("create table marts.fct_claim_features (" + ", ".join(f"{n} {t}" for n, t in MART_COLUMNS.items())
                + ")")
    con.execute("insert into marts.fct_claim_features (claim_id, is_billed, scored_at, is_denied_first_pass) values "
                # 23:30 Chicago on 31 January is 05:30 UTC on 1 February: February.
                "('B', true, '2024-01-31 23:30:00-06', true), "
                "('A', true, '2024-01-15 16:30:00-06', false), "
                "('C', true, '2024-01-16 16:30:00-06', null), "  # not adjudicated yet: no label
                "('D', false, '2024-03-01 00:00:00-06', null)")  # the work queue
    frame, features = load_features(con)
    assert features == FeatureSet(CATEGORICAL, BOOLEAN, NUMERIC)
    assert frame["claim_id"].tolist() == ["A", "B", "C", "D"]
    assert frame["split_month"].tolist() == [date(2024, 1, 1), date(2024, 2, 1), date(2024, 1, 1), date(2024, 3, 1)]
    assert frame["label"].tolist()[:2] == [0.0, 1.0]
    assert frame["label"].iloc[2:].isna().all()


# -- calibration ----------------------------------------------------------------------------------------------


def test_centered_isotonic_puts_one_point_at_the_middle_of_each_step():
    score = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    label = np.array([0, 1, 0, 1, 1, 1])
    # Pool adjacent violators: 0 | (1, 0) pooled to 1/2 | 1, 1, 1. Steps: {0} at 0, {1, 2} at 1/2, {3, 4, 5} at 1;
    # their mean scores 0, 1.5 and 4.
    isotonic = fit_calibrator("isotonic", score, label)
    assert (isotonic.x, isotonic.y) == ((0.0, 1.5, 4.0), (0.0, 0.5, 1.0))
    # Linear between the points: 0.75 is half-way from 0 to 1.5; 3 is 1.5/2.5 of the way from 1.5 to 4.
    # Clipped beyond them.
    assert isotonic.apply(np.array([0.75, 3.0, -1.0, 6.0])).tolist() == pytest.approx([0.25, 0.8, 0.0, 1.0])
    # scikit-learn's own steps are flat between 1 and 2; the centered map is not.
    assert IsotonicRegression().fit(score, label).predict([1.2, 1.8]).tolist() == [0.5, 0.5]
    assert isotonic.apply(np.array([1.2])) < isotonic.apply(np.array([1.8]))


def test_platt_recovers_a_logistic_calibration_and_both_round_trip_through_json():
    rng = np.random.default_rng(0)
    score = rng.normal(0, 1.5, 2000)
    label = (rng.random(2000) < 1 / (1 + np.exp(-(0.8 * score - 1.0)))).astype(float)
    platt = fit_calibrator("platt", score, label)
    # The generating model: a = 0.8, b = -1.0; 2,000 claims recover it roughly.
    assert platt.a == pytest.approx(0.8, abs=0.12)
    assert platt.b == pytest.approx(-1.0, abs=0.15)
    isotonic = fit_calibrator("isotonic", score, label)
    assert np.all(np.diff(isotonic.x) > 0) and np.all(np.diff(isotonic.y) > 0)
    for calibrator in (isotonic, platt):
        assert Calibrator.from_json(calibrator.to_json()) == calibrator


def test_the_calibrator_with_the_lower_out_of_fold_ece_is_chosen():
    rng = np.random.default_rng(1)
    score = rng.normal(0, 1.5, 3000)
    # A step, not a sigmoid: isotonic follows it, Platt cannot.
    label = (rng.random(3000) < np.where(score > 0.5, 0.6, 0.05)).astype(float)
    chosen, errors = choose_calibrator(score, label)
    assert errors == {"platt": out_of_fold_ece("platt", score, label),
                      "isotonic": out_of_fold_ece("isotonic", score, label)}
    assert errors["isotonic"] < errors["platt"]
    assert chosen.method == "isotonic"
    # Refitted on every row: the same as fitting isotonic directly.
    assert chosen == fit_calibrator("isotonic", score, label)
