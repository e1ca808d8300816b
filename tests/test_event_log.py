"""The process-mining event log (marts.event_log, marts.event_log_cases) of a small demo practice built
through the whole asset graph (`lantern build`), checked against the marts it must agree with.

The claim cases agree with fct_claims (original submissions, first-pass denials, resubmissions,
final denials, money to the cent), the patient-journey cases with fct_referrals; no event is after the
as-of date; each case's events are numbered 1..n in order of (event_at, event_order). The event log
is then rebuilt at an earlier as-of date on a copy of the warehouse, and cut there.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict
from datetime import date

import duckdb
import pytest
from dbt.cli.main import dbtRunner

from orchestration.project import DBT_PROJECT_DIR

pytestmark = pytest.mark.slow

EVENT_MODELS = ["int_as_of_date", "int_claims_joined", "int_claim_adjudications_classified",
                "int_referral_journeys_bounded", "int_journey_events_listed", "int_claim_events_listed",
                "event_log", "event_log_cases"]
EARLIER_AS_OF = date(2024, 9, 30)


def _restoring_environ():
    saved = dict(os.environ)

    def restore() -> None:
        os.environ.clear()
        os.environ.update(saved)

    return restore


@pytest.fixture(scope="module")
def built(built_small_practice):
    return built_small_practice.home, built_small_practice.warehouse


@pytest.fixture(scope="module")
def con(built):
    _, warehouse = built
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def _set(con, sql: str) -> set:
    return {row[0] for row in con.execute(sql).fetchall()}


def test_the_event_log_is_built_and_its_activities_are_the_seeds(con):
    events, cases = con.execute("select count(*), count(distinct case_type || case_id) from marts.event_log").fetchone()
    assert events > cases > 0
    unknown = con.execute("""
        select distinct e.case_type, e.activity from marts.event_log e
        left join seeds.event_activities a on a.activity = e.activity and a.case_type = e.case_type
        where a.activity is null""").fetchall()
    assert unknown == []
    assert _set(con, "select distinct case_type from marts.event_log") == {"patient_journey", "claim"}


def test_claim_cases_with_a_submission_are_the_claims_with_an_original_submission(con):
    logged = _set(con, "select case_id from marts.event_log where activity = 'claim submitted'")
    submitted = _set(con, "select claim_id from marts.fct_claims where has_original_submission")
    assert logged == submitted and submitted
    once = con.execute("select max(n) from (select count(*) n from marts.event_log "
                       "where activity = 'claim submitted' group by case_id)").fetchone()[0]
    assert once == 1
    charges = con.execute("select sum(amount) from marts.event_log where activity = 'claim submitted'").fetchone()[0]
    expected = con.execute("select sum(charge) from marts.fct_claims where has_original_submission").fetchone()[0]
    assert charges == expected


def test_first_pass_denials_are_the_cases_whose_first_adjudication_is_a_denial(con):
    first = dict(con.execute("""
        select case_id, activity from (
            select case_id, activity, row_number() over (partition by case_id order by event_at, event_order) as n
            from marts.event_log
            where case_type = 'claim' and (activity like 'adjudicated: %' or activity = 'adjudication reversed')
        ) where n = 1""").fetchall())
    denied_in_log = {claim for claim, activity in first.items() if activity == "adjudicated: denied"}
    denied = _set(con, "select claim_id from marts.fct_claims where is_denied_first_pass")
    assert denied_in_log == denied and denied
    adjudicated = _set(con, "select claim_id from marts.fct_claims where adjudication_count > 0")
    assert set(first) == adjudicated


def test_claim_outcomes_and_money_agree_with_fct_claims(con):
    def cases(activity: str) -> set:
        return _set(con, f"select distinct case_id from marts.event_log where activity = '{activity}'")

    assert cases("claim resubmitted") == _set(con, "select claim_id from marts.fct_claims where is_resubmitted")
    assert cases("claim voided") == _set(con, "select claim_id from marts.fct_claims where is_voided")
    assert cases("claim written off") == _set(con, "select claim_id from marts.fct_claims where is_finally_denied")
    assert cases("patient billed") == _set(con, "select claim_id from marts.fct_claims where claim_id in "
                                                "(select claim_id from intermediate.int_claim_adjudications_ordered "
                                                "where patient_responsibility > 0)")
    assert not cases("claim closed") & cases("claim written off")
    paid, patient_paid = con.execute("""
        select sum(amount) filter (where activity like 'adjudicat%'),
               sum(amount) filter (where activity = 'patient paid')
        from marts.event_log where case_type = 'claim'""").fetchone()
    expected_paid, expected_patient_paid = con.execute(
        "select sum(payer_paid), sum(patient_paid) from marts.fct_claims").fetchone()
    assert (paid, patient_paid) == (expected_paid, expected_patient_paid)
    # a closed claim is settled: payer paid + patient paid covers its allowed amount
    unsettled = con.execute("""
        select count(*) from marts.fct_claims
        where claim_id in (select case_id from marts.event_log where activity = 'claim closed')
          and payer_paid + patient_paid < allowed""").fetchone()[0]
    assert unsettled == 0


def test_patient_journey_cases_are_the_referrals(con):
    journeys = _set(con, "select case_id from marts.event_log where case_type = 'patient_journey'")
    referrals = _set(con, "select referral_id from marts.fct_referrals")
    assert journeys == referrals and referrals
    held = _set(con, "select case_id from marts.event_log where activity = 'first session held'")
    assert held == _set(con, "select referral_id from marts.fct_referrals "
                             "where first_session_appointment_id is not null")
    lost = _set(con, "select case_id from marts.event_log where activity = 'referral lost'")
    assert lost == _set(con, "select referral_id from marts.fct_referrals where is_lost")


def test_no_event_is_after_the_as_of_date(con):
    as_of = con.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0]
    latest = con.execute("select max(cast(timezone('America/Chicago', event_at) as date)) "
                         "from marts.event_log").fetchone()[0]
    assert latest <= as_of


def test_events_are_numbered_in_order_of_time_then_intended_path(con):
    rows = con.execute("""
        select e.case_type, e.case_id, e.event_order, e.event_at, a.path_order
        from marts.event_log e join seeds.event_activities a using (activity, case_type)
        order by e.case_type, e.case_id, e.event_order""").fetchall()
    by_case = defaultdict(list)
    for case_type, case_id, order, at, path_order in rows:
        by_case[(case_type, case_id)].append((order, at, path_order))
    for case, events in by_case.items():
        assert [order for order, _, _ in events] == list(range(1, len(events) + 1)), case
        keys = [(at, path_order) for _, at, path_order in events]
        assert keys == sorted(keys), case


def test_cases_summarize_their_events(con):
    assert con.execute("select count(*) from marts.event_log_cases").fetchone()[0] == \
        con.execute("select count(distinct (case_type, case_id)) from marts.event_log").fetchone()[0]
    mismatched = con.execute("""
        with v as (
            select case_type, case_id, count(*) as n,
                   string_agg(activity, ' > ' order by event_order) as variant
            from marts.event_log group by all)
        select count(*) from v join marts.event_log_cases c using (case_type, case_id)
        where v.variant <> c.variant or v.n <> c.event_count""").fetchone()[0]
    assert mismatched == 0
    top = con.execute("select variant from marts.event_log_cases where case_type = 'claim' "
                      "group by variant order by count(*) desc limit 1").fetchone()[0]
    assert top.startswith("session held > ") and "claim submitted > 277CA: accepted > adjudicated: paid" in top


def test_an_earlier_as_of_date_cuts_the_log(built, tmp_path):
    _, warehouse = built
    with duckdb.connect(str(warehouse), read_only=True) as full:
        assert full.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0] > EARLIER_AS_OF
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(warehouse, copy)
    restore = _restoring_environ()
    try:
        os.environ["LANTERN_WAREHOUSE"] = str(copy)
        result = dbtRunner().invoke([
            "run", "--select", *EVENT_MODELS, "--vars", f"{{as_of_date: '{EARLIER_AS_OF.isoformat()}'}}",
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--target", "ci",
            "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"), "--quiet",
        ])
    finally:
        restore()
    assert result.success, result.exception
    with duckdb.connect(str(copy)) as cut:  # dbt-duckdb may still hold the file in this process: same config
        latest = cut.execute("select max(cast(timezone('America/Chicago', event_at) as date)) "
                             "from marts.event_log").fetchone()[0]
        assert latest <= EARLIER_AS_OF
        submitted = _set(cut, "select case_id from marts.event_log where activity = 'claim submitted'")
        assert submitted == _set(cut, f"select claim_id from marts.fct_claims where has_original_submission "
                                      f"and submitted_date <= date '{EARLIER_AS_OF.isoformat()}'")
        written_off = _set(cut, "select case_id from marts.event_log where activity = 'claim written off'")
        assert written_off == _set(cut, "select claim_id from intermediate.int_claims_joined where is_finally_denied")
        assert cut.execute("select distinct as_of_date from marts.event_log_cases").fetchall() == [(EARLIER_AS_OF,)]


# ----------------------------------------------------------------------------- the process map (mining asset)

BEFORE_ADJUDICATION = ("session held", "note signed", "claim submitted", "277CA: accepted", "277CA: rejected",
                       "claim re-sent")


def _map_node(con, case_type: str, activity: str) -> int:
    """An activity's events as the process map shows them: its outgoing edges plus the cases it ends."""
    out = con.execute("select coalesce(sum(frequency), 0) from marts.mining_dfg where case_type = ? and source = ?",
                      [case_type, activity]).fetchone()[0]
    ends = con.execute("select coalesce(sum(cases), 0) from marts.mining_start_end where case_type = ? "
                       "and kind = 'end' and activity = ?", [case_type, activity]).fetchone()[0]
    return int(out + ends)


def test_the_map_counts_the_submitted_claims_of_fct_claims(con):
    submitted = con.execute("select count(*) from marts.fct_claims where has_original_submission").fetchone()[0]
    assert _map_node(con, "claim", "claim submitted") == submitted > 0


def test_the_maps_denials_before_any_adjudication_are_the_first_pass_denials(con):
    # A first-pass denial is a denial whose case had no adjudication before it: in the map, the edges into
    # 'adjudicated: denied' from the activities that come before adjudication.
    placeholders = ", ".join("?" * len(BEFORE_ADJUDICATION))
    from_map = con.execute(f"select sum(frequency) from marts.mining_dfg where case_type = 'claim' "
                           f"and target = 'adjudicated: denied' and source in ({placeholders})",
                           list(BEFORE_ADJUDICATION)).fetchone()[0]
    denied = con.execute("select count(*) from marts.fct_claims where is_denied_first_pass").fetchone()[0]
    assert from_map == denied > 0


def test_the_maps_cases_are_the_event_logs(con):
    for case_type in ("claim", "patient_journey"):
        starts = con.execute("select sum(cases) from marts.mining_start_end where case_type = ? and kind = 'start'",
                             [case_type]).fetchone()[0]
        cases, events = con.execute("select count(*), sum(event_count) from marts.event_log_cases "
                                    "where case_type = ?", [case_type]).fetchone()
        edges = con.execute("select sum(frequency) from marts.mining_dfg where case_type = ?", [case_type]).fetchone()[0]
        assert starts == cases and edges == events - cases  # every event but a case's last leads somewhere
        variant_cases = con.execute("select sum(cases) from marts.mining_variants where case_type = ?",
                                    [case_type]).fetchone()[0]
        assert variant_cases == cases
