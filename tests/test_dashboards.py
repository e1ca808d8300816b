"""The dashboards (issue 7), page by page, with Streamlit's AppTest on the small practice's built warehouse: each
page runs without an exception and shows its key elements, its numbers equal to the warehouse's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboards.formatting import money, percent
from dashboards.serve import DEFAULT_ADDRESS, port_to_use, serve_environment, streamlit_command
from dashboard_pages import metrics, no_errors, run_app, run_page

pytestmark = pytest.mark.slow


@pytest.fixture
def built(dashboard_warehouse):
    return dashboard_warehouse


def test_the_app_opens_on_the_overview(built):
    app = run_app()
    no_errors(app)
    assert [t.value for t in app.title] == ["Overview"]


def test_overview_shows_the_last_months_rates_and_days_in_ar(built):
    app = run_page("overview")
    no_errors(app)
    last, denial, clean = built.execute(
        "select month_start, initial_denial_rate, first_pass_resolution_rate from marts.kpi_revenue_cycle_monthly "
        "order by month_start desc limit 1").fetchone()
    shown = metrics(app)
    assert shown["Initial denial rate"] == percent(denial)
    assert shown["Clean-claim rate"] == percent(clean)
    day, in_ar = built.execute("select ar_date, days_in_ar from marts.kpi_ar_daily where ar_date < ? "
                               "order by ar_date desc limit 1",
                               [date(last.year + (last.month == 12), last.month % 12 + 1, 1)]).fetchone()
    assert shown[f"Days in A/R ({day:%Y-%m-%d})"] == f"{float(in_ar):,.1f} days"
    year, lost = built.execute("select service_year, sum(unrecovered_denials) from marts.kpi_unrecovered_denials "
                               "group by 1 order by 1 desc limit 1").fetchone()
    assert shown[f"Unrecovered denials, {year}"] == money(lost)
    assert "What changed since the month before" in [s.value for s in app.subheader]


def test_the_leadership_question_shows_every_clinician_and_suppresses_small_cells(built):
    app = run_page("leadership")
    no_errors(app)
    table = app.dataframe[0].value
    rows = built.execute("select clinician_name, is_suppressed, patients_seen "
                         "from marts.leadership_adolescent_anxiety").fetchall()
    assert sorted(table["clinician_name"]) == sorted(name for name, _, _ in rows)
    shown = dict(zip(table["clinician_name"], table["patients"], strict=True))
    for name, suppressed, seen in rows:
        assert shown[name] == ("suppressed (< 11)" if suppressed else str(seen))


def test_denials_show_the_rates_and_the_claims_behind_them(built):
    app = run_page("denials")
    no_errors(app)
    denied, adjudicated, finally_denied = built.execute(
        "select count(*) filter (where is_denied_first_pass), count(*) filter (where is_adjudicated), "
        "sum(charge) filter (where is_finally_denied) from marts.fct_claims where has_original_submission"
    ).fetchone()
    assert metrics(app)["Initial denial rate, all months"] == percent(denied / adjudicated)
    assert metrics(app)["Finally denied charges"] == money(finally_denied)
    claims = app.dataframe[-1].value
    assert len(claims) == min(1000, denied)
    app.radio[0].set_value("reason").run()
    no_errors(app)


def test_the_work_queue_lists_the_unbilled_sessions_by_expected_loss(built):
    app = run_page("work_queue")
    no_errors(app)
    unbilled, loss = built.execute("select count(*), sum(expected_loss) from marts.claim_denial_risk "
                                   "where not is_billed").fetchone()
    assert metrics(app)["Sessions not yet billed"] == f"{unbilled:,}"
    assert metrics(app)["Their expected loss"] == money(loss)
    queue = app.dataframe[0].value
    assert len(queue) == unbilled and queue["expected_loss"].is_monotonic_decreasing


def test_the_cash_forecast_page_says_why_there_is_none(built):
    app = run_page("cash_forecast")
    no_errors(app)
    assert any("No cash forecast yet" in i.value for i in app.info)


def test_data_health_counts_the_deliveries_and_records(built):
    app = run_page("data_health")
    no_errors(app)
    deliveries, loaded = built.execute("select count(distinct _delivery), sum(rows_loaded) "
                                       "from staging.stg_loader__ledger_files").fetchone()
    assert metrics(app)["Deliveries"] == f"{deliveries:,}"
    assert metrics(app)["Records loaded"] == f"{int(loaded):,}"


def test_the_cash_forecast_page_on_a_forecast_with_a_known_answer(tmp_path, monkeypatch):
    from models.cash.forecast import run
    from orchestration.cash.assets import write_cash_forecast
    from test_cash_forecast import known_warehouse

    path = tmp_path / "known.duckdb"
    con = known_warehouse(str(path))
    result = run(con, origins=10, warmup=13)
    write_cash_forecast(con, result)
    # What the page's other loaders read: the as-of date and the months' denial rates (20% in the last 6).
    con.execute("create schema intermediate")
    con.execute("create table intermediate.int_as_of_date as select date '2025-09-21' as as_of_date")
    con.execute("create table marts.kpi_revenue_cycle_monthly as select date '2025-01-01' + to_months(i) as "
                "month_start, 100 as claims_adjudicated, 20 as first_pass_denials from range(9) as t(i)")
    con.close()
    monkeypatch.setenv("LANTERN_WAREHOUSE", str(path))
    monkeypatch.setenv("LANTERN_HOME", str(tmp_path))
    app = run_page("cash_forecast")
    no_errors(app)
    shown = metrics(app)
    # 120.00 a week: 480.00 over 4 weeks, 1,560.00 over 13; the backtest's WAPE is 0.
    assert shown["Next 4 weeks"] == "$480" and shown["Next 13 weeks"] == "$1,560"
    assert shown["Backtest WAPE, 1–4 weeks ahead"] == "0.0%"
    # What if the denial rate rose from 20% to 30% and payers paid a week later: the claims' 100.00 a week
    # becomes 87.50, and the first week gets none: 12 x 87.50 + 13 x 20.00 = 1,310.00.
    app.slider[0].set_value(10).run()
    app.slider[1].set_value(1).run()
    assert metrics(app)["Next 13 weeks, what-if"] == "$1,310"


def test_serve_runs_streamlit_headless_on_this_machine_and_honours_streamlits_port(tmp_path):
    assert port_to_use(9000, {"STREAMLIT_SERVER_PORT": "8600"}) == 9000
    assert port_to_use(None, {"STREAMLIT_SERVER_PORT": "8600"}) == 8600
    assert port_to_use(None, {}) == 8501
    with pytest.raises(ValueError, match="not a port number"):
        port_to_use(None, {"STREAMLIT_SERVER_PORT": "eighty"})
    command = streamlit_command(None)
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4].endswith("dashboards/app.py")
    assert "--server.port" not in command  # Streamlit's own setting then holds
    assert command[command.index("--server.address") + 1] == DEFAULT_ADDRESS == "localhost"
    assert command[command.index("--browser.gatherUsageStats") + 1] == "false"
    assert streamlit_command(9000)[-2:] == ["--server.port", "9000"]
    environment = serve_environment({"PATH": "/bin"}, tmp_path / "w.duckdb", tmp_path)
    assert environment["LANTERN_WAREHOUSE"] == str((tmp_path / "w.duckdb").resolve())
    assert environment["PATH"] == "/bin" and environment["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
