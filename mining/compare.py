"""Two segments of a log side by side (clinician against clinician, payer against payer, one quarter against
the next): their size, variants, throughput and a marker share such as the first-pass denial share, and every
directly-follows edge with its frequency, case share and median time in each (`compare.sql` for the summary;
the edges are `mining.bottlenecks`', whose times are the process map's, run once per segment).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from mining.bottlenecks import bottlenecks
from mining.events import EventFilter, events_query
from mining.schema import EVENT_LOG, EventLogSchema

# An edge is "frequent in both" when it occurs at least MIN_FREQUENCY times and in at least MIN_CASE_SHARE of the
# cases of each segment: a median of a handful of times, or of a path almost no case takes, is noise to rank by.
MIN_FREQUENCY = 5
MIN_CASE_SHARE = 0.01

EDGE_COLUMNS = ["source", "target", "frequency_a", "frequency_b", "frequency_diff", "case_share_a", "case_share_b",
                "case_share_diff", "median_hours_a", "median_hours_b", "median_hours_diff", "frequent_in_both"]


@dataclass(frozen=True)
class Marker:
    """The cases marked by an activity: those whose first event among `activity` and `among` is `activity` (with
    `among` empty: those that have `activity`). Reported as `<name>_cases`, `<name>_share` (of all cases) and
    `<name>_rate` (of the cases that have `activity` or one of `among`; NaN when `among` is empty)."""

    name: str
    activity: str
    among: tuple[str, ...] = ()


def first_pass_denial(schema: EventLogSchema = EVENT_LOG) -> Marker:
    """kpis.md's denied on first pass: the case's first adjudication is a denial. Its rate is the initial denial
    rate, over the cases with an adjudication (kpis.md leaves out a case whose only one is a reversal)."""
    return Marker("first_pass_denial", schema.denial, schema.adjudications)


def segment_summary(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    filters: EventFilter,
    schema: EventLogSchema = EVENT_LOG,
    marker: Marker | None = None,
) -> dict[str, object]:
    """One segment's figures (see `compare_segments`), as a dict."""
    marker = marker or first_pass_denial(schema)
    query = events_query(con, events_relation, schema, filters)
    parameters = list(query.parameters)
    if marker.among:
        activities = (marker.activity, *marker.among)
        listed = ", ".join("?" * len(activities))
        marked = f"first(activity order by {query.order_by}) filter (where activity in ({listed})) = ?"
        reached = f"bool_or(activity in ({listed}))"
        parameters.extend([*activities, marker.activity, *activities])
    else:
        marked, reached = "bool_or(activity = ?)", "null::boolean"
        parameters.append(marker.activity)
    sql = query.render("compare.sql", marked=marked, reached=reached)
    row = con.execute(sql, parameters).df().iloc[0].to_dict()
    names = {"marked_cases": f"{marker.name}_cases", "marked_share": f"{marker.name}_share",
             "marked_rate": f"{marker.name}_rate"}
    return {names.get(key, key): value for key, value in row.items()}


def compare_segments(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    a: EventFilter,
    b: EventFilter,
    labels: tuple[str, str] = ("A", "B"),
    schema: EventLogSchema = EVENT_LOG,
    marker: Marker | None = None,
    min_frequency: int = MIN_FREQUENCY,
    min_case_share: float = MIN_CASE_SHARE,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, edges) of segments `a` and `b` of an event log.

    summary: one row per segment, `a` first: `segment` (its label), `cases`, `events`, `variants`,
    `median_throughput_hours`, `p90_throughput_hours` (over its cases: last event's timestamp minus the
    first's), `top_variant_share` (the share of its cases that follow its most frequent variant), and the
    marker's `<name>_cases`, `<name>_share`, `<name>_rate` (see `Marker`; by default `first_pass_denial`).

    edges: one row per directly-follows edge of either segment (EDGE_COLUMNS): `frequency_a`/`_b` (0 where
    absent), `case_share_a`/`_b` (the share of the segment's cases in which the edge occurs), `median_hours_a`
    /`_b` (NaN where absent), each `_diff` = b minus a, and `frequent_in_both` (at least `min_frequency`
    occurrences and a case share of at least `min_case_share` in each). The edges frequent in both come first, by
    the largest absolute difference in median hours; then the others, most frequent in all first.
    """
    if len(labels) != 2:
        raise ValueError(f"two labels, one per segment, not {labels!r}")
    marker = marker or first_pass_denial(schema)
    sides = []
    summary_rows = []
    for label, filters in zip(labels, (a, b), strict=True):
        summary = segment_summary(con, events_relation, filters, schema, marker)
        summary_rows.append({"segment": label, **summary})
        edges = bottlenecks(con, events_relation, filters, schema).edges
        cases = int(summary["cases"])
        sides.append(edges.assign(case_share=edges["cases"] / cases if cases else np.nan)
                     [["source", "target", "frequency", "case_share", "median_hours"]])

    counts = ("cases", "events", "variants", f"{marker.name}_cases")
    summary = pd.DataFrame(summary_rows).astype(dict.fromkeys(counts, "int64"))
    edges = sides[0].merge(sides[1], on=["source", "target"], how="outer", suffixes=("_a", "_b"))
    for column in ("frequency_a", "frequency_b"):
        edges[column] = edges[column].fillna(0).astype("int64")
    for column in ("case_share_a", "case_share_b"):
        edges[column] = edges[column].fillna(0.0).astype("float64")
    for name in ("frequency", "case_share", "median_hours"):
        edges[f"{name}_diff"] = edges[f"{name}_b"] - edges[f"{name}_a"]
    edges["frequent_in_both"] = ((edges[["frequency_a", "frequency_b"]] >= min_frequency).all(axis=1)
                                 & (edges[["case_share_a", "case_share_b"]] >= min_case_share).all(axis=1))
    order = edges.assign(_gap=edges["median_hours_diff"].abs().where(edges["frequent_in_both"]),
                         _frequency=edges["frequency_a"] + edges["frequency_b"])
    order = order.sort_values(["frequent_in_both", "_gap", "_frequency", "source", "target"],
                              ascending=[False, False, False, True, True], kind="stable", na_position="last")
    return summary, edges.loc[order.index, EDGE_COLUMNS].reset_index(drop=True)
