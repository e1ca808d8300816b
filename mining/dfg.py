"""The process map: the directly-follows graph with frequency and performance, and the start and end
activities, computed in the warehouse (DuckDB SQL: `process_map.sql`).

The expensive part is the window pass that pairs every event with the next one of its case. It runs
either with each query (`pairs_window.sql`), or once per build into a table (`prepare_pairs`, as
`prepare_pairs.sql`: activities as integer codes), from which every later process map, filtered or
not, is one aggregation (`pairs_prepared.sql`). The two give identical maps; the prepared table is what
makes a dashboard's map answer at click speed (docs/benchmarks.md).

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

from mining.events import NO_FILTER, EventFilter, case_filter_sql, check_relation, events_query, sql_file
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


@dataclass(frozen=True)
class PreparedPairs:
    """The tables `prepare_pairs` wrote for an event log: its directly-follows pairs and its activity codes."""

    events_relation: str
    pairs_table: str
    activities_table: str


def prepare_pairs(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    pairs_table: str,
    schema: EventLogSchema = EVENT_LOG,
) -> PreparedPairs:
    """Store the directly-follows pairs of the whole event log in `pairs_table` (and its activity codes in
    `<pairs_table>_activities`), replacing them: the window pass done once, so that `process_map` with
    `prepared=` only aggregates. The tables describe the log as it is now: prepare again after it changes."""
    activities_table = check_relation(pairs_table) + "_activities"
    query = events_query(con, events_relation, schema)
    tables = {"pairs_table": pairs_table, "activities_table": activities_table}
    con.execute(query.render("prepare_activities.sql", **tables), query.parameters)
    con.execute(query.render("prepare_pairs.sql", **tables), query.parameters)
    return PreparedPairs(events_relation, pairs_table, activities_table)


def process_map(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    filters: EventFilter = NO_FILTER,
    schema: EventLogSchema = EVENT_LOG,
    prepared: PreparedPairs | None = None,
) -> ProcessMap:
    """The directly-follows graph and the start and end activities of an event log, in one query: over the
    events (a window pass), or over the pairs `prepare_pairs` stored for this same log (`prepared`)."""
    query = events_query(con, events_relation, schema, filters)
    if prepared is None:
        pairs = query.render("pairs_window.sql")
        labels = "    select distinct source as code, source as activity from grouped"
        parameters = query.parameters
    else:
        if prepared.events_relation != events_relation:
            raise ValueError(f"the pairs in {prepared.pairs_table} are {prepared.events_relation}'s, "
                             f"not {events_relation}'s")
        case_filter, parameters = case_filter_sql(events_relation, schema, filters, "case_id", query.intervals)
        pairs = sql_file("pairs_prepared.sql").substitute(pairs_table=prepared.pairs_table, case_filter=case_filter)
        labels = f"    select code, activity from {prepared.activities_table}"
    sql = sql_file("process_map.sql").substitute(pairs=pairs, labels=labels)
    table = con.execute(sql, parameters).df()
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
