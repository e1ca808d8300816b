"""The cash forecast end to end (models.cash.forecast.run) on a warehouse with a known answer: one payer paying
every claim 14 days after submission, the same claims every week, the same patient payments; and the asset's
tables on the demo-like small practice that has too little history."""

from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from models.cash.forecast import PROPHET, SEASONAL_NAIVE, TWO_PART, run

START = date(2024, 1, 1)  # a Monday
WEEKS = 90


def known_warehouse(path: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """Every Wednesday two claims of payer P (commercial) are submitted for Monday's sessions and paid 50.00
    each 14 days later (a Wednesday); patients pay 20.00 every Monday. Week 1 and 2's payer cash is 0 (nothing
    paid yet), then 100.00 a week; the last complete week ends Sunday 2025-09-21."""
    claims, receipts = [], []
    for week in range(WEEKS):
        monday = START + timedelta(weeks=week)
        wednesday = monday + timedelta(days=2)
        for n in range(2):
            paid = wednesday + timedelta(days=14)
            claims.append({"claim_id": f"C{week:03d}{n}", "payer_id": "P", "payer_type": "commercial",
                           "cpt_code": "90834", "date_of_service": monday, "submitted_date": wednesday,
                           "has_original_submission": True, "first_adjudication_date": paid,
                           "first_paid_date": paid, "last_adjudication_date": paid, "is_denied_first_pass": False,
                           "payer_paid": 50.0, "is_voided": False, "voided_at": None})
            receipts.append(("commercial", paid, 50.0))
        receipts.append(("patient", monday, 20.0))
    as_of = START + timedelta(weeks=WEEKS) - timedelta(days=1)
    frame = pd.DataFrame(receipts, columns=["segment", "received_date", "amount"])
    frame = frame[frame["received_date"] <= as_of]
    con = duckdb.connect(path)
    con.execute("create schema marts")
    claims_frame = pd.DataFrame(claims)
    claims_frame["voided_at"] = pd.to_datetime(claims_frame["voided_at"])
    con.execute("create table marts.fct_claims as select * from claims_frame")
    weekly = []
    for week in range(WEEKS):
        monday = START + timedelta(weeks=week)
        rows = frame[(frame["received_date"] >= monday) & (frame["received_date"] < monday + timedelta(days=7))]
        for segment in ("commercial", "patient"):
            weekly.append((monday, segment, float(rows.loc[rows["segment"] == segment, "amount"].sum())))
        weekly.append((monday, "total", float(rows["amount"].sum())))
    cash = pd.DataFrame(weekly, columns=["week_start", "segment", "cash"]).assign(is_complete_week=True)
    con.execute("create table marts.cash_weekly as select * from cash")
    return con


@pytest.fixture(scope="module")
def result():
    return run(known_warehouse(), origins=10, warmup=13)


def test_the_two_part_forecast_is_exact_when_payment_is_certain(result):
    assert result.origin == date(2025, 9, 21)
    two = result.forecast[(result.forecast["method"] == TWO_PART)].set_index(["segment", "horizon_weeks"])
    assert list(two.loc["total"].index) == list(range(1, 14))
    assert two.loc["total", 1]["week_start"] == pd.Timestamp("2025-09-22")
    # The claims submitted Wed 09-10 and 09-17 are open at the origin: 100.00 arrives in each of weeks 1 and 2.
    # From week 3 on, the claims of week h - 2, not yet submitted, pay 100.00; patients pay 20.00 every week.
    for h in range(1, 14):
        row = two.loc["total", h]
        assert row["from_open_claims"] == pytest.approx(100.0 if h <= 2 else 0.0, abs=1e-9)
        assert row["from_future_care"] == pytest.approx(0.0 if h <= 2 else 100.0, abs=1e-9)
        assert row["from_patients"] == pytest.approx(20.0)
        assert row["forecast"] == pytest.approx(120.0)
        assert two.loc["commercial", h]["forecast"] == pytest.approx(100.0)
        assert two.loc["patient", h]["forecast"] == pytest.approx(20.0)
    # Its past errors are all 0, so its intervals close on the forecast.
    assert two.loc["total", 4][["lo80", "hi80", "lo95", "hi95"]].tolist() == pytest.approx([120.0] * 4)


def test_the_backtest_scores_every_method_and_the_exact_one_is_chosen(result):
    accuracy = result.accuracy.set_index(["segment", "method", "horizons"])
    assert accuracy.loc[("total", TWO_PART, "1-4"), "wape"] == pytest.approx(0.0, abs=1e-9)
    assert accuracy.loc[("total", TWO_PART, "5-13"), "wape"] == pytest.approx(0.0, abs=1e-9)
    assert accuracy.loc[("total", TWO_PART, "1-4"), "coverage80"] == 1.0
    assert accuracy.loc[("total", TWO_PART, "1-4"), "origins"] == 10
    # Prophet is fitted on the total only; every method is scored on it.
    assert set(result.accuracy.loc[result.accuracy["segment"] == "total", "method"]) == {TWO_PART, SEASONAL_NAIVE,
                                                                                           PROPHET}
    assert set(result.accuracy.loc[result.accuracy["method"] == PROPHET, "segment"]) == {"total"}
    assert result.chosen == TWO_PART
    assert result.forecast.loc[result.forecast["is_chosen"], "method"].unique().tolist() == [TWO_PART]
    # The backtest holds the 10 scored origins' forecasts of weeks that happened: for each origin, the weeks
    # up to the last complete one.
    total = result.backtest[(result.backtest["method"] == TWO_PART) & (result.backtest["segment"] == "total")]
    assert total["origin"].nunique() == 10 and len(total) == sum(min(13, k) for k in range(1, 11))
    assert (total["actual"] == 120.0).all() and total["forecast"].round(9).eq(120.0).all()


def test_processes_sharing_the_origins_give_the_same_forecast(result, tmp_path):
    path = str(tmp_path / "known.duckdb")
    known_warehouse(path).close()
    with duckdb.connect(path, read_only=True) as con:
        shared = run(con, origins=10, warmup=13, database=path, workers=2)
    pd.testing.assert_frame_equal(shared.forecast, result.forecast)
    pd.testing.assert_frame_equal(shared.backtest, result.backtest)
    pd.testing.assert_frame_equal(shared.accuracy, result.accuracy)


def test_too_little_history_is_a_clear_error():
    con = known_warehouse()
    con.execute("delete from marts.cash_weekly where week_start >= '2025-03-01'")
    with pytest.raises(ValueError, match=r"too little history for a cash forecast: 61 complete weeks .* needs 66"):
        run(con)
