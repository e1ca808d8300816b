"""Bottlenecks (mining.bottlenecks): exact figures on a hand-made log worked out by hand, and the process map's
edge times on a random log."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from mining.bottlenecks import ACTIVITY_COLUMNS, EDGE_COLUMNS, bottlenecks
from mining.dfg import process_map
from mining.events import EventFilter

# Three cases, times in hours after 2024-01-01 00:00; b1 loops back to B.
#
#   case  payer  events (hours)               edges (hours)
#   b1    Q      A 0, B 2, C 3, B 7, D 8      A->B 2, B->C 1, C->B 4, B->D 1
#   b2    P      A 0, B 1, D 11               A->B 1, B->D 10
#   b3    P      A 0, C 4, D 5                A->C 4, C->D 1
#
# Edges: total of all = 2+1+4+1 + 1+10 + 4+1 = 24 h.
#   B->D [1, 10]: total 11, share 11/24, mean 5.5, median 5.5, p90 at 0.9 (n-1) = 0.9: 1 + 0.9 * 9 = 9.1
#   A->C [4] and C->B [4]: total 4 each (share 4/24); equal totals and frequencies: by source
#   A->B [2, 1]: total 3 (3/24), mean 1.5, median 1.5, p90 1 + 0.9 * 1 = 1.9; cases b1, b2
#   B->C [1] and C->D [1]: total 1 each (1/24)
# Activities, over the edges into them:
#   D: B->D [1, 10] + C->D [1] = [1, 1, 10]: 3 edges in 3 cases, total 12 (12/24 = 0.5), mean 4, median 1,
#      p90 at 1.8: 1 + 0.8 * 9 = 8.2
#   B: A->B [2, 1] + C->B [4] = [1, 2, 4]: 3 edges in 2 cases (b1 twice), total 7, mean 7/3, median 2,
#      p90 at 1.8: 2 + 0.8 * 2 = 3.6
#   C: B->C [1] + A->C [4] = [1, 4]: 2 edges in 2 cases, total 5, mean 2.5, median 2.5, p90 1 + 0.9 * 3 = 3.7
CASES = {
    "b1": ("Q", [("A", 0), ("B", 2), ("C", 3), ("B", 7), ("D", 8)]),
    "b2": ("P", [("A", 0), ("B", 1), ("D", 11)]),
    "b3": ("P", [("A", 0), ("C", 4), ("D", 5)]),
}
START = datetime(2024, 1, 1)

EXPECTED_EDGES = [  # source, target, frequency, cases, total, share, mean, median, p90
    ("B", "D", 2, 2, 11.0, 11 / 24, 5.5, 5.5, 9.1),
    ("A", "C", 1, 1, 4.0, 4 / 24, 4.0, 4.0, 4.0),
    ("C", "B", 1, 1, 4.0, 4 / 24, 4.0, 4.0, 4.0),
    ("A", "B", 2, 2, 3.0, 3 / 24, 1.5, 1.5, 1.9),
    ("B", "C", 1, 1, 1.0, 1 / 24, 1.0, 1.0, 1.0),
    ("C", "D", 1, 1, 1.0, 1 / 24, 1.0, 1.0, 1.0),
]
EXPECTED_ACTIVITIES = [  # activity, frequency, cases, total, share, mean, median, p90
    ("D", 3, 3, 12.0, 0.5, 4.0, 1.0, 8.2),
    ("B", 3, 2, 7.0, 7 / 24, 7 / 3, 2.0, 3.6),
    ("C", 2, 2, 5.0, 5 / 24, 2.5, 2.5, 3.7),
]


def table(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    # shuffled: a warehouse table has no row order, only event_order breaks ties
    con.register("frame", frame.sample(frac=1.0, random_state=7))
    con.execute("create table events as select * from frame")
    con.unregister("frame")
    return con


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    rows = [(case, activity, START + timedelta(hours=hours), payer)
            for case, (payer, events) in CASES.items() for activity, hours in events]
    frame = pd.DataFrame(rows, columns=["case_id", "activity", "event_at", "payer_id"])
    frame.insert(0, "event_order", np.arange(len(frame)))
    return table(duckdb.connect(), frame)


def rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in frame.itertuples(index=False)]


def assert_rows_close(actual: list[tuple], expected: list[tuple]) -> None:
    assert len(actual) == len(expected), (actual, expected)
    for got, want in zip(actual, expected, strict=True):
        assert len(got) == len(want), (got, want)
        for g, w in zip(got, want, strict=True):
            if isinstance(w, float):
                assert math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-12), (got, want)
            else:
                assert g == w, (got, want)


def test_bottlenecks_of_the_hand_made_log(con) -> None:
    result = bottlenecks(con, "events")
    assert list(result.edges.columns) == EDGE_COLUMNS
    assert list(result.activities.columns) == ACTIVITY_COLUMNS
    assert_rows_close(rows(result.edges), EXPECTED_EDGES)
    assert_rows_close(rows(result.activities), EXPECTED_ACTIVITIES)


def test_shares_are_of_the_filtered_log(con) -> None:
    # b2 and b3 only: A->B 1, B->D 10, A->C 4, C->D 1 = 16 h in all
    result = bottlenecks(con, "events", EventFilter(equals={"payer_id": "P"}))
    assert_rows_close(rows(result.edges), [
        ("B", "D", 1, 1, 10.0, 10 / 16, 10.0, 10.0, 10.0),
        ("A", "C", 1, 1, 4.0, 4 / 16, 4.0, 4.0, 4.0),
        ("A", "B", 1, 1, 1.0, 1 / 16, 1.0, 1.0, 1.0),
        ("C", "D", 1, 1, 1.0, 1 / 16, 1.0, 1.0, 1.0),
    ])
    # D: B->D 10 + C->D 1 = 11 (11/16), median 5.5, p90 1 + 0.9 * 9 = 9.1; C: 4; B: 1
    assert_rows_close(rows(result.activities), [
        ("D", 2, 2, 11.0, 11 / 16, 5.5, 5.5, 9.1),
        ("C", 1, 1, 4.0, 4 / 16, 4.0, 4.0, 4.0),
        ("B", 1, 1, 1.0, 1 / 16, 1.0, 1.0, 1.0),
    ])


def test_an_empty_selection_gives_empty_tables(con) -> None:
    result = bottlenecks(con, "events", EventFilter(equals={"payer_id": "nobody"}))
    assert result.edges.empty and list(result.edges.columns) == EDGE_COLUMNS
    assert result.activities.empty and list(result.activities.columns) == ACTIVITY_COLUMNS


def test_a_log_without_waiting_time_has_no_shares() -> None:
    # one case, both events at the same instant: one edge of 0 h, 0 of 0 h in all
    frame = pd.DataFrame({"event_order": [0, 1], "case_id": ["z", "z"], "activity": ["A", "B"],
                          "event_at": [START, START]})
    result = bottlenecks(table(duckdb.connect(), frame), "events")
    assert rows(result.edges[["source", "target", "frequency", "total_hours"]]) == [("A", "B", 1, 0.0)]
    assert result.edges["share"].isna().all() and result.activities["share"].isna().all()


def test_interval_events_wait_from_completion_to_the_next_start() -> None:
    # As the process map (pm4py): with start times, the events are ordered by start and an edge's time is
    # the next event's start minus this event's completion.
    #   i1: X [0, 2], Y [1, 3], Z [5, 6]  ->  X->Y 1 - 2 = -1 h, Y->Z 5 - 3 = 2 h
    #   i2: X [0, 1], Z [0.5, 4], Y [4, 4] -> X->Z 0.5 - 1 = -0.5 h, Z->Y 4 - 4 = 0 h
    # All: -1 + 2 - 0.5 + 0 = 0.5 h; Y->Z's share 2 / 0.5 = 4.
    spec = [("i1", "X", 0, 2), ("i1", "Y", 1, 3), ("i1", "Z", 5, 6),
            ("i2", "X", 0, 1), ("i2", "Y", 4, 4), ("i2", "Z", 0.5, 4)]
    frame = pd.DataFrame(
        [(i, case, act, START + timedelta(hours=s), START + timedelta(hours=e))
         for i, (case, act, s, e) in enumerate(spec)],
        columns=["event_order", "case_id", "activity", "start_timestamp", "event_at"],
    )
    result = bottlenecks(table(duckdb.connect(), frame), "events")
    assert_rows_close(rows(result.edges), [
        ("Y", "Z", 1, 1, 2.0, 4.0, 2.0, 2.0, 2.0),
        ("Z", "Y", 1, 1, 0.0, 0.0, 0.0, 0.0, 0.0),
        ("X", "Z", 1, 1, -0.5, -1.0, -0.5, -0.5, -0.5),
        ("X", "Y", 1, 1, -1.0, -2.0, -1.0, -1.0, -1.0),
    ])
    # Z: X->Z -0.5 (i2) + Y->Z 2 (i1) = 1.5 h; Y: X->Y -1 (i1) + Z->Y 0 (i2) = -1 h
    assert rows(result.activities[["activity", "frequency", "cases", "total_hours", "share"]]) == [
        ("Z", 2, 2, 1.5, 3.0), ("Y", 2, 2, -1.0, -2.0)]


def random_log(seed: int, cases: int = 300, activities: int = 7) -> pd.DataFrame:
    """Loops, skips and many equal timestamps (whole hours, some zero gaps)."""
    rng = np.random.default_rng(seed)
    names = [f"act {chr(ord('a') + i)}" for i in range(activities)]
    rows = []
    for case in range(cases):
        clock = datetime(2024, 1, 1) + timedelta(hours=int(rng.integers(0, 24 * 365)))
        for _ in range(int(rng.integers(1, 14))):
            clock += timedelta(hours=int(rng.choice([0, 0, 1, 3, 7, 30, 200])))
            rows.append((f"case-{case:04d}", names[int(rng.integers(0, activities))], clock,
                         str(rng.choice(["P", "Q"]))))
    frame = pd.DataFrame(rows, columns=["case_id", "activity", "event_at", "payer_id"])
    frame.insert(0, "event_order", np.arange(len(frame)))
    return frame


@pytest.mark.parametrize("seed", [1, 2])
def test_edge_times_are_the_process_maps_on_a_random_log(seed: int) -> None:
    frame = random_log(seed)
    assert frame.duplicated(["case_id", "event_at"]).sum() > 100  # ties do occur: event_order breaks them
    con = table(duckdb.connect(), frame)
    for filters in (EventFilter(), EventFilter(equals={"payer_id": "Q"})):
        result = bottlenecks(con, "events", filters)
        dfg = process_map(con, "events", filters).dfg.set_index(["source", "target"])
        edges = result.edges.set_index(["source", "target"])
        assert len(edges) == len(dfg) > 20 and set(edges.index) == set(dfg.index)
        joined = edges.join(dfg.add_suffix("_map"))
        assert (joined["frequency"] == joined["frequency_map"]).all()
        for column in ("mean_hours", "median_hours", "p90_hours"):
            np.testing.assert_allclose(joined[column], joined[f"{column}_map"], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(joined["total_hours"] / joined["frequency"], joined["mean_hours_map"],
                                   rtol=1e-12, atol=1e-12)
        assert math.isclose(edges["share"].sum(), 1.0, rel_tol=1e-12)
        # an activity's waiting time is the sum over the edges into it
        into = edges.groupby(level="target")[["frequency", "total_hours"]].sum()
        activities = result.activities.set_index("activity")
        assert (activities["frequency"] == into.loc[activities.index, "frequency"]).all()
        np.testing.assert_allclose(activities["total_hours"], into.loc[activities.index, "total_hours"], rtol=1e-12)
        assert list(edges["total_hours"]) == sorted(edges["total_hours"], reverse=True)
