"""A small demo practice through the whole asset graph (`lantern build`), checked against its ground truth.

Every measure the generator's ground truth carries must equal the warehouse's, month by month.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest


pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(built_small_practice):
    con = duckdb.connect(str(built_small_practice.warehouse), read_only=True)
    yield built_small_practice.practice, con, built_small_practice.output
    con.close()


def _month(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def test_build_prints_what_it_loaded_and_built(built):
    _, _, output = built
    for text in ("ehr", "pm", "payer", "records loaded", "marts.fct_claims", "marts.leadership_adolescent_anxiety",
                 "mining the event log", "marts.mining_dfg", "marts.mining_variants"):
        assert text in output


def test_a_year_of_history_is_too_little_for_a_cash_forecast_and_the_build_says_so(built):
    _, con, output = built
    # 12 months: about 52 complete weeks of cash, and the forecast needs 66 (a year to compare with, and the 13
    # weeks before it). The build goes on; the forecast's tables exist, empty.
    assert "Cash forecast" in output and "not forecast: too little history for a cash forecast" in output
    for table in ("cash_forecast", "cash_forecast_backtest", "cash_forecast_accuracy"):
        assert con.execute(f"select count(*) from marts.{table}").fetchone()[0] == 0


def test_revenue_cycle_measures_equal_the_ground_truth(built):
    practice, con, _ = built
    truth = practice.figures
    rows = con.execute("select month_start, claims_adjudicated, initial_denial_rate "
                       "from marts.kpi_revenue_cycle_monthly where claims_adjudicated > 0").fetchall()
    warehouse = {_month(m): (n, rate) for m, n, rate in rows}
    expected = {m: (v["claims_adjudicated"], v["initial_denial_rate"]) for m, v in truth["monthly"].items()
                if "claims_adjudicated" in v}
    assert warehouse.keys() == expected.keys()
    for month, (n, rate) in expected.items():
        assert warehouse[month][0] == n, month
        assert float(warehouse[month][1]) == pytest.approx(rate, abs=1e-12), month
    overall = truth["overall"]
    adjudicated, denied = con.execute(
        "select count(*) filter (where is_adjudicated and has_original_submission), "
        "count(*) filter (where is_denied_first_pass and has_original_submission) from marts.fct_claims").fetchone()
    assert adjudicated == overall["claims_adjudicated"]
    assert denied / adjudicated == pytest.approx(overall["initial_denial_rate"], abs=1e-12)
    assert con.execute("select count(*) from marts.fct_claims").fetchone()[0] == overall["claims"]


def test_money_equals_the_ground_truth_to_the_cent(built):
    practice, con, _ = built
    overall = practice.figures["overall"]
    assert con.execute("select sum(payer_paid) from marts.fct_claims").fetchone()[0] == Decimal(overall["payer_paid"])
    assert con.execute("select sum(amount) from staging.stg_pm__patient_payments").fetchone()[0] \
        == Decimal(overall["patient_paid"])


def test_denial_reasons_and_payment_lags_equal_the_ground_truth(built):
    practice, con, _ = built
    overall = practice.figures["overall"]
    reasons = dict(con.execute("select first_denial_reason, count(*) from marts.fct_claims "
                               "where is_denied_first_pass group by all").fetchall())
    assert reasons == overall["denial_reasons"]
    fastest = dict(con.execute("select payer_type, min(days_to_payment) from marts.fct_claims "
                               "where days_to_payment is not null group by all").fetchall())
    assert fastest == overall["days_to_payment_min_by_payer_type"]
    assert fastest["medicare"] >= 14


def test_access_measures_equal_the_ground_truth(built):
    practice, con, _ = built
    monthly = practice.figures["monthly"]
    rows = con.execute("select month_start, no_show_rate, referral_conversion_rate, "
                       "wait_for_first_session_median_days, wait_for_first_session_p90_days "
                       "from marts.kpi_access_monthly").fetchall()
    compared = 0
    for month_start, no_show, conversion, wait_median, wait_p90 in rows:
        expected = monthly.get(_month(month_start), {})
        for value, key in ((no_show, "no_show_rate"), (conversion, "referral_conversion_rate"),
                           (wait_median, "wait_for_first_session_median_days"),
                           (wait_p90, "wait_for_first_session_p90_days")):
            if key in expected:
                assert value is not None and float(value) == pytest.approx(expected[key], abs=1e-9), (month_start, key)
                compared += 1
    assert compared > 40


def test_leadership_table_answers_the_question(built):
    _, con, _ = built
    rows = con.execute("select clinician_npi, patients_seen, is_suppressed, gad7_reliable_improvement_rate "
                       "from marts.leadership_adolescent_anxiety").fetchall()
    assert rows
    for _, patients, suppressed, rate in rows:
        assert suppressed == (patients is None or patients < 11)
        if suppressed:
            assert rate is None


def test_ar_is_never_negative_on_the_demo_practice(built):
    _, con, _ = built
    lowest = con.execute("select min(ar_balance) from marts.kpi_ar_daily").fetchone()[0]
    assert lowest >= 0
