"""The denial model's measures on tiny hand-made arrays, every expected value worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.denial import metrics

# Four claims: two paid (0), two denied (1).
Y = [0, 0, 1, 1]
P = [0.1, 0.4, 0.35, 0.8]


def test_roc_auc_counts_the_pairs_a_denied_claim_wins():
    # Denied 0.35 beats paid 0.1, loses to paid 0.4; denied 0.8 beats both: 3 of 4 pairs.
    assert metrics.roc_auc(Y, P) == pytest.approx(0.75)
    # A tie counts half.
    assert metrics.roc_auc([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert math.isnan(metrics.roc_auc([1, 1], [0.2, 0.3]))


def test_pr_auc_is_the_average_precision():
    # By score: 0.8 (denied) precision 1 recall 1/2; 0.4 (paid) 1/2, 1/2; 0.35 (denied) 2/3, 1; 0.1 (paid) 1/2, 1.
    # AP = (1/2 - 0) x 1 + 0 + (1 - 1/2) x 2/3 + 0 = 5/6.
    assert metrics.pr_auc(Y, P) == pytest.approx(5 / 6)


def test_brier_is_the_mean_squared_error():
    # (0.1^2 + 0.4^2 + 0.65^2 + 0.2^2) / 4 = (0.01 + 0.16 + 0.4225 + 0.04) / 4
    assert metrics.brier(Y, P) == pytest.approx(0.158125)


def test_ece_uses_ten_equal_width_bins():
    y = [0, 1, 0, 1, 1]
    p = [0.05, 0.15, 0.12, 0.95, 0.91]
    # bin 0: one claim, mean p 0.05, observed 0 -> 1/5 x 0.05 = 0.01
    # bin 1: 0.15 and 0.12, mean 0.135, observed 1/2 -> 2/5 x 0.365 = 0.146
    # bin 9: 0.95 and 0.91, mean 0.93, observed 1 -> 2/5 x 0.07 = 0.028
    assert metrics.expected_calibration_error(y, p) == pytest.approx(0.184)
    # Perfect calibration within each bin: 0.
    assert metrics.expected_calibration_error([0, 1], [0.5, 0.5]) == pytest.approx(0.0)


def test_reliability_curve_bins_by_floor_of_ten_p_and_keeps_empty_bins():
    curve = metrics.reliability_curve([1, 0, 1, 0], [0.3, 0.39, 1.0, 0.0])
    assert len(curve) == 10
    # 0.3 and 0.39 -> bin 3; 1.0 -> bin 9 (the last bin is closed); 0.0 -> bin 0.
    assert curve["rows"].tolist() == [1, 0, 0, 2, 0, 0, 0, 0, 0, 1]
    assert curve.loc[3, "mean_predicted"] == pytest.approx(0.345)
    assert curve.loc[3, "observed_rate"] == pytest.approx(0.5)
    assert np.isnan(curve.loc[5, "mean_predicted"])
    assert curve.loc[3, ["lower", "upper"]].tolist() == pytest.approx([0.3, 0.4])


def test_lift_at_top_ten_percent():
    # 20 claims, 5 denied (rate 1/4). The top 10% is the 2 highest scores: one denied, one paid -> rate 1/2.
    y = [1, 0] + [1, 1, 1, 1] + [0] * 14
    p = [0.99, 0.98] + [0.5] * 4 + [0.1] * 14
    assert metrics.lift_at_top(y, p) == pytest.approx(2.0)
    # 25 claims: the top 10% is ceil(2.5) = 3 claims. Top 3 all denied, 5 denied in all: (3/3) / (5/25) = 5.
    y = [1, 1, 1] + [1, 1] + [0] * 20
    p = [0.9, 0.8, 0.7] + [0.1, 0.1] + [0.2] * 20
    assert metrics.lift_at_top(y, p) == pytest.approx(5.0)
    # 30 claims: 0.1 x 30 is 3.0000000000000004 in floating point; the top is still 3 claims (3 of the 3
    # denials): (3/3) / (3/30) = 10.
    assert metrics.lift_at_top([1, 1, 1] + [0] * 27, [0.9, 0.8, 0.7] + [0.1] * 27) == pytest.approx(10.0)


def test_recall_at_ninety_percent_precision_takes_the_largest_recall_reaching_it():
    # By score: 9 denied, 1 paid, 1 denied, 1 paid, 1 denied, 3 paid (11 denied in all).
    y = [1] * 9 + [0, 1, 0, 1, 0, 0, 0]
    p = np.linspace(1.0, 0.25, len(y))
    # Cut after 9: precision 1, recall 9/11; after 10: 9/10 = 0.9, 9/11; after 11: 10/11 = 0.909, recall 10/11;
    # after 12: 10/12 = 0.833; after 13: 11/13 = 0.846; below 0.9 from there on. The largest recall: 10/11.
    assert metrics.recall_at_precision(y, p) == pytest.approx(10 / 11)
    # Precision never reaches 90%: the highest score is a paid claim and half the rest are paid.
    assert metrics.recall_at_precision([0, 1, 0, 1], [0.9, 0.8, 0.7, 0.6]) == 0.0


def test_per_payer_auc():
    y = [0, 1, 1, 0, 0, 0, 0]
    p = [0.2, 0.7, 0.3, 0.4, 0.1, 0.5, 0.6]
    payer = ["A", "A", "B", "B", "B", "C", "C"]
    table = metrics.per_payer_auc(y, p, payer)
    assert table["payer_id"].tolist() == ["A", "B", "C"]
    assert table["claims"].tolist() == [2, 3, 2]
    assert table["denials"].tolist() == [1, 1, 0]
    # A: 0.7 beats 0.2 -> 1. B: 0.3 loses to 0.4, beats 0.1 -> 1/2. C: no denial -> undefined.
    assert table["roc_auc"].tolist()[:2] == pytest.approx([1.0, 0.5])
    assert math.isnan(table["roc_auc"].tolist()[2])


def test_evaluate_gathers_every_measure():
    result = metrics.evaluate(Y, P)
    assert result["rows"] == 4
    assert result["denial_rate"] == pytest.approx(0.5)
    assert result["roc_auc"] == pytest.approx(0.75)
    assert result["brier"] == pytest.approx(0.158125)
    # The top 10% of 4 claims is ceil(0.4) = 1 claim: 0.8, denied: lift 1 / 0.5 = 2.
    assert result["lift_top_10"] == pytest.approx(2.0)
    # Precision 1 at the top claim (recall 1/2), then 1/2, 2/3, 1/2: recall 1/2.
    assert result["recall_at_90_precision"] == pytest.approx(0.5)
    # Bins: 0.1 -> 1 (paid: |0 - 0.1|), 0.4 -> 4 (|0 - 0.4|), 0.35 -> 3 (|1 - 0.35|), 0.8 -> 8 (|1 - 0.8|):
    # (0.1 + 0.4 + 0.65 + 0.2) / 4 = 0.3375.
    assert result["ece"] == pytest.approx(0.3375)
