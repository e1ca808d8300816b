"""The process map: the directly-follows graph with frequency and performance, and the start and end
activities, computed in the warehouse in one pass (DuckDB SQL with a window function:
`process_map.sql`).

The numbers are pm4py's (`pm4py.discover_dfg`, `pm4py.discover_performance_dfg`) on the same log:
same order of events within a case (see `mining.schema`), same edge times (next event's start minus
this event's timestamp), same aggregations (pandas' mean and median), in hours instead of seconds;
`p90_hours` is the linear-interpolation 90th percentile, which pm4py does not offer.
`from_pm4py` and `start_end_from_pm4py` turn pm4py's dictionaries into the same tables, for checking
one against the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from mining.events import NO_FILTER, EventFilter, events_query
from mining.schema import EVENT_LOG, EventLogSchema

DFG_COLUMNS = ["source", "target", "frequency", "mean_hours", "median_hours", "p90_hours"]
START_END_COLUMNS = ["kind", "activity", "cases", "share"]
SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class ProcessMap:
    """dfg: one row per directly-follows edge (DFG_COLUMNS), most frequent first; start_end: one row per
    (kind, activity), kind 'start' or 'end', with the cases that activity starts or ends and their share."""

    dfg: pd.DataFrame
    start_end: pd.DataFrame


def process_map(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    filters: EventFilter = NO_FILTER,
    schema: EventLogSchema = EVENT_LOG,
) -> ProcessMap:
    """The directly-follows graph and the start and end activities of an event log, in one query."""
    query = events_query(con, events_relation, schema, filters)
    table = con.execute(query.render("process_map.sql"), query.parameters).df()
    is_edge = table["kind"] == "edge"
    dfg = table.loc[is_edge, DFG_COLUMNS].reset_index(drop=True)
    start_end = (table.loc[~is_edge, ["kind", "source", "frequency", "share"]]
                 .set_axis(START_END_COLUMNS, axis=1).reset_index(drop=True))
    return ProcessMap(dfg, start_end.astype({"cases": "int64", "share": "float64"}))


def directly_follows(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    filters: EventFilter = NO_FILTER,
    schema: EventLogSchema = EVENT_LOG,
) -> pd.DataFrame:
    """One row per directly-follows edge: source, target, frequency, mean_hours, median_hours, p90_hours;
    most frequent first."""
    return process_map(con, events_relation, filters, schema).dfg


def start_end_activities(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    filters: EventFilter = NO_FILTER,
    schema: EventLogSchema = EVENT_LOG,
) -> pd.DataFrame:
    """One row per (kind, activity), kind 'start' or 'end': the cases that activity starts or ends, and
    their share of all cases."""
    return process_map(con, events_relation, filters, schema).start_end


def from_pm4py(
    frequency: Mapping[tuple[str, str], int],
    performance: Mapping[tuple[str, str], Mapping[str, float]],
    raw_values: Mapping[tuple[str, str], list[float]] | None = None,
) -> pd.DataFrame:
    """pm4py's directly-follows graph as `directly_follows` returns it.

    `frequency` is `pm4py.discover_dfg(...)[0]`; `performance` is
    `pm4py.discover_performance_dfg(...)[0]` (seconds, with 'mean' and 'median'); `raw_values`, if
    given, is the same with `perf_aggregation_key="raw_values"`, from which `p90_hours` is computed
    (numpy's linear quantile); without it `p90_hours` is NaN.
    """
    rows = []
    for (source, target), count in frequency.items():
        stats = performance[(source, target)]
        p90 = np.nan
        if raw_values is not None:
            p90 = float(np.quantile(np.asarray(raw_values[(source, target)], dtype=float), 0.9)) / SECONDS_PER_HOUR
        rows.append((source, target, int(count), stats["mean"] / SECONDS_PER_HOUR,
                     stats["median"] / SECONDS_PER_HOUR, p90))
    frame = pd.DataFrame(rows, columns=DFG_COLUMNS)
    frame = frame.sort_values(["frequency", "source", "target"], ascending=[False, True, True], kind="stable")
    return frame.reset_index(drop=True)


def start_end_from_pm4py(start: Mapping[str, int], end: Mapping[str, int]) -> pd.DataFrame:
    """pm4py's start and end activities (`pm4py.discover_dfg(...)[1:]`) as `start_end_activities` returns them."""
    cases = sum(start.values())
    rows = [(kind, activity, int(n), n / cases) for kind, counts in (("start", start), ("end", end))
            for activity, n in counts.items()]
    frame = pd.DataFrame(rows, columns=START_END_COLUMNS)
    order = frame.assign(_kind=frame["kind"] == "end")
    order = order.sort_values(["_kind", "cases", "activity"], ascending=[True, False, True], kind="stable")
    return frame.loc[order.index].reset_index(drop=True)
