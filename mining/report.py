"""All the warehouse analyses of one event log, written as CSV files and a short Markdown report.

`mine_log` runs `process_map` (the directly-follows graph, start and end activities) and `variants`,
all in SQL, on an event log in DuckDB and writes `dfg.csv`, `start_end.csv`, `variants.csv` and
`report.md` into a folder; `lantern mine --xes` uses it on any XES file (`mining.xes`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from mining.dfg import process_map
from mining.events import NO_FILTER, EventFilter, events_query
from mining.schema import EVENT_LOG, EventLogSchema, Money
from mining.variants import variants

FILES = ("dfg.csv", "start_end.csv", "variants.csv", "report.md")


@dataclass(frozen=True)
class Overview:
    events: int
    cases: int
    activities: int
    first_event_at: datetime | None
    last_event_at: datetime | None
    variants: int


@dataclass(frozen=True)
class MinedLog:
    overview: Overview
    dfg: pd.DataFrame
    start_end: pd.DataFrame
    variants: pd.DataFrame
    files: tuple[Path, ...]


def overview(con: duckdb.DuckDBPyConnection, events_relation: str, filters: EventFilter = NO_FILTER,
             schema: EventLogSchema = EVENT_LOG) -> dict[str, object]:
    """Events, cases, activities and the first and last event's time (`overview.sql`)."""
    query = events_query(con, events_relation, schema, filters)
    cursor = con.execute(query.render("overview.sql"), query.parameters)
    names = [column[0] for column in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def mine_log(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    out_dir: Path,
    title: str,
    filters: EventFilter = NO_FILTER,
    schema: EventLogSchema = EVENT_LOG,
    money: Sequence[Money] | None = None,
    top: int = 10,
    stage: Callable[[str], None] = lambda _: None,
) -> MinedLog:
    """Run the analyses on `events_relation` and write FILES into `out_dir` (created if needed)."""
    stage("counting events and cases")
    size = overview(con, events_relation, filters, schema)
    stage("directly-follows graph, start and end activities")
    mapped = process_map(con, events_relation, filters, schema)
    dfg, start_end = mapped.dfg, mapped.start_end
    stage("variants")
    table = variants(con, events_relation, filters, schema, money=money)
    summary = Overview(variants=len(table), **size)

    stage("writing")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = tuple(out_dir / name for name in FILES)
    dfg.to_csv(paths[0], index=False)
    start_end.to_csv(paths[1], index=False)
    table.drop(columns=["activities"]).to_csv(paths[2], index=False)
    paths[3].write_text(render_report(title, summary, dfg, start_end, table, top), encoding="utf-8")
    return MinedLog(summary, dfg, start_end, table, paths)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|")


def _table(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    """A Markdown table of `frame`'s `columns` (column -> heading)."""
    lines = ["| " + " | ".join(columns.values()) + " |",
             "| " + " | ".join("---" for _ in columns) + " |"]
    for row in frame[list(columns)].itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v.item() if hasattr(v, "item") else v) for v in row) + " |")
    return "\n".join(lines)


def _percent(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(share=[f"{100 * s:.1f} %" for s in frame["share"]])


def render_report(title: str, summary: Overview, dfg: pd.DataFrame, start_end: pd.DataFrame,
                  table: pd.DataFrame, top: int = 10) -> str:
    """The Markdown report: size and time span, top variants, start and end activities, top edges by
    frequency and by median duration."""
    span = "none"
    if summary.first_event_at is not None and summary.last_event_at is not None:
        days = (summary.last_event_at - summary.first_event_at).total_seconds() / 86400
        span = f"{summary.first_event_at:%Y-%m-%d %H:%M} to {summary.last_event_at:%Y-%m-%d %H:%M} ({days:,.1f} days)"
    edge_columns = {"source": "from", "target": "to", "frequency": "times", "median_hours": "median h",
                    "mean_hours": "mean h", "p90_hours": "p90 h"}
    slowest = dfg.sort_values(["median_hours", "frequency"], ascending=[False, False], kind="stable")
    parts = [
        f"# Process mining report: {title}",
        "",
        f"- cases: {summary.cases:,}",
        f"- events: {summary.events:,}",
        f"- activities: {summary.activities:,}",
        f"- variants: {summary.variants:,}",
        f"- directly-follows edges: {len(dfg):,}",
        f"- time span: {span}",
        "",
        f"## Top {min(top, len(table))} variants",
        "",
        _table(_percent(table.head(top)), {"variant_rank": "#", "cases": "cases", "share": "share",
                                           "median_throughput_hours": "median throughput h",
                                           "variant": "activities"}),
        "",
        "## Start and end activities",
        "",
        _table(_percent(start_end), {"kind": "", "activity": "activity", "cases": "cases", "share": "share"}),
        "",
        f"## Top {min(top, len(dfg))} edges by frequency",
        "",
        _table(dfg.head(top), edge_columns),
        "",
        f"## Top {min(top, len(dfg))} edges by median duration",
        "",
        _table(slowest.head(top), edge_columns),
        "",
        "Edges: b directly follows a in a case (events ordered by start time, timestamp, then position in "
        "the log, as pm4py orders them); hours from a's timestamp to b's start (b's timestamp for instant "
        "events). p90 is the linear-interpolation 90th percentile. Throughput: last event's timestamp minus "
        "first event's. Files: dfg.csv, start_end.csv, variants.csv.",
        "",
    ]
    return "\n".join(parts)
