"""The open-claims part of the cash forecast (models.cash.open_claims) on series with a known answer: constant
lags, known payment probabilities and amounts, so every expected dollar is worked out by hand."""

import numpy as np
import pytest

from models.cash.open_claims import LagDistribution, OpenClaims, expected_receipts, week_start

D = np.datetime64


def claims(*rows):
    """(claim_id, payer, segment, submitted, paid_probability, expected_amount) rows as OpenClaims."""
    ids, keys, segments, submitted, p, amount = zip(*rows, strict=True)
    return OpenClaims(np.array(ids), np.array(keys), np.array(segments), np.array(submitted, dtype="datetime64[D]"),
                      np.array(p, dtype=float), np.array(amount, dtype=float))


def as_dict(frame):
    return {(str(row.week_start.date()), row.segment): round(row.expected, 6) for row in frame.itertuples()}


def test_week_start_is_the_monday_on_or_before():
    days = np.array(["2025-03-03", "2025-03-05", "2025-03-09", "2025-03-10"], dtype="datetime64[D]")
    assert week_start(days).astype(str).tolist() == ["2025-03-03", "2025-03-03", "2025-03-03", "2025-03-10"]


def test_lag_distribution_from_paid_lags():
    lags = LagDistribution.from_lags([14, 14, 21, 28])
    assert lags.max_lag == 28
    assert lags.pmf[14] == 0.5 and lags.pmf[21] == 0.25 and lags.pmf[28] == 0.25
    # S(a) = P(L > a): above 13 all, above 14 half, above 21 a quarter, above 28 none
    assert lags.survival(np.array([13, 14, 20, 21, 28, 40])).tolist() == [1.0, 0.5, 0.5, 0.25, 0.0, 0.0]
    with pytest.raises(ValueError, match="at least one"):
        LagDistribution.from_lags([])


def test_a_constant_lag_puts_each_sure_claim_in_its_payment_week():
    # Origin Wed 2025-03-05; the forecast's weeks start Mon 03-10. Every payer pays exactly 14 days after
    # submission, and always pays.
    lags = {"P": LagDistribution.from_lags([14])}
    open_claims = claims(
        ("c1", "P", "commercial", "2025-02-27", 1.0, 100.0),  # paid 03-13: week 03-10
        ("c2", "P", "commercial", "2025-03-04", 1.0, 50.0),   # paid 03-18: week 03-17
        ("c3", "P", "commercial", "2025-03-05", 1.0, 25.0),   # paid 03-19: week 03-17
        ("c4", "P", "medicaid", "2025-03-05", 1.0, 40.0),     # paid 03-19: week 03-17
        ("c5", "P", "commercial", "2025-02-17", 1.0, 999.0),  # due 03-03, before the origin: it will not come
    )
    result = as_dict(expected_receipts(open_claims, lags, D("2025-03-05"), horizon_weeks=3))
    assert result == {
        ("2025-03-10", "commercial"): 100.0, ("2025-03-10", "medicaid"): 0.0,
        ("2025-03-17", "commercial"): 75.0, ("2025-03-17", "medicaid"): 40.0,
        ("2025-03-24", "commercial"): 0.0, ("2025-03-24", "medicaid"): 0.0,
    }


def test_an_unpaid_claim_is_paid_by_the_lags_it_has_not_yet_passed():
    # Lags 7 (half) and 21 (half) days; the payer pays 80% of claims. Submitted Mon 03-03, origin Wed 03-12
    # (age 9): the 7-day payment did not come, so the claim is either paid on 03-24 (lag 21) or never:
    #   P(paid at 21 | unpaid at 9) = 0.8 * 0.5 / (0.8 * 0.5 + 0.2) = 2/3, of 90.00 = 60.00 in week 03-24.
    lags = {"P": LagDistribution.from_lags([7, 21])}
    open_claims = claims(("c1", "P", "medicare", "2025-03-03", 0.8, 90.0))
    result = as_dict(expected_receipts(open_claims, lags, D("2025-03-12"), horizon_weeks=2))
    assert result == {("2025-03-17", "medicare"): 0.0, ("2025-03-24", "medicare"): 60.0}
    # At age 2 (origin 03-05) nothing was due yet: 0.8 * 0.5 = 0.4 of it on 03-10 and 0.4 on 03-24.
    early = as_dict(expected_receipts(open_claims, lags, D("2025-03-05"), horizon_weeks=3))
    assert early == {("2025-03-10", "medicare"): 36.0, ("2025-03-17", "medicare"): 0.0,
                     ("2025-03-24", "medicare"): 36.0}


def test_payers_keep_their_own_lags_and_a_payer_without_lags_is_an_error():
    lags = {"A": LagDistribution.from_lags([7]), "B": LagDistribution.from_lags([14])}
    open_claims = claims(("a", "A", "commercial", "2025-03-05", 1.0, 10.0),
                         ("b", "B", "commercial", "2025-03-05", 1.0, 20.0))
    # Origin Wed 03-05: A pays 03-12 (week 03-10), B 03-19 (week 03-17).
    assert as_dict(expected_receipts(open_claims, lags, D("2025-03-05"), 2)) == {
        ("2025-03-10", "commercial"): 10.0, ("2025-03-17", "commercial"): 20.0}
    with pytest.raises(ValueError, match="no payment-lag distribution for 'C'"):
        expected_receipts(claims(("c", "C", "commercial", "2025-03-05", 1.0, 5.0)), lags, D("2025-03-05"), 2)


def test_the_history_estimates_each_payers_chances_amounts_and_lags():
    import pandas as pd

    from models.cash.history import ALL, MIN_CLAIMS, estimate, open_claims

    rows = []
    # Payer A, 40 claims of 90834: the 30 not denied were paid 24 times (lag 10, 60.00 each); the 10 denied
    # were paid 5 times (lag 40, 60.00).
    for i in range(30):
        rows.append(("A", "90834", False, 10 if i < 24 else None, 60.0 if i < 24 else None))
    for i in range(10):
        rows.append(("A", "90834", True, 40 if i < 5 else None, 60.0 if i < 5 else None))
    # Payer B, 5 claims (fewer than MIN_CLAIMS): all pending and paid at lag 20, 100.00.
    rows += [("B", "90837", False, 20, 100.0)] * 5
    assert MIN_CLAIMS == 20
    history = estimate(pd.DataFrame(rows, columns=["payer_id", "cpt_code", "was_denied", "paid_lag_days",
                                                   "paid_amount"]))
    # A claim pending at the origin may still be denied: A's share over all its 40 claims, (24 + 5) / 40; an
    # already denied one: A's denied claims' share, 5 / 10.
    assert history.probability("A", False) == 29 / 40 and history.probability("A", True) == 5 / 10
    # B has too few claims: the practice's shares, (29 + 5) / 45 and 5 / 10.
    assert history.probability("B", False) == 34 / 45 and history.probability("B", True) == 0.5
    assert history.amount("A", "90834") == 60.0
    # B's claims: too few for their own mean, so the practice's: (29 x 60 + 5 x 100) / 34.
    assert history.amount("B", "90837") == (29 * 60 + 5 * 100) / 34
    assert history.lag_key("A") == "A" and history.lag_key("B") == ALL
    assert history.lags["A"].pmf[10] == 24 / 29 and history.lags["A"].pmf[40] == 5 / 29
    # A denied claim follows the lags of the denied claims later paid: A has 5 (< 20), so the practice's, all 40.
    assert history.lag_key("A", denied=True) == "*|denied" and history.lags["*|denied"].pmf[40] == 1.0
    frame = pd.DataFrame({"claim_id": ["x"], "payer_id": ["A"], "segment": ["commercial"], "cpt_code": ["90834"],
                          "submitted_date": [pd.Timestamp("2025-03-03")], "is_denied_at_origin": [True]})
    claims_open = open_claims(frame, history)
    assert claims_open.paid_probability.tolist() == [0.5] and claims_open.expected_amount.tolist() == [60.0]
    assert claims_open.lag_key.tolist() == ["*|denied"]


def test_future_claims_are_paid_after_the_lags_from_the_middle_of_their_week():
    import pandas as pd

    from models.cash.open_claims import receipts_from_future_claims

    weeks = pd.date_range("2025-03-03", periods=4, freq="7D")
    # Claims of week 03-03 are submitted Wed 03-05, of week 03-10 on 03-12. Lags: 5 days (half), 12 (half);
    # paid 90% of the time. Week 03-03's 100.00: 45.00 on Mon 03-10 and 45.00 on Mon 03-17; week 03-10's
    # 200.00: 90.00 on 03-17 and 90.00 on 03-24; weeks 3-4 bill nothing.
    lags = LagDistribution.from_lags([5, 12])
    result = receipts_from_future_claims(pd.Series([100.0, 200.0, 0.0, 0.0], index=weeks), 0.9, lags)
    assert result.round(6).tolist() == [0.0, 45.0, 135.0, 90.0]
