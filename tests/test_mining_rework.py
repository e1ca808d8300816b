"""Rework (mining.rework): exact figures on a hand-made claim log in Lantern's activities, worked out by hand."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from mining.events import EventFilter
from mining.rework import HOURLY_RATE, MINUTES_PER_REWORK, REWORK_COLUMNS, rework
from mining.schema import EVENT_LOG, EventLogSchema

# Five claims, times in days after the claim's session (2024-03-01 09:00); amount as marts.event_log's.
#
#   case  events (day, amount)                                                        throughput  cash
#   k1    session held 0, claim submitted 1 (150), adjudicated: paid 21 (120),         21 d         21 - 1 = 20 d
#         claim closed 21
#   k2    session held 0, claim submitted 2 (150), adjudicated: denied 16 (0),        40 d         40 - 2 = 38 d
#         claim resubmitted 20 (150), adjudicated: paid 40 (100)                                   (a denial pays 0)
#   k3    session held 0, claim submitted 1 (200), adjudicated: paid 15 (150),        31 d         15 - 1 = 14 d
#         adjudication reversed 30 (-150), adjudicated: paid 31 (140), claim closed 31             (the first paying)
#   k4    session held 0, claim submitted 3 (100), 277CA: rejected 4,                 150 d        never paid: none
#         claim re-sent 6 (100), 277CA: rejected 7, claim re-sent 9 (100),
#         adjudicated: denied 30 (0), claim written off 150 (100)
#   k5    session held 0, claim submitted 1 (120), adjudicated: partially paid 11 (90), 20 d        11 - 1 = 10 d
#         patient billed 11, patient paid 20 (30)
#
# Money per case (Lantern's measures): charged (claim submitted) k1 150, k2 150, k3 200, k4 100, k5 120;
# payer_paid (adjudications) k1 120, k2 0 + 100 = 100, k3 150 - 150 + 140 = 140, k4 0, k5 90;
# patient_paid k5 30; written_off k4 100.
#
# Rework:
#   named  claim resubmitted      k2 (1 event)
#   named  adjudication reversed  k3 (1 event)
#   named  claim re-sent          k4 (2 events: every one is rework)
#   repeat adjudicated: paid      k3 (2 - 1 = 1 event)
#   repeat 277CA: rejected        k4 (1 event)
#   repeat claim re-sent          k4 (1 event)
#   any: k2 (1), k3 (reversal 1 + paid again 1 = 2), k4 (re-sent 2 + rejected again 1 = 3): 6 events, 3 of 5 cases
#   (appointment rebooked, never seen, has no row)
CASES = {
    "k1": [("session held", 0, None), ("claim submitted", 1, 150), ("adjudicated: paid", 21, 120),
           ("claim closed", 21, None)],
    "k2": [("session held", 0, None), ("claim submitted", 2, 150), ("adjudicated: denied", 16, 0),
           ("claim resubmitted", 20, 150), ("adjudicated: paid", 40, 100)],
    "k3": [("session held", 0, None), ("claim submitted", 1, 200), ("adjudicated: paid", 15, 150),
           ("adjudication reversed", 30, -150), ("adjudicated: paid", 31, 140), ("claim closed", 31, None)],
    "k4": [("session held", 0, None), ("claim submitted", 3, 100), ("277CA: rejected", 4, None),
           ("claim re-sent", 6, 100), ("277CA: rejected", 7, None), ("claim re-sent", 9, 100),
           ("adjudicated: denied", 30, 0), ("claim written off", 150, 100)],
    "k5": [("session held", 0, None), ("claim submitted", 1, 120), ("adjudicated: partially paid", 11, 90),
           ("patient billed", 11, None), ("patient paid", 20, 30)],
}
START = datetime(2024, 3, 1, 9)
DAY = 24.0  # hours


def warehouse(frame: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.register("frame", frame.sample(frac=1.0, random_state=5))  # a warehouse table has no row order
    con.execute("create table events as select * from frame")
    con.unregister("frame")
    return con


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    rows = [(case, "claim", activity, START + timedelta(days=day), amount)
            for case, events in CASES.items() for activity, day, amount in events]
    frame = pd.DataFrame(rows, columns=["case_id", "case_type", "activity", "event_at", "amount"])
    frame["amount"] = frame["amount"].astype("float64")
    frame.insert(0, "event_order", np.arange(len(frame)))
    return warehouse(frame)


def close(got: object, want: float) -> bool:
    return (math.isnan(want) and math.isnan(got)) or math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)


def row_of(table: pd.DataFrame, kind: str, activity: str | None) -> pd.Series:
    matches = table[(table["kind"] == kind) & (table["activity"] == activity if activity else table["activity"].isna())]
    assert len(matches) == 1, (kind, activity)
    return matches.iloc[0]


def assert_row(row: pd.Series, expected: dict[str, object]) -> None:
    for column, want in expected.items():
        got = row[column]
        assert (close(got, want) if isinstance(want, float) else got == want), (row["kind"], row["activity"],
                                                                                column, got, want)


def test_rows_and_columns(con) -> None:
    table = rework(con, "events")
    money = ["charged_per_case_with", "charged_per_case_without", "payer_paid_per_case_with",
             "payer_paid_per_case_without", "patient_paid_per_case_with", "patient_paid_per_case_without",
             "written_off_per_case_with", "written_off_per_case_without"]
    assert list(table.columns) == [*REWORK_COLUMNS[:8], *money, *REWORK_COLUMNS[8:]]
    # any first; then named and repeat, each by cases (all 1 here), then activity
    assert [(row.kind, row.activity, row.cases, row.rework_events) for row in table.itertuples()] == [
        ("any", None, 3, 6),
        ("named", "adjudication reversed", 1, 1),
        ("named", "claim re-sent", 1, 2),
        ("named", "claim resubmitted", 1, 1),
        ("repeat", "277CA: rejected", 1, 1),
        ("repeat", "adjudicated: paid", 1, 1),
        ("repeat", "claim re-sent", 1, 1),
    ]


def test_any_rework(con) -> None:
    # with: k2, k3, k4; without: k1, k5.
    # throughput: with [40, 31, 150] d -> median 40 d = 960 h; without [21, 20] d -> 20.5 d = 492 h; +468 h
    # days to cash: with k2 38, k3 14 (k4 none) -> 26; without k1 20, k5 10 -> 15; +11
    # per case: charged with (150 + 200 + 100) / 3 = 150, without (150 + 120) / 2 = 135;
    #   payer_paid with (100 + 140 + 0) / 3 = 80, without (120 + 90) / 2 = 105;
    #   patient_paid with 0, without 30 / 2 = 15; written_off with 100 / 3, without 0
    # staff: 6 events x 60 min = 6 h, at $25 an hour = $150
    assert_row(row_of(rework(con, "events"), "any", None), {
        "kind": "any", "activity": None, "cases": 3, "share": 0.6, "rework_events": 6,
        "median_throughput_hours_with": 40 * DAY, "median_throughput_hours_without": 20.5 * DAY,
        "throughput_hours_added": 19.5 * DAY,
        "charged_per_case_with": 150.0, "charged_per_case_without": 135.0,
        "payer_paid_per_case_with": 80.0, "payer_paid_per_case_without": 105.0,
        "patient_paid_per_case_with": 0.0, "patient_paid_per_case_without": 15.0,
        "written_off_per_case_with": 100 / 3, "written_off_per_case_without": 0.0,
        "median_days_to_cash_with": 26.0, "median_days_to_cash_without": 15.0, "days_to_cash_added": 11.0,
        "staff_hours": 6.0, "staff_cost": 150.0,
    })
    assert (MINUTES_PER_REWORK, HOURLY_RATE) == (60.0, 25.0)


def test_named_rework(con) -> None:
    table = rework(con, "events")
    # adjudication reversed, k3: throughput 31 d against k1 21, k2 40, k4 150, k5 20 -> (21 + 40) / 2 = 30.5 d;
    # cash 14 d against k1 20, k2 38, k5 10 -> 20; charged 200 against (150 + 150 + 100 + 120) / 4 = 130;
    # payer_paid 140 against (120 + 100 + 0 + 90) / 4 = 77.5
    assert_row(row_of(table, "named", "adjudication reversed"), {
        "cases": 1, "share": 0.2, "rework_events": 1,
        "median_throughput_hours_with": 31 * DAY, "median_throughput_hours_without": 30.5 * DAY,
        "throughput_hours_added": 0.5 * DAY,
        "median_days_to_cash_with": 14.0, "median_days_to_cash_without": 20.0, "days_to_cash_added": -6.0,
        "charged_per_case_with": 200.0, "charged_per_case_without": 130.0,
        "payer_paid_per_case_with": 140.0, "payer_paid_per_case_without": 77.5,
        "staff_hours": 1.0, "staff_cost": 25.0,
    })
    # claim re-sent, k4: throughput 150 d against [21, 40, 31, 20] -> (21 + 31) / 2 = 26 d; never paid: no days
    # to cash with it, against [20, 38, 14, 10] -> (14 + 20) / 2 = 17; two events: 2 h, $50
    resent = row_of(table, "named", "claim re-sent")
    assert resent["median_throughput_hours_without"] == 26 * DAY
    assert math.isnan(resent["median_days_to_cash_with"]) and resent["median_days_to_cash_without"] == 17.0
    assert math.isnan(resent["days_to_cash_added"])
    assert (resent["written_off_per_case_with"], resent["staff_hours"], resent["staff_cost"]) == (100.0, 2.0, 50.0)
    # claim resubmitted, k2: throughput 40 d against [21, 31, 150, 20] -> 26 d; cash 38 against [20, 14, 10] -> 14
    resubmitted = row_of(table, "named", "claim resubmitted")
    assert (resubmitted["median_throughput_hours_with"], resubmitted["median_throughput_hours_without"]) == (
        40 * DAY, 26 * DAY)
    assert (resubmitted["median_days_to_cash_with"], resubmitted["median_days_to_cash_without"],
            resubmitted["days_to_cash_added"]) == (38.0, 14.0, 24.0)


def test_repeats(con) -> None:
    table = rework(con, "events")
    # adjudicated: paid repeated in k3 only: the cases of adjudication reversed, so the same figures
    paid = row_of(table, "repeat", "adjudicated: paid").drop(["kind", "activity"])
    reversed_ = row_of(table, "named", "adjudication reversed").drop(["kind", "activity"])
    assert paid.equals(reversed_)
    # 277CA: rejected and claim re-sent repeated in k4 only, each once more than the first
    for activity in ("277CA: rejected", "claim re-sent"):
        row = row_of(table, "repeat", activity)
        assert (row["cases"], row["rework_events"], row["staff_hours"]) == (1, 1, 1.0)
        assert row["median_throughput_hours_with"] == 150 * DAY


def test_staff_cost_is_a_parameter(con) -> None:
    # 6 rework events x 20 minutes = 2 h, at $30 an hour = $60
    row = rework(con, "events", minutes_per_rework=20, hourly_rate=30).iloc[0]
    assert (row["staff_hours"], row["staff_cost"]) == (2.0, 60.0)


def test_a_filter_keeps_whole_cases(con) -> None:
    # payer P: k1 and k2 only
    con.execute("alter table events add column payer_id varchar")
    con.execute("update events set payer_id = case when case_id in ('k1', 'k2') then 'P' else 'Q' end")
    table = rework(con, "events", EventFilter(equals={"payer_id": "P"}))
    # only k2's resubmission: 1 of 2 cases; throughput 40 d against k1's 21 d; cash 38 d against 20 d
    assert [(row.kind, row.activity, row.cases, row.share) for row in table.itertuples()] == [
        ("any", None, 1, 0.5), ("named", "claim resubmitted", 1, 0.5)]
    assert (table.loc[0, "throughput_hours_added"], table.loc[0, "days_to_cash_added"]) == (19 * DAY, 18.0)


def test_a_log_without_lantern_activities_or_money() -> None:
    # Another log's names: rework is only repeats (and its own named activities, here "redo").
    #   w1: a 0 h, b 1 h, b 3 h, c 4 h -> b repeated (1 event); throughput 4 h
    #   w2: a 0 h, redo 2 h, c 6 h      -> named redo (1 event); throughput 6 h
    #   w3: a 0 h, c 1 h                -> none; throughput 1 h
    spec = [("w1", "a", 0), ("w1", "b", 1), ("w1", "b", 3), ("w1", "c", 4),
            ("w2", "a", 0), ("w2", "redo", 2), ("w2", "c", 6), ("w3", "a", 0), ("w3", "c", 1)]
    frame = pd.DataFrame([(i, case, act, START + timedelta(hours=h)) for i, (case, act, h) in enumerate(spec)],
                         columns=["event_order", "case_id", "activity", "event_at"])
    schema = EventLogSchema(rework_activities=("redo",))
    table = rework(warehouse(frame), "events", schema=schema)
    assert list(table.columns) == REWORK_COLUMNS  # no amount column: no money, no days to cash
    # any: w1, w2 -> throughput median (4 + 6) / 2 = 5 h against w3's 1 h
    assert [(r.kind, r.activity, r.cases, r.rework_events, r.median_throughput_hours_with,
             r.median_throughput_hours_without) for r in table.itertuples()] == [
        ("any", None, 2, 2, 5.0, 1.0), ("named", "redo", 1, 1, 6.0, 2.5), ("repeat", "b", 1, 1, 4.0, 3.5)]
    assert table["median_days_to_cash_with"].isna().all()
    # Lantern's defaults on this log find the repeat only
    assert list(rework(warehouse(frame), "events", schema=EVENT_LOG)["activity"]) == [None, "b"]


def test_no_rework_and_no_cases(con) -> None:
    assert rework(con, "events", EventFilter(equals={"case_type": "patient_journey"})).empty
    frame = pd.DataFrame({"event_order": [0, 1], "case_id": ["z", "z"], "activity": ["A", "B"],
                          "event_at": [START, START + timedelta(hours=1)]})
    table = rework(warehouse(frame), "events")
    assert table.empty and list(table.columns) == REWORK_COLUMNS
