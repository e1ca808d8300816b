"""The Access, Outcomes and Cost of inaction pages (issue 7) with Streamlit's AppTest on the small practice's built
warehouse, their numbers equal to the warehouse's computed here in SQL; and the cost-of-inaction arithmetic
(dashboards/roi.py) on hand-worked examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.formatting import days, money, percent
from dashboards.roi import cost_of_inaction
from dashboard_pages import metrics, no_errors, run_page

pytestmark = pytest.mark.slow


@pytest.fixture
def built(dashboard_warehouse):
    return dashboard_warehouse


def every_metric_explained(app: AppTest) -> None:
    assert all(m.proto.help for m in app.metric), [m.label for m in app.metric if not m.proto.help]


def hours(value) -> str:
    return f"{value:,.1f} h"


# ---- Access ---------------------------------------------------------------------------------------------------

def referral_figures(con, first: date, last: date) -> dict:
    row = con.execute(
        "select count(*) filter (where is_converted) * 1.0 / count(*) filter (where referral_status in "
        "('converted', 'lost')), median(hours_to_first_contact), quantile_cont(hours_to_first_contact, 0.9), "
        "median(wait_for_first_session_days), quantile_cont(wait_for_first_session_days, 0.9) "
        "from marts.fct_referrals where received_month between ? and ?", [first, last]).fetchone()
    shows = con.execute(
        "select count(*) filter (where appointment_status = 'no_show') * 1.0 / count(*) from marts.fct_sessions "
        "where appointment_status in ('completed', 'no_show', 'late_cancelled') and scheduled_month between ? and ?",
        [first, last]).fetchone()[0]
    return {"Referral conversion rate": percent(row[0]), "Time to first contact, median": hours(row[1]),
            "Time to first contact, p90": hours(row[2]), "Wait for first session, median": days(row[3]),
            "Wait for first session, p90": days(row[4]), "No-show rate": percent(shows)}


def test_access_shows_the_last_12_months_funnel_waits_and_no_shows(built):
    app = run_page("access")
    no_errors(app)
    every_metric_explained(app)
    months = [m for (m,) in built.execute("select month_start from marts.kpi_access_monthly "
                                          "where referrals_received > 0 order by month_start").fetchall()]
    first, last = months[max(0, len(months) - 12)], months[-1]
    shown, expected = metrics(app), referral_figures(built, first, last)
    assert {label: shown[label] for label in expected} == expected
    assert f"Referrals received {first:%Y-%m} to {last:%Y-%m}" in [s.value for s in app.subheader]
    assert len(app.get("plotly_chart")) == 5  # funnel, wait, rates, no-shows by modality and by weekday


def test_access_on_one_month_agrees_with_the_monthly_mart(built):
    app = run_page("access")
    month, conversion, wait, no_show = built.execute(
        "select month_start, referral_conversion_rate, wait_for_first_session_median_days, no_show_rate "
        "from marts.kpi_access_monthly where referrals_received > 0 order by month_start limit 1 offset 3"
    ).fetchone()
    app.select_slider[0].set_value((f"{month:%Y-%m}", f"{month:%Y-%m}")).run()
    no_errors(app)
    shown = metrics(app)
    assert shown["Referral conversion rate"] == percent(conversion)
    assert shown["Wait for first session, median"] == days(wait)
    assert shown["No-show rate"] == percent(no_show)


def test_no_shows_by_weekday_fall_on_the_practices_local_days(built, built_small_practice):
    from dashboards.data import access_no_shows

    first, last = date(2024, 1, 1), date(2024, 12, 1)
    table = access_no_shows(str(built_small_practice.warehouse), 0.0, first, last)
    zone = ZoneInfo(built_small_practice.practice.config.timezone)  # the zone the generator wrote the times in
    expected: dict[str, list[int]] = {}
    for start, status in built.execute(
            "select scheduled_start_at, appointment_status from marts.fct_sessions where scheduled_month between ? "
            "and ? and appointment_status in ('completed', 'no_show', 'late_cancelled')", [first, last]).fetchall():
        counts = expected.setdefault(start.astimezone(zone).strftime("%A"), [0, 0])
        counts[0] += status == "no_show"
        counts[1] += 1
    weekdays = table[table["dimension"] == "weekday"]
    assert {row.category: [row.appointments_no_show, row.appointments_counted]
            for row in weekdays.itertuples()} == expected
    by_modality = table[table["dimension"] == "modality"]
    overall = table[table["dimension"] == "all"].iloc[0]
    assert by_modality["appointments_counted"].sum() == overall["appointments_counted"] == sum(
        n for _, n in expected.values())


# ---- Outcomes -------------------------------------------------------------------------------------------------

def outcome_figures(con, instrument: str, where: str = "true", params: tuple = ()) -> tuple:
    """(patients, share measurable, reliable improvement, response, remission) of the instrument's patients."""
    return con.execute(
        "select count(*), avg(is_measurable::int), avg(is_reliably_improved::int), avg(is_response::int), "
        "avg(is_remission::int) from marts.kpi_outcomes_patient "
        f"where instrument = ? and {where}", [instrument, *params]).fetchone()


def test_outcomes_show_the_practices_rates_per_instrument(built):
    app = run_page("outcomes")
    no_errors(app)
    every_metric_explained(app)
    for instrument in ("PHQ-9", "GAD-7"):
        if instrument == "GAD-7":
            app.radio[0].set_value("GAD-7").run()
            no_errors(app)
        seen, measurable, improved, response, remission = outcome_figures(built, instrument)
        assert seen >= 11
        assert metrics(app) == {"Patients seen": f"{seen:,}", "Share measurable": percent(measurable),
                                "Reliable improvement": percent(improved), "Response": percent(response),
                                "Remission": percent(remission)}


def test_outcomes_by_clinician_suppress_small_cells(built):
    app = run_page("outcomes")
    table = app.dataframe[0].value
    rows = built.execute("select coalesce(c.clinician_name, o.clinician_npi), o.is_suppressed, o.patients_seen "
                         "from marts.kpi_outcomes_clinician o left join marts.dim_clinicians c using (clinician_npi) "
                         "where instrument = 'PHQ-9'").fetchall()
    assert dict(zip(table["clinician_name"], table["patients"], strict=True)) == {
        name: "suppressed (< 11)" if suppressed else f"{seen:,}" for name, suppressed, seen in rows}


def test_outcomes_by_diagnosis_and_age_group_count_patients_and_suppress_under_11(built):
    app = run_page("outcomes")
    no_errors(app)
    diagnosis, age = app.dataframe[1].value, app.dataframe[2].value
    groups = built.execute(
        "select replace(icd10_group, '_', ' '), count(distinct o.patient_mrn) from marts.kpi_outcomes_patient o "
        "join intermediate.int_conditions_grouped using (patient_mrn) where o.instrument = 'PHQ-9' "
        "and icd10_group is not null group by 1").fetchall()
    shown = dict(zip(diagnosis["patient_group"], diagnosis["patients"], strict=True))
    for group, patients in groups:
        assert shown[group] == ("suppressed (< 11)" if patients < 11 else f"{patients:,}")
    # The suppressed rows show no rate either.
    assert diagnosis.loc[diagnosis["patients"] == "suppressed (< 11)", "reliable_improvement_rate"].isna().all()
    depressive = diagnosis[diagnosis["patient_group"] == "depressive"].iloc[0]
    *_, improved, response, remission = outcome_figures(
        built, "PHQ-9", "patient_mrn in (select patient_mrn from intermediate.int_conditions_grouped "
                        "where icd10_group = 'depressive')")
    assert (depressive["reliable_improvement_rate"], depressive["response_rate"],
            depressive["remission_rate"]) == pytest.approx((improved, response, remission))
    adolescents = built.execute(
        "select count(*) from marts.kpi_outcomes_patient where instrument = 'PHQ-9' and is_adolescent").fetchone()[0]
    expected = "suppressed (< 11)" if adolescents < 11 else f"{adolescents:,}"
    assert dict(zip(age["patient_group"], age["patients"], strict=True))["13-17 (adolescent)"] == expected


def known_outcomes(path: Path) -> None:
    """21 PHQ-9 patients: 11 with anxiety (8 measurable, 4 reliably improved; 6 with a baseline of 10 or more,
    3 responding, 1 in remission), 9 depressive, 1 with substance use too, 1 with no condition; 10 adolescents
    and 11 aged 30. One clinician shown, one suppressed."""
    con = duckdb.connect(str(path))
    con.execute("create schema intermediate")
    con.execute("create schema marts")
    con.execute("create table intermediate.int_as_of_date as select date '2025-01-01' as as_of_date")
    con.execute("""
        create table marts.kpi_outcomes_patient as
        select
            cast(i as varchar) as patient_mrn, 'PHQ-9' as instrument, '1' as clinician_npi,
            i <= 8 as is_measurable,
            case when i <= 8 then i <= 4 end as is_reliably_improved,
            case when i <= 6 then i <= 3 end as is_response,
            case when i <= 6 then i <= 1 end as is_remission,
            i <= 10 as is_adolescent
        from range(1, 22) as t(i)""")
    con.execute("create table marts.dim_patients as select cast(i as varchar) as patient_mrn, "
                "case when i <= 10 then 15 else 30 end as age_at_first_session from range(1, 22) as t(i)")
    con.execute("""
        create table intermediate.int_conditions_grouped as
        select cast(i as varchar) as patient_mrn, case when i <= 11 then 'anxiety' else 'depressive' end
            as icd10_group
        from range(1, 21) as t(i)
        union all select '1', 'substance_use'""")
    con.execute("""
        create table marts.kpi_outcomes_clinician as
        select * from (values ('1', 'PHQ-9', false, 21, 8 / 21, 0.5, 0.5, 1 / 6),
                              ('2', 'PHQ-9', true, null, null, null, null, null))
            as t(clinician_npi, instrument, is_suppressed, patients_seen, share_measurable,
                 reliable_improvement_rate, response_rate, remission_rate)""")
    con.execute("create table marts.dim_clinicians as select * from (values ('1', 'Ann Able', 'LCSW'), "
                "('2', 'Bo Best', 'LPC')) as t(clinician_npi, clinician_name, credential)")
    con.close()


def test_outcomes_on_a_known_answer_suppress_every_group_under_11_patients(tmp_path, monkeypatch):
    path = tmp_path / "known.duckdb"
    known_outcomes(path)
    monkeypatch.setenv("LANTERN_WAREHOUSE", str(path))
    monkeypatch.setenv("LANTERN_HOME", str(tmp_path))
    app = run_page("outcomes")
    no_errors(app)
    assert metrics(app) == {"Patients seen": "21", "Share measurable": "38.1%", "Reliable improvement": "50.0%",
                            "Response": "50.0%", "Remission": "16.7%"}
    clinicians, diagnosis, age = (frame.value for frame in app.dataframe)
    assert dict(zip(clinicians["clinician_name"], clinicians["patients"], strict=True)) == {
        "Ann Able": "21", "Bo Best": "suppressed (< 11)"}
    hidden = "suppressed (< 11)"
    assert dict(zip(diagnosis["patient_group"], diagnosis["patients"], strict=True)) == {
        "anxiety": "11", "depressive": hidden, "substance use": hidden, "no condition recorded": hidden}
    anxiety = diagnosis.set_index("patient_group").loc["anxiety"]
    assert anxiety[["share_measurable", "reliable_improvement_rate", "response_rate", "remission_rate"]].tolist() \
        == pytest.approx([8 / 11, 0.5, 0.5, 1 / 6])
    assert diagnosis.loc[diagnosis["patients"] == hidden, ["share_measurable", "reliable_improvement_rate",
                                                           "response_rate", "remission_rate"]].isna().all().all()
    assert dict(zip(age["patient_group"], age["patients"], strict=True)) == {"13-17 (adolescent)": hidden,
                                                                             "26-44": "11"}
    assert age.set_index("patient_group").loc["13-17 (adolescent)"].drop("patients").isna().all()


# ---- Cost of inaction -----------------------------------------------------------------------------------------

def test_cost_of_inaction_starts_from_the_practices_own_numbers(built, built_small_practice):
    app = run_page("cost_of_inaction")
    no_errors(app)
    every_metric_explained(app)
    as_of = built.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0]
    # A year back, as DuckDB's interval counts it (29 February goes to the 28th).
    start = date(as_of.year - 1, as_of.month, min(as_of.day, 28 if as_of.month == 2 else 31))
    unrecovered = built.execute(
        "select coalesce(sum(expected_allowed), 0) from marts.fct_claims where is_finally_denied "
        "and last_adjudication_date + 120 > ? and last_adjudication_date + 120 <= ?", [start, as_of]).fetchone()[0]
    zone = ZoneInfo(built_small_practice.practice.config.timezone)
    resubmitted = sum(start < at.astimezone(zone).date() <= as_of for (at,) in built.execute(
        "select first_resubmitted_at from marts.fct_claims where first_resubmitted_at is not null").fetchall())
    in_ar, charges = built.execute("select days_in_ar, charges_last_90_days from marts.kpi_ar_daily "
                                   "order by ar_date desc limit 1").fetchone()
    labour = Decimal(resubmitted) * 20 / 60 * 25
    excess = max(Decimal(0), Decimal(str(in_ar)) - 35) * Decimal(charges) / 90
    carrying = excess * Decimal("0.08")
    cents = [round(amount, 2) for amount in (Decimal(unrecovered), labour, carrying)]
    assert metrics(app) == {"Annual cost of inaction": money(sum(cents)), "Unrecovered denials": money(cents[0]),
                            "Rework labour": money(cents[1]), "Carrying cost of excess A/R": money(cents[2]),
                            "Cash tied up above the target": money(round(excess, 2))}
    assert app.number_input(key="denied").value == pytest.approx(float(unrecovered))
    assert app.number_input(key="reworked").value == resubmitted

    app.number_input(key="minutes").set_value(30.0).run()
    no_errors(app)
    assert metrics(app)["Rework labour"] == money(round(Decimal(resubmitted) * 30 / 60 * 25, 2))
    app.number_input(key="days_in_ar").set_value(45.0).run()  # 10 days over the target
    no_errors(app)
    excess = 10 * Decimal(charges) / 90
    assert metrics(app)["Cash tied up above the target"] == money(round(excess, 2))
    assert metrics(app)["Carrying cost of excess A/R"] == money(round(excess * Decimal("0.08"), 2))


def test_the_cost_of_inaction_adds_denials_rework_and_the_carrying_cost_of_excess_ar():
    cost = cost_of_inaction(denied_dollars=10_000, claims_reworked=600, days_in_ar=45, charges_last_90_days=180_000)
    # 600 claims x 20 min = 200 h x $25 = $5,000; 10 days over 35 x $2,000 a day = $20,000, x 8% = $1,600.
    assert cost.rework_hours == Decimal("200.0") and cost.rework_labour == Decimal("5000.00")
    assert cost.excess_ar_days == 10 and cost.excess_ar_cash == Decimal("20000.00")
    assert cost.carrying_cost == Decimal("1600.00")
    assert cost.total == Decimal("16600.00")
    assert cost.parts() == {"unrecovered denials": Decimal("10000.00"), "rework labour": Decimal("5000.00"),
                            "carrying cost of excess A/R": Decimal("1600.00")}


def test_the_cost_of_inaction_rounds_to_the_cent_and_takes_every_setting():
    cost = cost_of_inaction(denied_dollars=0.1, claims_reworked=7, minutes_per_rework=20, hourly_staff_cost=25,
                            days_in_ar=36.5, target_days=35, charges_last_90_days=90_000, annual_rate=0.075)
    # 7 x 20 / 60 = 2.333... h x $25 = $58.333... -> $58.33; 1.5 days x $1,000 = $1,500 x 7.5% = $112.50.
    assert cost.denied_dollars == Decimal("0.10")
    assert (cost.rework_hours, cost.rework_labour) == (Decimal("2.3"), Decimal("58.33"))
    assert (cost.excess_ar_cash, cost.carrying_cost) == (Decimal("1500.00"), Decimal("112.50"))
    assert cost.total == Decimal("170.93")


def test_days_in_ar_at_or_under_the_target_cost_nothing_and_negative_inputs_are_refused():
    for in_ar in (35, 20):
        cost = cost_of_inaction(denied_dollars=0, claims_reworked=0, days_in_ar=in_ar, charges_last_90_days=90_000)
        assert cost.excess_ar_days == 0 and cost.excess_ar_cash == 0 and cost.carrying_cost == 0 and cost.total == 0
    with pytest.raises(ValueError, match="hourly staff cost"):
        cost_of_inaction(denied_dollars=0, claims_reworked=1, days_in_ar=40, charges_last_90_days=1,
                         hourly_staff_cost=-1)
    with pytest.raises(ValueError, match="days in A/R"):
        cost_of_inaction(denied_dollars=0, claims_reworked=1, days_in_ar=float("nan"), charges_last_90_days=1)
