"""Bottlenecks: the directly-follows edges and the activities where a log's waiting time goes, computed in the
warehouse (`bottlenecks.sql`).

An edge's time is the process map's (`mining.dfg`): from the source event's timestamp to the next event's
start (its timestamp for instant events), in the order of `mining.schema`; so `total_hours / frequency` of an
edge is the process map's `mean_hours`, and its median and p90 are the process map's too. Ranking by the
total, not the mean, puts first the waits that cost the most in all: a slow edge that few cases take ranks
below a moderate one that every case takes.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from mining.events import NO_FILTER, EventFilter, events_query
from mining.schema import EVENT_LOG, EventLogSchema

EDGE_COLUMNS = ["source", "target", "frequency", "cases", "total_hours", "share", "mean_hours", "median_hours",
                "p90_hours"]
ACTIVITY_COLUMNS = ["activity", "frequency", "cases", "total_hours", "share", "mean_hours", "median_hours",
                    "p90_hours"]


@dataclass(frozen=True)
class Bottlenecks:
    """edges: one row per directly-follows edge (EDGE_COLUMNS); activities: one row per activity that some edge
    leads to (ACTIVITY_COLUMNS), the waiting time before it. Both largest total first.

    - `frequency`: the edge's occurrences (for an activity: its events that are not the first of their case).
    - `cases`: the cases in which it occurs at least once.
    - `total_hours`: the sum of its times; `share`: that sum over the sum of every edge's time in the (filtered)
      log (NaN when that is 0); an activity's shares add up to 1 like the edges'.
    - `mean_hours` (= total_hours / frequency), `median_hours`, `p90_hours` (linear interpolation).
    """

    edges: pd.DataFrame
    activities: pd.DataFrame


def bottlenecks(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    filters: EventFilter = NO_FILTER,
    schema: EventLogSchema = EVENT_LOG,
) -> Bottlenecks:
    """The edges and activities of an event log ranked by the total time spent waiting on them, in one query."""
    query = events_query(con, events_relation, schema, filters)
    table = con.execute(query.render("bottlenecks.sql"), query.parameters).df()
    table = table.astype({"frequency": "int64", "cases": "int64", "share": "float64"})
    is_edge = table["kind"] == "edge"
    edges = table.loc[is_edge, EDGE_COLUMNS].reset_index(drop=True)
    activities = (table.loc[~is_edge, ["target", *ACTIVITY_COLUMNS[1:]]]
                  .rename(columns={"target": "activity"}).reset_index(drop=True))
    return Bottlenecks(edges, activities)
