"""The warehouse process map (mining.dfg, mining.variants) and discovery (mining.discovery): exact figures on
hand-made logs worked out by hand, and the same figures as pm4py's on a generated random log.

Real XES logs are compared with pm4py in test_mining_xes.py.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from mining.dfg import (
    DFG_COLUMNS,
    directly_follows,
    from_pm4py,
    prepare_pairs,
    process_map,
    start_end_activities,
    start_end_from_pm4py,
)
from mining.discovery import discover_inductive, discover_process_model, fitness
from mining.events import EventFilter, events_frame
from mining.schema import EVENT_LOG, Money
from mining.variants import variant_counts, variants

pm4py = pytest.importorskip("pm4py")
KEYS = EVENT_LOG.pm4py_keys()

# ----------------------------------------------------------------------------- the hand-made log
#
# Five cases of activities A, B, C, D, in Lantern's event-log columns (mining.schema); times in hours
# after the case's start. Case attributes (payer_id, payer_type, clinician_npi, modality) are on every
# event, the CPT code only on B (the session); B's amount is the charge, D's the payment.
#
#   case  start             events (hours)          payer     clinician modality   cpt    charge paid
#   c1    2024-01-01 08:00  A 0, B 1, C 3, D 6      Aetna     Dr Lee    in_person  90834  100    80
#   c2    2024-01-15 08:00  A 0, B 3, C 4, D 8      Aetna     Dr Lee    telehealth 90837  100    100
#   c3    2024-02-01 08:00  A 0, C 2, B 2, D 7      Medicaid  Dr Ruiz   in_person  90834  100    60
#   c4    2024-02-20 23:30  A 0, B 5, D 5.5         Medicaid  Dr Ruiz   telehealth 90791  100    -
#   c5    2024-03-05 08:00  A 0, B 2, C 6, D 7      Aetna     Dr Lee    in_person  90837  150    0
#
# In c3, C and B have the same timestamp and C was recorded first (lower event_order): C -> B.
#
# Edges (hours):  A->B  c1 1, c2 3, c4 5, c5 2  = [1, 2, 3, 5]
#                 B->C  c1 2, c2 1, c5 4        = [1, 2, 4]
#                 C->D  c1 3, c2 4, c5 1        = [1, 3, 4]
#                 B->D  c3 5, c4 0.5            = [0.5, 5]
#                 A->C  c3 2;   C->B  c3 0
# mean, median; p90 by linear interpolation at position 0.9 (n - 1) of the sorted values:
#   A->B  mean 11/4 = 2.75, median (2 + 3)/2 = 2.5, p90 at 2.7: 3 + 0.7 (5 - 3) = 4.4
#   B->C  mean 7/3,          median 2,           p90 at 1.8: 2 + 0.8 (4 - 2) = 3.6
#   C->D  mean 8/3,          median 3,           p90 at 1.8: 3 + 0.8 (4 - 3) = 3.8
#   B->D  mean 5.5/2 = 2.75, median 2.75,        p90 at 0.9: 0.5 + 0.9 (5 - 0.5) = 4.55

CASES = {
    "c1": (datetime(2024, 1, 1, 8), [("A", 0), ("B", 1), ("C", 3), ("D", 6)],
           ("Aetna", "commercial", "Dr Lee", "in_person", "90834", 100, 80)),
    "c2": (datetime(2024, 1, 15, 8), [("A", 0), ("B", 3), ("C", 4), ("D", 8)],
           ("Aetna", "commercial", "Dr Lee", "telehealth", "90837", 100, 100)),
    "c3": (datetime(2024, 2, 1, 8), [("A", 0), ("C", 2), ("B", 2), ("D", 7)],
           ("Medicaid", "medicaid", "Dr Ruiz", "in_person", "90834", 100, 60)),
    "c4": (datetime(2024, 2, 20, 23, 30), [("A", 0), ("B", 5), ("D", 5.5)],
           ("Medicaid", "medicaid", "Dr Ruiz", "telehealth", "90791", 100, None)),
    "c5": (datetime(2024, 3, 5, 8), [("A", 0), ("B", 2), ("C", 6), ("D", 7)],
           ("Aetna", "commercial", "Dr Lee", "in_person", "90837", 150, 0)),
}

EXPECTED_DFG = [  # source, target, frequency, mean, median, p90 (hours); most frequent first, then by name
    ("A", "B", 4, 2.75, 2.5, 4.4),
    ("B", "C", 3, 7 / 3, 2.0, 3.6),
    ("C", "D", 3, 8 / 3, 3.0, 3.8),
    ("B", "D", 2, 2.75, 2.75, 4.55),
    ("A", "C", 1, 2.0, 2.0, 2.0),
    ("C", "B", 1, 0.0, 0.0, 0.0),
]


def hand_events() -> pd.DataFrame:
    rows = []
    for case, (start, events, (payer, payer_type, clinician, modality, cpt, charge, paid)) in CASES.items():
        for activity, hours in events:
            rows.append({
                "case_id": case, "activity": activity, "event_at": start + timedelta(hours=hours),
                "resource": clinician, "payer_id": payer, "payer_type": payer_type, "clinician_npi": clinician,
                "modality": modality, "cpt_code": cpt if activity == "B" else None,
                "amount": {"B": charge, "D": paid}.get(activity),
            })
    frame = pd.DataFrame(rows)
    frame.insert(0, "event_order", np.arange(len(frame)))  # the order recorded: the log's tie-break
    return frame


def warehouse(frame: pd.DataFrame, seed: int = 3) -> duckdb.DuckDBPyConnection:
    """A DuckDB table `events` holding the frame's rows in a shuffled physical order (a warehouse table has
    no row order; only event_order may break ties)."""
    con = duckdb.connect()
    shuffled = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    con.register("frame", shuffled)
    con.execute("create table events as select * from frame")
    con.unregister("frame")
    return con


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in frame.itertuples(index=False)]


def assert_rows_close(actual: list[tuple], expected: list[tuple]) -> None:
    assert len(actual) == len(expected), (actual, expected)
    for got, want in zip(actual, expected, strict=True):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            if isinstance(w, float):
                assert math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-12), (got, want)
            else:
                assert g == w, (got, want)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return warehouse(hand_events())


# ----------------------------------------------------------------------------- the DFG by hand


def test_dfg_of_the_hand_made_log(con) -> None:
    dfg = directly_follows(con, "events")
    assert list(dfg.columns) == DFG_COLUMNS
    assert_rows_close(rows(dfg), EXPECTED_DFG)


def test_start_and_end_activities_of_the_hand_made_log(con) -> None:
    assert rows(start_end_activities(con, "events")) == [("start", "A", 5, 1.0), ("end", "D", 5, 1.0)]


HAND_MONEY = [Money("charged", "amount", ("B",)), Money("paid", "amount", ("D",))]


def test_variants_of_the_hand_made_log(con) -> None:
    # ABCD: c1, c2, c5, throughput 6, 8, 7 h; ABD: c4, 5.5 h; ACBD: c3, 7 h. Ties in cases by sequence.
    # charged (B's amount): ABCD 100 + 100 + 150 = 350 (116.67 per case); paid (D's): 80 + 100 + 0 = 180
    # (60 per case); c4's D carries no amount: 0.
    table = variants(con, "events", money=HAND_MONEY)
    assert list(table.columns) == [
        "variant_rank", "variant", "activities", "events", "cases", "share", "median_throughput_hours",
        "mean_throughput_hours", "charged_total", "charged_per_case", "paid_total", "paid_per_case"]
    assert_rows_close(rows(table), [
        (1, "A -> B -> C -> D", ("A", "B", "C", "D"), 4, 3, 0.6, 7.0, 7.0, 350.0, 350 / 3, 180.0, 60.0),
        (2, "A -> B -> D", ("A", "B", "D"), 3, 1, 0.2, 5.5, 5.5, 100.0, 100.0, 0.0, 0.0),
        (3, "A -> C -> B -> D", ("A", "C", "B", "D"), 4, 1, 0.2, 7.0, 7.0, 100.0, 100.0, 60.0, 60.0),
    ])
    assert variant_counts(table) == {("A", "B", "C", "D"): 3, ("A", "B", "D"): 1, ("A", "C", "B", "D"): 1}
    # money over every event: amount of B and D together
    everything = variants(con, "events", money=[Money("moved", "amount")])
    assert list(everything["moved_total"]) == [530.0, 100.0, 160.0]


def test_lantern_money_follows_the_event_log_activities() -> None:
    # The default measures read `amount` on the activities of the event_activities seed:
    # charged on claim submitted, payer_paid on adjudications (a reversal negative), patient_paid.
    spec = [("k1", "session held", None), ("k1", "claim submitted", 150), ("k1", "adjudicated: paid", 120),
            ("k1", "adjudication reversed", -120), ("k1", "adjudicated: paid", 110), ("k1", "patient paid", 40),
            ("k2", "session held", None), ("k2", "claim submitted", 150), ("k2", "adjudicated: denied", 0)]
    base = datetime(2024, 6, 1)
    frame = pd.DataFrame(
        [(i, case, activity, base + timedelta(days=i), amount) for i, (case, activity, amount) in enumerate(spec)],
        columns=["event_order", "case_id", "activity", "event_at", "amount"],
    )
    table = variants(warehouse(frame), "events").set_index("variant")
    assert table.loc["session held -> claim submitted -> adjudicated: denied",
                     ["charged_total", "payer_paid_total", "patient_paid_total", "written_off_total"]].tolist() == [
        150.0, 0.0, 0.0, 0.0]
    k1 = table.loc[table["events"] == 6].iloc[0]
    assert (k1["charged_total"], k1["payer_paid_total"], k1["patient_paid_total"]) == (150.0, 110.0, 40.0)


def test_variants_without_money(con) -> None:
    table = variants(con, "events", money=[])
    assert not any(column.endswith(("_total", "_per_case")) for column in table.columns)


def test_the_physical_row_order_does_not_matter() -> None:
    frame = hand_events()
    results = [directly_follows(warehouse(frame, seed), "events") for seed in (1, 2, 3)]
    for other in results[1:]:
        pd.testing.assert_frame_equal(results[0], other)


def test_equal_timestamps_are_ordered_by_event_order() -> None:
    # Swap the recorded order of c3's C and B (both at 10:00): the case now reads A, B, C, D,
    # so C -> B disappears and B -> C gains a 0 h edge while A -> C becomes A -> B (2 h).
    frame = hand_events()
    c3 = frame.index[(frame["case_id"] == "c3") & frame["activity"].isin(["B", "C"])]
    frame.loc[c3, "event_order"] = frame.loc[c3[::-1], "event_order"].to_numpy()
    dfg = directly_follows(warehouse(frame), "events").set_index(["source", "target"])
    assert ("C", "B") not in dfg.index and ("A", "C") not in dfg.index
    assert dfg.loc[("A", "B"), "frequency"] == 5 and dfg.loc[("B", "C"), "frequency"] == 4
    # B -> C is now [1, 2, 4, 0] -> median (1 + 2)/2 = 1.5; C -> D gains c3's 5 h: [1, 3, 4, 5] -> mean 3.25
    assert dfg.loc[("B", "C"), "median_hours"] == 1.5
    assert dfg.loc[("C", "D"), "mean_hours"] == 3.25


def test_pm4py_agrees_on_the_hand_made_log(con) -> None:
    frame = events_frame(con, "events")
    frequency, start, end = pm4py.discover_dfg(frame.copy(), **KEYS)
    performance, _, _ = pm4py.discover_performance_dfg(frame.copy(), **KEYS)
    raw, _, _ = pm4py.discover_performance_dfg(frame.copy(), perf_aggregation_key="raw_values", **KEYS)
    pd.testing.assert_frame_equal(directly_follows(con, "events"), from_pm4py(frequency, performance, raw),
                                  check_dtype=False, rtol=1e-12)
    pd.testing.assert_frame_equal(start_end_activities(con, "events"), start_end_from_pm4py(start, end),
                                  check_dtype=False)
    assert pm4py.get_variants(frame, **KEYS) == variant_counts(variants(con, "events"))


def test_a_log_with_time_zones_like_marts_event_log() -> None:
    # marts.event_log's event_at is a timestamptz: same graph; date bounds are in the connection's zone.
    con = duckdb.connect()
    con.execute("set TimeZone = 'America/Chicago'")
    con.register("frame", hand_events())
    con.execute("create table events as select * replace (cast(event_at as timestamptz) as event_at) from frame")
    assert_rows_close(rows(directly_follows(con, "events")), EXPECTED_DFG)
    frame = events_frame(con, "events")
    assert str(frame["event_at"].dt.tz) == "America/Chicago"
    frequency, _, _ = pm4py.discover_dfg(frame.copy(), **KEYS)
    assert frequency == {(s, t): n for s, t, n, *_ in EXPECTED_DFG}
    february = EventFilter(case_start_from=date(2024, 2, 1), case_start_to=date(2024, 2, 20))
    assert set(events_frame(con, "events", filters=february)["case_id"]) == {"c3", "c4"}


# ----------------------------------------------------------------------------- filters


@pytest.mark.parametrize(("filters", "cases"), [
    (EventFilter(equals={"payer_id": "Medicaid"}), {"c3", "c4"}),
    (EventFilter(equals={"cpt_code": ["90834"]}), {"c1", "c3"}),  # the CPT is on B only: whole cases are kept
    (EventFilter(equals={"cpt_code": "90837", "payer_type": "commercial"}), {"c2", "c5"}),
    (EventFilter(equals={"clinician_npi": "Dr Lee", "modality": "telehealth"}), {"c2"}),
    (EventFilter(equals={"payer_id": ["Aetna", "Medicaid"]}), {"c1", "c2", "c3", "c4", "c5"}),
    (EventFilter(equals={"payer_id": "Cigna"}), set()),
    # case start dates, both ends included: c4 starts at 23:30 on 2024-02-20
    (EventFilter(case_start_from=date(2024, 2, 1), case_start_to=date(2024, 2, 20)), {"c3", "c4"}),
    (EventFilter(case_start_from=date(2024, 2, 1), case_start_to=date(2024, 2, 19)), {"c3"}),
    (EventFilter(case_start_from=date(2024, 2, 21)), {"c5"}),
    (EventFilter(case_start_to=date(2024, 1, 1)), {"c1"}),
    (EventFilter(case_start_to=date(2024, 2, 20), equals={"payer_id": "Medicaid"}), {"c3", "c4"}),
])
def test_filters_keep_whole_cases(con, filters: EventFilter, cases: set[str]) -> None:
    frame = events_frame(con, "events", filters=filters)
    assert set(frame["case_id"]) == cases
    full = hand_events()
    assert len(frame) == full["case_id"].isin(cases).sum()
    expected_starts = len(cases)
    assert start_end_activities(con, "events", filters).query("kind == 'start'")["cases"].sum() == expected_starts


def test_dfg_of_the_medicaid_cases(con) -> None:
    # c3: A->C 2, C->B 0, B->D 5; c4: A->B 5, B->D 0.5
    dfg = directly_follows(con, "events", EventFilter(equals={"payer_id": "Medicaid"}))
    assert_rows_close(rows(dfg), [
        ("B", "D", 2, 2.75, 2.75, 4.55),
        ("A", "B", 1, 5.0, 5.0, 5.0),
        ("A", "C", 1, 2.0, 2.0, 2.0),
        ("C", "B", 1, 0.0, 0.0, 0.0),
    ])
    table = variants(con, "events", EventFilter(equals={"payer_id": "Medicaid"}), money=[])
    assert rows(table[["variant", "cases", "share"]]) == [("A -> B -> D", 1, 0.5), ("A -> C -> B -> D", 1, 0.5)]


def test_filter_errors(con) -> None:
    with pytest.raises(ValueError, match="no column insurer"):
        directly_follows(con, "events", EventFilter(equals={"insurer": "Aetna"}))
    with pytest.raises(ValueError, match="after"):
        EventFilter(case_start_from=date(2024, 3, 1), case_start_to=date(2024, 2, 1))
    with pytest.raises(TypeError):
        EventFilter(case_start_from=datetime(2024, 3, 1, 12))
    with pytest.raises(ValueError, match="not a table or view name"):
        directly_follows(con, "events; drop table events")
    con.execute("create table bare as select case_id, activity from events")
    with pytest.raises(ValueError, match="no column event_at, event_order"):
        directly_follows(con, "bare")


def test_an_empty_selection_gives_empty_tables(con) -> None:
    nobody = EventFilter(equals={"payer_id": "Cigna"})
    assert directly_follows(con, "events", nobody).empty
    assert list(directly_follows(con, "events", nobody).columns) == DFG_COLUMNS
    assert start_end_activities(con, "events", nobody).empty
    assert variants(con, "events", nobody).empty


def test_events_without_case_activity_or_timestamp_are_left_out() -> None:
    frame = hand_events()
    extra = frame.iloc[[0, 0, 0]].copy()
    extra["event_order"] = [100, 101, 102]
    extra.loc[extra.index[0], "case_id"] = None
    extra.iloc[1, extra.columns.get_loc("activity")] = None
    extra.iloc[2, extra.columns.get_loc("event_at")] = pd.NaT
    con = warehouse(pd.concat([frame, extra], ignore_index=True))
    assert_rows_close(rows(directly_follows(con, "events")), EXPECTED_DFG)


# ----------------------------------------------------------------------------- interval events


def test_interval_events_follow_pm4py() -> None:
    # With a start_timestamp column, events are ordered by start, and an edge's time is the next
    # event's start minus this event's completion (pm4py's definition), so it can be negative:
    #   i1: X [0, 2], Y [1, 3], Z [5, 6]  ->  X->Y 1 - 2 = -1 h, Y->Z 5 - 3 = 2 h
    #   i2: X [0, 1], Z [0.5, 4], Y [4, 4] -> X->Z 0.5 - 1 = -0.5 h, Z->Y 4 - 4 = 0 h
    # Throughput (last event's timestamp minus the first's): i1 6 - 2 = 4 h, i2 4 - 1 = 3 h.
    base = datetime(2024, 5, 1)
    spec = [("i1", "X", 0, 2), ("i1", "Y", 1, 3), ("i1", "Z", 5, 6),
            ("i2", "X", 0, 1), ("i2", "Y", 4, 4), ("i2", "Z", 0.5, 4)]
    frame = pd.DataFrame(
        [(i, case, act, base + timedelta(hours=s), base + timedelta(hours=e))
         for i, (case, act, s, e) in enumerate(spec)],
        columns=["event_order", "case_id", "activity", "start_timestamp", "event_at"],
    )
    con = warehouse(frame)
    assert_rows_close(rows(directly_follows(con, "events")), [
        ("X", "Y", 1, -1.0, -1.0, -1.0),
        ("X", "Z", 1, -0.5, -0.5, -0.5),
        ("Y", "Z", 1, 2.0, 2.0, 2.0),
        ("Z", "Y", 1, 0.0, 0.0, 0.0),
    ])
    table = variants(con, "events")
    assert rows(table[["variant", "median_throughput_hours"]]) == [("X -> Y -> Z", 4.0), ("X -> Z -> Y", 3.0)]
    pm4py_frame = events_frame(con, "events")
    assert "start_timestamp" in pm4py_frame
    frequency, _, _ = pm4py.discover_dfg(pm4py_frame.copy(), **KEYS)
    performance, _, _ = pm4py.discover_performance_dfg(pm4py_frame.copy(), **KEYS)
    pd.testing.assert_frame_equal(directly_follows(con, "events")[DFG_COLUMNS[:5]],
                                  from_pm4py(frequency, performance)[DFG_COLUMNS[:5]], check_dtype=False)


# ----------------------------------------------------------------------------- a random log against pm4py


def random_log(seed: int, cases: int = 400, activities: int = 9) -> pd.DataFrame:
    """A log with loops, skips and many equal timestamps (whole hours, and some zero gaps)."""
    rng = np.random.default_rng(seed)
    names = [f"act {chr(ord('a') + i)}" for i in range(activities)]
    rows = []
    for case in range(cases):
        clock = datetime(2024, 1, 1) + timedelta(hours=int(rng.integers(0, 24 * 365)))
        for _ in range(int(rng.integers(1, 16))):
            clock += timedelta(hours=int(rng.choice([0, 0, 1, 2, 5, 30, 200])))
            rows.append((f"case-{case:04d}", names[int(rng.integers(0, activities))], clock,
                         str(rng.choice(["Aetna", "Medicaid", "Medicare"]))))
    frame = pd.DataFrame(rows, columns=["case_id", "activity", "event_at", "payer_id"])
    frame.insert(0, "event_order", np.arange(len(frame)))
    return frame


@pytest.mark.parametrize("seed", [1, 2])
def test_random_log_matches_pm4py(seed: int) -> None:
    frame = random_log(seed)
    assert 2_000 < len(frame) < 5_000
    assert frame.duplicated(["case_id", "event_at"]).sum() > 200  # ties do occur
    con = warehouse(frame, seed)
    pm4py_frame = events_frame(con, "events")
    frequency, start, end = pm4py.discover_dfg(pm4py_frame.copy(), **KEYS)
    performance, _, _ = pm4py.discover_performance_dfg(pm4py_frame.copy(), **KEYS)
    raw, _, _ = pm4py.discover_performance_dfg(pm4py_frame.copy(), perf_aggregation_key="raw_values", **KEYS)
    pd.testing.assert_frame_equal(directly_follows(con, "events"), from_pm4py(frequency, performance, raw),
                                  check_dtype=False, rtol=1e-12)
    pd.testing.assert_frame_equal(start_end_activities(con, "events"), start_end_from_pm4py(start, end),
                                  check_dtype=False)
    # the frame in its original row order gives pm4py the same graph: its stable sort keeps row order
    original, _, _ = pm4py.discover_dfg(frame.copy(), **KEYS)
    assert original == frequency

    table = variants(con, "events")
    assert dict(zip(table["activities"], table["cases"], strict=True)) == pm4py.get_variants(pm4py_frame, **KEYS)
    durations = {case: pm4py.get_case_duration(pm4py_frame, case, **KEYS) / 3600
                 for case in pm4py_frame["case_id"].unique()}
    by_case = pm4py_frame.groupby("case_id", sort=False)["activity"].agg(tuple)
    expected = pd.Series(durations).groupby(by_case).median()
    for activities, hours in zip(table["activities"], table["median_throughput_hours"], strict=True):
        assert math.isclose(hours, expected[activities], rel_tol=1e-12, abs_tol=1e-9)

    filtered = EventFilter(equals={"payer_id": "Medicaid"}, case_start_from=date(2024, 4, 1))
    medicaid = events_frame(con, "events", filters=filtered)
    kept = frame.groupby("case_id").filter(
        lambda case: (case["payer_id"] == "Medicaid").any() and case["event_at"].min() >= datetime(2024, 4, 1))
    assert set(medicaid["case_id"]) == set(kept["case_id"]) and len(medicaid) == len(kept)
    frequency, _, _ = pm4py.discover_dfg(medicaid.copy(), **KEYS)
    performance, _, _ = pm4py.discover_performance_dfg(medicaid.copy(), **KEYS)
    pd.testing.assert_frame_equal(directly_follows(con, "events", filtered)[DFG_COLUMNS[:5]],
                                  from_pm4py(frequency, performance)[DFG_COLUMNS[:5]], check_dtype=False, rtol=1e-12)


# ----------------------------------------------------------------------------- the prepared pairs


def test_prepared_pairs_of_the_hand_made_log(con) -> None:
    prepared = prepare_pairs(con, "events", "pairs")
    # one row per event (4 + 4 + 4 + 3 + 4 = 19) as a source; the 5 case ends have no target, so 14 edges
    # (the DFG's 4 + 3 + 3 + 2 + 1 + 1); A..D coded 0..3 by name
    assert con.execute("select count(*), count(target) from pairs").fetchone() == (19, 14)
    assert con.execute("select list(activity order by code) from pairs_activities").fetchone() == (["A", "B", "C", "D"],)
    mapped = process_map(con, "events", prepared=prepared)
    assert_rows_close(rows(mapped.dfg), EXPECTED_DFG)
    assert rows(mapped.start_end) == [("start", "A", 5, 1.0), ("end", "D", 5, 1.0)]
    medicaid = process_map(con, "events", EventFilter(equals={"payer_id": "Medicaid"}), prepared=prepared)
    assert_rows_close(rows(medicaid.dfg), [
        ("B", "D", 2, 2.75, 2.75, 4.55), ("A", "B", 1, 5.0, 5.0, 5.0), ("A", "C", 1, 2.0, 2.0, 2.0),
        ("C", "B", 1, 0.0, 0.0, 0.0)])


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("filters", [
    EventFilter(),
    EventFilter(equals={"payer_id": "Medicaid"}, case_start_from=date(2024, 4, 1)),
    EventFilter(equals={"payer_id": ["Aetna", "Medicare"]}, case_start_to=date(2024, 9, 30)),
    EventFilter(equals={"payer_id": "Cigna"}),
])
def test_prepared_pairs_give_the_same_map_as_the_window_pass(seed: int, filters: EventFilter) -> None:
    con = warehouse(random_log(seed), seed)
    prepared = prepare_pairs(con, "events", "main.pairs")
    window, stored = process_map(con, "events", filters), process_map(con, "events", filters, prepared=prepared)
    pd.testing.assert_frame_equal(stored.dfg, window.dfg)
    pd.testing.assert_frame_equal(stored.start_end, window.start_end)


def test_prepared_pairs_follow_interval_events() -> None:
    base = datetime(2024, 5, 1)
    frame = pd.DataFrame(
        [(0, "i1", "X", base, base + timedelta(hours=2)), (1, "i1", "Y", base + timedelta(hours=1),
                                                           base + timedelta(hours=3))],
        columns=["event_order", "case_id", "activity", "start_timestamp", "event_at"])
    con = warehouse(frame)
    prepared = prepare_pairs(con, "events", "pairs")
    assert_rows_close(rows(process_map(con, "events", prepared=prepared).dfg), [("X", "Y", 1, -1.0, -1.0, -1.0)])


def test_prepared_pairs_belong_to_their_log(con) -> None:
    prepared = prepare_pairs(con, "events", "pairs")
    con.execute("create view other as select * from events")
    with pytest.raises(ValueError, match="pairs are events's, not other's"):
        process_map(con, "other", prepared=prepared)
    with pytest.raises(ValueError, match="not a table or view name"):
        prepare_pairs(con, "events", "pairs; drop table events")


# ----------------------------------------------------------------------------- discovery and fitness


def test_inductive_miner_on_the_variant_collapsed_hand_made_log(con) -> None:
    # Variants ABCD, ABD, ACBD: A first, D last, B and C in either order, C may be skipped.
    model = discover_process_model(con, "events")
    assert model.tree == "->( 'A', +( X( tau, 'C' ), 'B' ), 'D' )"  # pm4py's canonical order of children
    assert model.tree == str(pm4py.discover_process_tree_inductive(events_frame(con, "events"), **KEYS))
    visible = model.transitions[~model.transitions["is_silent"]]
    assert sorted(visible["label"]) == ["A", "B", "C", "D"] == sorted(visible["transition"])
    assert model.places["initial_tokens"].sum() == 1 and model.places["final_tokens"].sum() == 1
    nodes = set(model.places["place"]) | set(model.transitions["transition"])
    assert set(model.arcs["source"]) | set(model.arcs["target"]) <= nodes
    assert len(nodes) == len(model.places) + len(model.transitions)  # ids are unique
    assert set(model.bpmn_nodes.loc[model.bpmn_nodes["kind"] == "Task", "name"]) == {"A", "B", "C", "D"}
    flows_ends = set(model.bpmn_flows["source"]) | set(model.bpmn_flows["target"])
    assert flows_ends <= set(model.bpmn_nodes["node"])
    again = discover_process_model(con, "events")
    pd.testing.assert_frame_equal(model.arcs, again.arcs)  # stable ids, run after run


@pytest.mark.parametrize("noise", [0.0, 0.2])
def test_inductive_miner_equals_pm4py_on_the_whole_random_log(noise: float) -> None:
    con = warehouse(random_log(5, cases=150, activities=6))
    counts = variant_counts(variants(con, "events", money=[]))
    expected = pm4py.discover_process_tree_inductive(events_frame(con, "events"), noise_threshold=noise, **KEYS)
    assert discover_inductive(counts, noise).tree == str(expected)


def sequence_net():
    """A hand-drawn net: source -> A -> p1 -> B -> p2 -> C -> sink."""
    from pm4py.objects.petri_net.obj import Marking, PetriNet
    from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

    net = PetriNet("sequence")
    places = [PetriNet.Place(name) for name in ("source", "p1", "p2", "sink")]
    transitions = [PetriNet.Transition(f"t_{label}", label) for label in ("A", "B", "C")]
    for place in places:
        net.places.add(place)
    for transition in transitions:
        net.transitions.add(transition)
    for before, transition, after in zip(places, transitions, places[1:], strict=False):
        add_arc_from_to(before, transition, net)
        add_arc_from_to(transition, after, net)
    return net, Marking({places[0]: 1}), Marking({places[-1]: 1})


def test_token_based_fitness_by_hand() -> None:
    # <A, B, C> x 2 replays perfectly: produced 1 (initial) + 3, consumed 3 + 1 (final), nothing missing.
    # <A, C>: A consumes source's token and marks p1; C finds p2 empty (1 missing), marks sink; the final
    # marking consumes sink's token; p1's token remains. p = 1 + 1 + 1 = 3, c = 1 + 1 + 1 = 3, m = 1, r = 1:
    # trace fitness 0.5 (1 - 1/3) + 0.5 (1 - 1/3) = 2/3.
    # Log: m = 1, c = 4 + 4 + 3 = 11, r = 1, p = 11: 0.5 (1 - 1/11) + 0.5 (1 - 1/11) = 10/11.
    net, initial, final = sequence_net()
    result = fitness({("A", "B", "C"): 2, ("A", "C"): 1}, net, initial, final, "token_based")
    assert math.isclose(result.log_fitness, 10 / 11)
    assert math.isclose(result.average_trace_fitness, (1 + 1 + 2 / 3) / 3)
    assert math.isclose(result.percentage_of_fitting_traces, 200 / 3)
    assert rows(result.per_variant[["cases", "is_fit"]]) == [(2, True), (1, False)]
    assert math.isclose(result.per_variant["trace_fitness"].iloc[1], 2 / 3)


def test_alignment_fitness_by_hand() -> None:
    # pm4py's standard costs: a log or model move on a visible activity costs 10000, a synchronous move 0.
    # <A, C>: one model move (B): cost 10000. Best worst cost = the trace's length in log moves plus the
    # shortest model run in model moves: (2 + 3) x 10000 for <A, C>, (3 + 3) x 10000 for <A, B, C>.
    # trace fitness 1 - 10000/50000 = 0.8; log fitness 1 - 10000 / (60000 + 60000 + 50000) = 16/17.
    net, initial, final = sequence_net()
    result = fitness({("A", "B", "C"): 2, ("A", "C"): 1}, net, initial, final, "alignments")
    assert math.isclose(result.log_fitness, 16 / 17)
    assert math.isclose(result.average_trace_fitness, (1 + 1 + 0.8) / 3)
    assert math.isclose(result.percentage_of_fitting_traces, 200 / 3)


@pytest.mark.parametrize("method", ["token_based", "alignments"])
def test_weighted_variant_fitness_equals_pm4py_on_every_case(method: str) -> None:
    con = warehouse(random_log(7, cases=120, activities=5))
    counts = variant_counts(variants(con, "events", money=[]))
    model = discover_inductive(counts, noise_threshold=0.3)  # a model that does not fit every case
    frame = events_frame(con, "events")
    args = (frame, model.net, model.initial_marking, model.final_marking)
    expected = (pm4py.fitness_token_based_replay(*args, **KEYS) if method == "token_based"
                else pm4py.fitness_alignments(*args, multi_processing=False, **KEYS))
    result = fitness(counts, model.net, model.initial_marking, model.final_marking, method)
    assert result.log_fitness < 1
    assert math.isclose(result.log_fitness, expected["log_fitness"], rel_tol=1e-12)
    assert math.isclose(result.average_trace_fitness, expected["average_trace_fitness"], rel_tol=1e-12)
    assert math.isclose(result.percentage_of_fitting_traces, expected["percentage_of_fitting_traces"], rel_tol=1e-12)


def test_fitness_rejects_an_unknown_method() -> None:
    net, initial, final = sequence_net()
    with pytest.raises(ValueError, match="unknown fitness method"):
        fitness({("A",): 1}, net, initial, final, "guess")  # type: ignore[arg-type]
