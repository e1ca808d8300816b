"""Two segments side by side (mining.compare): exact figures on a hand-made claim log worked out by hand."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from mining.bottlenecks import bottlenecks
from mining.compare import EDGE_COLUMNS, Marker, compare_segments, first_pass_denial
from mining.events import EventFilter

# Seven claims of two payers, times in hours after the session (2024-04-01 10:00). SH session held, CS claim
# submitted, paid / denied / reversed / resub: adjudicated: paid, adjudicated: denied, adjudication reversed,
# claim resubmitted.
#
#   case  payer     events (hours)                                       throughput  first adjudication
#   a1    Aetna     SH 0, CS 24, paid 360                                360         paid
#   a2    Aetna     SH 0, CS 48, denied 288, resub 300, paid 540         540         denied
#   a3    Aetna     SH 0, CS 24, paid 360                                360         paid
#   m1    Medicaid  SH 0, CS 72, denied 672                              672         denied
#   m2    Medicaid  SH 0, CS 24, paid 504                                504         paid
#   m3    Medicaid  SH 0, CS 24, paid 264, reversed 400, denied 400      400         paid (a later denial is
#                   (reversed recorded before denied: event_order)                   not a first-pass one)
#   m4    Medicaid  SH 0, CS 24                                          24          none yet
#
# Aetna: 3 cases, 3 + 5 + 3 = 11 events, 2 variants (a1 = a3), top variant 2/3; throughput [360, 360, 540]:
#   median 360, p90 at 0.9 * 2 = 1.8: 360 + 0.8 * 180 = 504; first-pass denials a2: 1, share 1/3, rate 1/3
#   (all 3 adjudicated)
# Medicaid: 4 cases, 3 + 3 + 5 + 2 = 13 events, 4 variants, top 1/4; throughput [24, 400, 504, 672]:
#   median (400 + 504) / 2 = 452, p90 at 2.7: 504 + 0.7 * 168 = 621.6; first-pass denials m1: 1, share 1/4,
#   rate 1/3 (m4 has no adjudication)
SH, CS, PAID, DENIED, REVERSED, RESUB = ("session held", "claim submitted", "adjudicated: paid",
                                        "adjudicated: denied", "adjudication reversed", "claim resubmitted")
CASES = {
    "a1": ("Aetna", [(SH, 0), (CS, 24), (PAID, 360)]),
    "a2": ("Aetna", [(SH, 0), (CS, 48), (DENIED, 288), (RESUB, 300), (PAID, 540)]),
    "a3": ("Aetna", [(SH, 0), (CS, 24), (PAID, 360)]),
    "m1": ("Medicaid", [(SH, 0), (CS, 72), (DENIED, 672)]),
    "m2": ("Medicaid", [(SH, 0), (CS, 24), (PAID, 504)]),
    "m3": ("Medicaid", [(SH, 0), (CS, 24), (PAID, 264), (REVERSED, 400), (DENIED, 400)]),
    "m4": ("Medicaid", [(SH, 0), (CS, 24)]),
}
START = datetime(2024, 4, 1, 10)
AETNA, MEDICAID = EventFilter(equals={"payer_id": "Aetna"}), EventFilter(equals={"payer_id": "Medicaid"})

# Edges (hours):
#   Aetna:    SH->CS [24, 48, 24] 3 of 3 cases, median 24; CS->paid [336, 336] 2/3, 336; CS->denied [240] 1/3;
#             denied->resub [12]; resub->paid [240]
#   Medicaid: SH->CS [72, 24, 24, 24] 4 of 4, median 24; CS->paid [480, 240] 2/4, median 360; CS->denied [600]
#             1/4; paid->reversed [136]; reversed->denied [0]
# With min_frequency 2 (and the default min_case_share 1%), frequent in both: CS->paid (2, 2; median 360 - 336 = +24) before SH->CS (3, 4; +0);
# then by frequency in all: CS->denied (1 + 1), then the single ones by source.
EXPECTED_EDGES = [  # source, target, freq a, b, diff, case share a, b, diff, median a, b, diff, frequent in both
    (CS, PAID, 2, 2, 0, 2 / 3, 0.5, 0.5 - 2 / 3, 336.0, 360.0, 24.0, True),
    (SH, CS, 3, 4, 1, 1.0, 1.0, 0.0, 24.0, 24.0, 0.0, True),
    (CS, DENIED, 1, 1, 0, 1 / 3, 0.25, 0.25 - 1 / 3, 240.0, 600.0, 360.0, False),
    (DENIED, RESUB, 1, 0, -1, 1 / 3, 0.0, -1 / 3, 12.0, math.nan, math.nan, False),
    (PAID, REVERSED, 0, 1, 1, 0.0, 0.25, 0.25, math.nan, 136.0, math.nan, False),
    (REVERSED, DENIED, 0, 1, 1, 0.0, 0.25, 0.25, math.nan, 0.0, math.nan, False),
    (RESUB, PAID, 1, 0, -1, 1 / 3, 0.0, -1 / 3, 240.0, math.nan, math.nan, False),
]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    rows = [(case, activity, START + timedelta(hours=hours), payer)
            for case, (payer, events) in CASES.items() for activity, hours in events]
    frame = pd.DataFrame(rows, columns=["case_id", "activity", "event_at", "payer_id"])
    frame.insert(0, "event_order", np.arange(len(frame)))
    connection = duckdb.connect()
    connection.register("frame", frame.sample(frac=1.0, random_state=3))  # a warehouse table has no row order
    connection.execute("create table events as select * from frame")
    connection.unregister("frame")
    return connection


def same(got: object, want: object) -> bool:
    if isinstance(want, float):
        return (math.isnan(want) and math.isnan(got)) or math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)
    return got == want


def assert_rows(frame: pd.DataFrame, expected: list[tuple]) -> None:
    actual = [tuple(row) for row in frame.itertuples(index=False)]
    assert len(actual) == len(expected), actual
    for got, want in zip(actual, expected, strict=True):
        assert len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True)), (got, want)


def test_summary_of_two_payers(con) -> None:
    summary, _ = compare_segments(con, "events", AETNA, MEDICAID, labels=("Aetna", "Medicaid"))
    assert list(summary.columns) == [
        "segment", "cases", "events", "variants", "median_throughput_hours", "p90_throughput_hours",
        "top_variant_share", "first_pass_denial_cases", "first_pass_denial_share", "first_pass_denial_rate"]
    assert_rows(summary, [
        ("Aetna", 3, 11, 2, 360.0, 504.0, 2 / 3, 1, 1 / 3, 1 / 3),
        ("Medicaid", 4, 13, 4, 452.0, 621.6, 0.25, 1, 0.25, 1 / 3),
    ])


def test_edges_side_by_side(con) -> None:
    _, edges = compare_segments(con, "events", AETNA, MEDICAID, min_frequency=2)
    assert list(edges.columns) == EDGE_COLUMNS
    assert_rows(edges, EXPECTED_EDGES)


def test_edges_are_each_segments_own(con) -> None:
    # each side is that segment's edges alone (the process map's numbers, through mining.bottlenecks)
    _, edges = compare_segments(con, "events", AETNA, MEDICAID)
    for side, filters in (("a", AETNA), ("b", MEDICAID)):
        own = bottlenecks(con, "events", filters).edges.set_index(["source", "target"])
        present = edges[edges[f"frequency_{side}"] > 0].set_index(["source", "target"])
        assert set(present.index) == set(own.index)
        assert (present[f"frequency_{side}"] == own.loc[present.index, "frequency"]).all()
        assert (present[f"median_hours_{side}"] == own.loc[present.index, "median_hours"]).all()


def test_frequent_in_both_needs_both_thresholds(con) -> None:
    # No edge occurs 5 times in each payer: all by frequency in all (SH->CS 7, CS->paid 4, CS->denied 2, ...)
    _, edges = compare_segments(con, "events", AETNA, MEDICAID)
    assert not edges["frequent_in_both"].any()
    assert [(s, t) for s, t in zip(edges["source"], edges["target"], strict=True)][:3] == [
        (SH, CS), (CS, PAID), (CS, DENIED)]
    # Twice in each, but CS->paid is in 1/2 of Medicaid's cases and 2/3 of Aetna's: below a 60% case share
    _, edges = compare_segments(con, "events", AETNA, MEDICAID, min_frequency=2, min_case_share=0.6)
    assert list(edges.loc[edges["frequent_in_both"], "target"]) == [CS]


def test_a_marker_for_containing_an_activity(con) -> None:
    # resubmitted claims: a2 in Aetna (1 of 3), none in Medicaid; no `among`: no rate
    marker = Marker("resubmitted", RESUB)
    summary, _ = compare_segments(con, "events", AETNA, MEDICAID, marker=marker)
    assert list(summary["segment"]) == ["A", "B"]
    assert list(summary["resubmitted_cases"]) == [1, 0]
    assert list(summary["resubmitted_share"]) == [1 / 3, 0.0]
    assert summary["resubmitted_rate"].isna().all()


def test_first_pass_denial_is_the_first_adjudication() -> None:
    marker = first_pass_denial()
    assert marker.activity == "adjudicated: denied"
    assert set(marker.among) == {"adjudicated: paid", "adjudicated: partially paid",
                                 "adjudicated: patient responsibility", "adjudicated: denied",
                                 "adjudication reversed"}


def test_an_empty_segment(con) -> None:
    summary, edges = compare_segments(con, "events", AETNA, EventFilter(equals={"payer_id": "Cigna"}))
    assert_rows(summary.iloc[[1]], [("B", 0, 0, 0, math.nan, math.nan, math.nan, 0, math.nan, math.nan)])
    assert (edges["frequency_b"] == 0).all() and edges["median_hours_b"].isna().all()
    assert len(edges) == 5  # Aetna's edges


def test_labels_are_two(con) -> None:
    with pytest.raises(ValueError, match="two labels"):
        compare_segments(con, "events", AETNA, MEDICAID, labels=("Aetna",))
