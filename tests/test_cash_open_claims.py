"""The open-claims part of the cash forecast (models.cash.open_claims, history, payment_runs) on series with a
known answer: constant lags, known payments and amounts, so every expected dollar is worked out by hand."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from models.cash.open_claims import (
    NEVER, BillingShare, OpenClaims, PaymentTimes, expected_receipts, receipts_from_future_claims, week_start,
)
from models.cash.payment_runs import PaymentCalendar, learn_calendar

D = np.datetime64


def claims(*rows):
    """(claim_id, times_key, state, segment, submitted, expected_amount) rows as OpenClaims of payer P."""
    ids, keys, states, segments, submitted, amount = zip(*rows, strict=True)
    return OpenClaims(np.array(ids), np.array(["P"] * len(ids)), np.array(keys), np.array(states),
                      np.array(segments), np.array(submitted, dtype="datetime64[D]"), np.array(amount, dtype=float),
                      np.ones(len(ids)), np.full(len(ids), np.nan))


def as_dict(frame):
    return {(str(row.week_start.date()), row.segment): round(row.expected, 6) for row in frame.itertuples()}


def always_paid_at(days: int, n: int = 4) -> PaymentTimes:
    return PaymentTimes.from_lags([days] * n, [days] * n, [False] * n)


def test_week_start_is_the_monday_on_or_before():
    days = np.array(["2025-03-03", "2025-03-05", "2025-03-09", "2025-03-10"], dtype="datetime64[D]")
    assert week_start(days).astype(str).tolist() == ["2025-03-03", "2025-03-03", "2025-03-03", "2025-03-10"]


def test_payment_times_give_the_share_paid_at_each_lag_of_the_claims_in_the_same_state():
    # Five past claims: (first adjudication, denied?, first payment), in days from submission.
    times = PaymentTimes.from_lags(
        adjudication_lag=[7, 7, 14, 14, 10],
        paid_lag=[7, 30, 14, None, 40],
        denied=[False, True, False, True, False],
    )
    assert times.paid_lag[3] == NEVER
    # A claim pending at age 0 is like all five: 1/5 each paid at 7, 14, 30 and 40.
    shares = times.paid_shares("pending", np.array([0]))[0]
    assert shares[[7, 14, 30, 40]].tolist() == [0.2] * 4 and shares.sum() == pytest.approx(0.8)
    # Pending at age 8: only the claims adjudicated after day 8 (14, 14, 10) were still pending then:
    # one paid at 14, one denied for good, one adjudicated unpaid and paid at 40.
    shares = times.paid_shares("pending", np.array([8]))[0]
    assert shares[14] == pytest.approx(1 / 3) and shares[40] == pytest.approx(1 / 3)
    assert shares.sum() == pytest.approx(2 / 3)
    # Denied by age 20 and unpaid then: the claims denied at 7 (paid at 30) and at 14 (never): half at 30.
    assert times.paid_shares("denied", np.array([20]))[0][30] == 0.5
    # Adjudicated without a denial and unpaid at age 20: only the claim paid at 40.
    assert times.paid_shares("unpaid", np.array([20]))[0][40] == 1.0
    # Older than every claim in its state: no past claim to learn from, so nothing is expected.
    assert times.paid_shares("denied", np.array([45]))[0].sum() == 0.0
    assert (times.ever_in("pending"), times.ever_in("denied"), times.ever_in("unpaid")) == (5, 2, 1)
    with pytest.raises(ValueError, match="unknown claim state"):
        times.paid_shares("lost", np.array([0]))
    with pytest.raises(ValueError, match="paid before its first adjudication"):
        PaymentTimes.from_lags([10], [5], [False])


def test_a_constant_lag_puts_each_sure_claim_in_its_payment_week():
    # Origin Wed 2025-03-05; the forecast's weeks start Mon 03-10. Every claim is paid exactly 14 days after
    # submission.
    times = {"P": always_paid_at(14)}
    open_claims = claims(
        ("c1", "P", "pending", "commercial", "2025-02-27", 100.0),  # paid 03-13: week 03-10
        ("c2", "P", "pending", "commercial", "2025-03-04", 50.0),   # paid 03-18: week 03-17
        ("c3", "P", "pending", "commercial", "2025-03-05", 25.0),   # paid 03-19: week 03-17
        ("c4", "P", "pending", "medicaid", "2025-03-05", 40.0),     # paid 03-19: week 03-17
        ("c5", "P", "pending", "commercial", "2025-02-17", 999.0),  # due 03-03, before the origin: it will not come
    )
    result = as_dict(expected_receipts(open_claims, times, D("2025-03-05"), horizon_weeks=3))
    assert result == {
        ("2025-03-10", "commercial"): 100.0, ("2025-03-10", "medicaid"): 0.0,
        ("2025-03-17", "commercial"): 75.0, ("2025-03-17", "medicaid"): 40.0,
        ("2025-03-24", "commercial"): 0.0, ("2025-03-24", "medicaid"): 0.0,
    }


def test_a_pending_claim_is_paid_like_the_past_claims_still_pending_at_its_age():
    # Past claims: two adjudicated and paid at 7 days, one paid at 21, one denied at 21 and never paid.
    # Submitted Mon 03-03, origin Wed 03-12 (age 9): of the claims still pending at 9, half were paid at 21, so
    # half of 90.00 = 45.00 is expected on 03-24. (Conditioning on "not paid by 9" instead would have kept
    # the never-paid claims of every age in the denominator.)
    times = {"P": PaymentTimes.from_lags([7, 7, 21, 21], [7, 7, 21, None], [False, False, False, True])}
    open_claims = claims(("c1", "P", "pending", "medicare", "2025-03-03", 90.0))
    result = as_dict(expected_receipts(open_claims, times, D("2025-03-12"), horizon_weeks=2))
    assert result == {("2025-03-17", "medicare"): 0.0, ("2025-03-24", "medicare"): 45.0}
    # At age 2 (origin 03-05) nothing was due yet: half on 03-10, a quarter on 03-24.
    early = as_dict(expected_receipts(open_claims, times, D("2025-03-05"), horizon_weeks=3))
    assert early == {("2025-03-10", "medicare"): 45.0, ("2025-03-17", "medicare"): 0.0,
                     ("2025-03-24", "medicare"): 22.5}
    # The same claim already denied follows the denied claims: the one denied at 21 was never paid.
    denied = claims(("c1", "P", "denied", "medicare", "2025-03-03", 90.0))
    assert sum(as_dict(expected_receipts(denied, times, D("2025-03-25"), horizon_weeks=4)).values()) == 0.0


def test_the_denial_models_probability_moves_a_pending_claims_cash_between_clean_and_denied_timings():
    # Past claims: two paid clean at 7 days, two denied at 7 and paid after a resubmission at 30. A pending
    # claim at age 0 is like all four: half at 7, half at 30 (the past's denial share, 1/2).
    times = {"P": PaymentTimes.from_lags([7, 7, 7, 7], [7, 7, 30, 30], [False, False, True, True])}
    unscored = claims(("c1", "P", "pending", "commercial", "2025-03-03", 100.0))
    origin = D("2025-03-03")  # a Monday: paid Mon 03-10 (week 1) or Wed 04-02 (week 5)
    assert as_dict(expected_receipts(unscored, times, origin, 5)) == {
        ("2025-03-10", "commercial"): 50.0, ("2025-03-17", "commercial"): 0.0, ("2025-03-24", "commercial"): 0.0,
        ("2025-03-31", "commercial"): 50.0, ("2025-04-07", "commercial"): 0.0}
    # The model gives this claim a 10% chance of denial: 100 x 0.9 / 0.5 x 1/2 = 90.00 clean, 100 x 0.1 / 0.5
    # x 1/2 = 10.00 after a resubmission.
    scored = OpenClaims(**{**unscored.__dict__, "denial_probability": np.array([0.1])})
    result = as_dict(expected_receipts(scored, times, origin, 5))
    assert result[("2025-03-10", "commercial")] == 90.0 and result[("2025-03-31", "commercial")] == 10.0
    # The model's probability touches pending claims only: a claim already denied follows the denied claims.
    denied = OpenClaims(**{**scored.__dict__, "state": np.array(["denied"])})
    assert as_dict(expected_receipts(denied, times, D("2025-03-12"), 4))[("2025-03-31", "commercial")] == 100.0
    # At age 7 no past claim is still pending: no denial share to scale from.
    shares = times["P"].denial_share(np.array([0, 7]))
    assert shares[0] == 0.5 and np.isnan(shares[1])


def test_payers_keep_their_own_times_and_a_key_without_history_is_an_error():
    times = {"A": always_paid_at(7), "B": always_paid_at(14)}
    open_claims = claims(("a", "A", "pending", "commercial", "2025-03-05", 10.0),
                         ("b", "B", "pending", "commercial", "2025-03-05", 20.0))
    # Origin Wed 03-05: A pays 03-12 (week 03-10), B 03-19 (week 03-17).
    assert as_dict(expected_receipts(open_claims, times, D("2025-03-05"), 2)) == {
        ("2025-03-10", "commercial"): 10.0, ("2025-03-17", "commercial"): 20.0}
    with pytest.raises(ValueError, match="no payment history for 'C'"):
        expected_receipts(claims(("c", "C", "pending", "commercial", "2025-03-05", 5.0)), times, D("2025-03-05"), 2)


def test_a_payment_due_on_a_day_the_payer_does_not_pay_comes_on_its_next_run():
    # Paid 14 days after submission: a claim of Mon 2025-05-12 is due Mon 05-26, Memorial Day. This payer
    # skips the run, paying a week later (06-02); another works through it.
    times = {"P": always_paid_at(14)}
    open_claims = claims(("c1", "P", "pending", "commercial", "2025-05-12", 100.0))
    skips = PaymentCalendar(np.array(["2025-05-26"], dtype="datetime64[D]"), shift_days=7)
    assert as_dict(expected_receipts(open_claims, times, D("2025-05-18"), 3, {"P": skips})) == {
        ("2025-05-19", "commercial"): 0.0, ("2025-05-26", "commercial"): 0.0, ("2025-06-02", "commercial"): 100.0}
    assert as_dict(expected_receipts(open_claims, times, D("2025-05-18"), 3, {})) == {
        ("2025-05-19", "commercial"): 0.0, ("2025-05-26", "commercial"): 100.0, ("2025-06-02", "commercial"): 0.0}
    # With no history of a shift, the next weekday that is not closed: Fri 07-04 moves to Mon 07-07.
    next_day = PaymentCalendar(np.array(["2025-07-04"], dtype="datetime64[D]"), shift_days=None)
    assert next_day.reschedule(np.array(["2025-07-04", "2025-07-03"], dtype="datetime64[D]")).astype(str).tolist() \
        == ["2025-07-07", "2025-07-03"]


def test_a_payers_calendar_is_learnt_from_the_days_it_paid_on():
    # Runs every Monday of 2024 but Memorial Day (05-27), paid the next Monday instead; it paid on
    # Washington's Birthday (02-19) and Columbus Day (10-14).
    mondays = pd.date_range("2024-01-01", "2024-12-30", freq="W-MON").date
    runs = [day for day in mondays if day != date(2024, 5, 27)]
    calendar = learn_calendar(runs, until=date(2024, 12, 31), horizon_end=date(2025, 12, 31))
    closed = set(calendar.closed.astype(str).tolist())
    assert calendar.shift_days == 7
    assert "2025-05-26" in closed  # Memorial Day: kept before
    assert "2025-02-17" not in closed and "2025-10-13" not in closed  # worked through before
    # Holidays never seen on a Monday run (Independence Day, Christmas) count as closed: the banks are.
    assert {"2025-07-04", "2025-12-25"} <= closed
    assert calendar.closed.min() > np.datetime64("2024-12-31") and calendar.closed.max() <= np.datetime64("2025-12-31")


def test_the_history_estimates_each_payers_chances_amounts_and_times():
    from models.cash.history import ALL, MIN_CLAIMS, estimate, open_claims

    assert MIN_CLAIMS == 20
    rows = []
    # Payer A, 40 claims of 90834 for March sessions, submitted on Mondays, 200 days before the origin: 20 paid
    # at lag 10 (60.00), 20 denied at 10 and never paid. Payer B: 5 claims (fewer than MIN_CLAIMS) submitted on
    # Wednesdays, paid at lag 20 (100.00).
    for i in range(40):
        paid = i < 20
        rows.append((200, "A", "90834", 3, 0, not paid, 10, 10 if paid else None, 60.0 if paid else None))
    rows += [(200, "B", "90837", 3, 2, False, 20, 20, 100.0)] * 5
    # A recent claim of A (30 days old): too young for the chances and the timing, counted in the amounts.
    rows.append((30, "A", "90834", 3, 0, False, 10, 10, 90.0))
    history = estimate(pd.DataFrame(rows, columns=[
        "age_days", "payer_id", "cpt_code", "service_month", "submitted_weekday", "was_denied",
        "adjudication_lag_days", "paid_lag_days", "paid_amount"]))
    assert history.probability("A") == 20 / 40 and history.probability("A", 3) == 20 / 40
    # B has too few claims: the practice's share of its 45 mature claims, 25 / 45, in any month.
    assert history.probability("B") == 25 / 45 and history.probability("B", 7) == 25 / 45
    assert history.month_factor("A", 3) == 1.0
    # The amounts come from the last year's claims, the recent one too: (20 x 60 + 90) / 21 for A; B's 5 are
    # too few, so the practice's March mean: (20 x 60 + 90 + 5 x 100) / 26.
    assert history.amount("A", "90834") == pytest.approx(1290 / 21)
    assert history.amount("B", "90837", 3) == pytest.approx(1790 / 26)
    # Times: A's Monday claims have their own, for a pending claim (40) and a denied one (20); none was ever
    # adjudicated unpaid, and B's claims are too few: the practice's.
    assert history.times_key("A", "pending", 0) == "A@0" and history.times_key("A", "denied", 0) == "A@0"
    assert history.times_key("A", "unpaid", 0) == ALL and history.times_key("B", "pending", 2) == ALL
    frame = pd.DataFrame({"claim_id": ["x"], "payer_id": ["A"], "segment": ["commercial"], "cpt_code": ["90834"],
                          "service_month": [3], "submitted_date": [pd.Timestamp("2025-03-03")],
                          "state": ["pending"]})
    claims_open = open_claims(frame, history)
    assert claims_open.times_key.tolist() == ["A@0"] and claims_open.payment_factor.tolist() == [1.0]
    assert claims_open.expected_amount.tolist() == [pytest.approx(1290 / 21)]


def test_future_claims_are_paid_after_their_payers_lags_from_their_billing_weekday():
    weeks = pd.date_range("2025-03-03", periods=4, freq="7D")
    # Each week's amount: 40% submitted Mondays to a payer paying half at 7 days and half at 14, 60% submitted
    # Wednesdays to one paying all at 12. Week 03-03 bills 100.00: 20.00 on Mon 03-10, 20.00 on 03-17, 60.00
    # on Mon 03-17 (Wed 03-05 + 12); week 03-10 bills 200.00: 40.00 on 03-17, 40.00 on 03-24, 120.00 on 03-24.
    half_and_half = np.zeros(15)
    half_and_half[[7, 14]] = 0.5
    twelve = np.zeros(13)
    twelve[12] = 1.0
    billing = [BillingShare(0.4, 0, half_and_half), BillingShare(0.6, 2, twelve)]
    result = receipts_from_future_claims(pd.Series([100.0, 200.0, 0.0, 0.0], index=weeks), billing)
    assert result.round(6).tolist() == [0.0, 20.0, 120.0, 160.0]
