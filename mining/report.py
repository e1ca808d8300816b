"""All the warehouse analyses of one event log, written as CSV files and a short Markdown report.

`mine_log` runs, on an event log in DuckDB: `process_map` (the directly-follows graph, start and end
activities), `variants`, `bottlenecks` and `rework`, all in SQL; then pm4py's inductive miner (IMf) on the
variant-collapsed log, with the token-based fitness of the log against the model it found. It writes
FILES into a folder; `lantern mine --xes` uses it on any XES file (`mining.xes`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from mining.bottlenecks import Bottlenecks, bottlenecks
from mining.dfg import process_map
from mining.discovery import Fitness, ProcessModel, discover_inductive, fitness, write_model
from mining.events import NO_FILTER, EventFilter, events_query
from mining.schema import EVENT_LOG, EventLogSchema, Money
from mining.rework import rework
from mining.variants import variant_counts, variants

FILES = ("dfg.csv", "start_end.csv", "variants.csv", "bottlenecks.csv", "rework.csv", "model.pnml", "model.bpmn",
         "report.md")
# IMf's noise threshold for the model of an unknown log: keeps the paths most cases take (pm4py's usual 0.2).
NOISE_THRESHOLD = 0.2


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
    bottlenecks: Bottlenecks
    rework: pd.DataFrame
    model: ProcessModel | None  # None for a log without events
    fitness: Fitness | None
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
    stage("bottlenecks and rework")
    waits = bottlenecks(con, events_relation, filters, schema)
    redone = rework(con, events_relation, filters, schema, money=money)
    model = fit = None
    if len(table):
        stage(f"inductive miner on {len(table):,} variants, and fitness")
        counts = variant_counts(table)
        model = discover_inductive(counts, NOISE_THRESHOLD)
        fit = fitness(counts, model.net, model.initial_marking, model.final_marking, schema=schema)

    stage("writing")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = dict(zip(FILES, (out_dir / name for name in FILES), strict=True))
    dfg.to_csv(paths["dfg.csv"], index=False)
    start_end.to_csv(paths["start_end.csv"], index=False)
    table.drop(columns=["activities"]).to_csv(paths["variants.csv"], index=False)
    waits.edges.to_csv(paths["bottlenecks.csv"], index=False)
    redone.to_csv(paths["rework.csv"], index=False)
    if model is None:
        del paths["model.pnml"], paths["model.bpmn"]
    else:
        write_model(model, paths["model.pnml"], paths["model.bpmn"])
    paths["report.md"].write_text(render_report(title, summary, dfg, start_end, table, top, waits, redone, model, fit),
                                  encoding="utf-8")
    return MinedLog(summary, dfg, start_end, table, waits, redone, model, fit, tuple(paths.values()))


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
                  table: pd.DataFrame, top: int = 10, waits: Bottlenecks | None = None,
                  redone: pd.DataFrame | None = None, model: ProcessModel | None = None,
                  fit: Fitness | None = None) -> str:
    """The Markdown report: size and time span, top variants, start and end activities, top edges by
    frequency and by median duration, the bottlenecks, rework, and the discovered model with its fitness."""
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
        *_analyses_sections(top, waits, redone, model, fit),
        "Edges: b directly follows a in a case (events ordered by start time, timestamp, then position in "
        "the log, as pm4py orders them); hours from a's timestamp to b's start (b's timestamp for instant "
        "events). p90 is the linear-interpolation 90th percentile. Throughput: last event's timestamp minus "
        "first event's. Files: " + ", ".join(name for name in FILES if name != "report.md") + ".",
        "",
    ]
    return "\n".join(parts)


def _analyses_sections(top: int, waits: Bottlenecks | None, redone: pd.DataFrame | None,
                       model: ProcessModel | None, fit: Fitness | None) -> list[str]:
    parts: list[str] = []
    if waits is not None and len(waits.edges):
        parts += [f"## Bottlenecks: top {min(top, len(waits.edges))} edges by total waiting time", "",
                  _table(_percent(waits.edges.head(top)), {"source": "from", "target": "to", "frequency": "times",
                                                           "total_hours": "total h", "share": "share of all waiting",
                                                           "median_hours": "median h"}), ""]
    if redone is not None and len(redone):
        parts += ["## Rework", "",
                  _table(_percent(redone.fillna({"activity": "(any)"})),
                         {"kind": "kind", "activity": "activity", "cases": "cases", "share": "share of cases",
                          "rework_events": "extra events", "throughput_hours_added": "median throughput h added",
                          "staff_cost": "staff cost"}), ""]
    if model is not None and fit is not None:
        parts += [f"## Discovered model (inductive miner, noise threshold {NOISE_THRESHOLD})", "",
                  f"Process tree: `{model.tree}`", "",
                  f"Token-based replay of the log on it: log fitness {fit.log_fitness:.3f}, "
                  f"{fit.percentage_of_fitting_traces:.1f} % of cases fit. Petri net: model.pnml; BPMN: model.bpmn.", ""]
    return parts
