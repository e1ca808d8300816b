"""The process explorer's pure parts: the process map as Graphviz DOT text (drawn by the browser through
st.graphviz_chart, since the server has no Graphviz binary), the filters as a `mining.events.EventFilter`, and the
CMS cell-size rule on the variants. Tested in tests/test_dashboards_process.py.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from mining.events import EventFilter

FREQUENCY = "frequency"
PERFORMANCE = "performance"
MODES = (FREQUENCY, PERFORMANCE)

# Edge widths run from MIN_PENWIDTH (the smallest value shown, or no value) to MAX_PENWIDTH (the largest), linearly:
# wide enough to pick out the main path, thin enough that a 16-activity map stays legible.
MIN_PENWIDTH = 1.0
MAX_PENWIDTH = 6.0
# Past two days a wait reads better in days than in hours.
HOURS_IN_HOURS = 48.0
MIN_PATIENTS = 11  # the CMS cell-size rule: groups of fewer patients are never shown as a number

CASE_TYPES = {"claim": "claims", "patient_journey": "patient journeys"}
FILTER_COLUMNS = {"payer": "payer_id", "clinician": "clinician_npi", "modality": "modality"}
FILTER_ARGUMENTS = {"payer": "payers", "clinician": "clinicians", "modality": "modalities"}

FREQUENCY_COLOR = "#2c6fbb"
PERFORMANCE_COLOR = "#c0392b"
# Node fills from light to dark by the activity's share of the busiest activity's events (five steps).
FILLS = ("#f2f7fc", "#dbe9f6", "#bcd6ee", "#94bfe3", "#6aa6d6")

GRAPH_HEADER = (
    "digraph process {\n"
    '  graph [rankdir=TB, fontname="Helvetica", nodesep=0.35, ranksep=0.45];\n'
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, color="#5b7a99"];\n'
    '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];\n'
)
START_END_NODES = (
    '  start [label="start", shape=circle, style=filled, fillcolor="#8fd19e", color="#3c8d50", fontsize=9, '
    "width=0.5, fixedsize=true];\n"
    '  end [label="end", shape=doublecircle, style=filled, fillcolor="#f1a9a0", color="#a93226", fontsize=9, '
    "width=0.45, fixedsize=true];\n"
)


def escape(text: object) -> str:
    """Text for inside a DOT double-quoted string: backslashes and quotes escaped, line breaks as spaces (an
    activity name never needs one, and a raw one would break the label)."""
    return (str(text).replace("\\", "\\\\").replace('"', '\\"')
            .replace("\r\n", " ").replace("\n", " ").replace("\r", " "))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def hours_label(hours) -> str:
    """A duration for a label: '5.2 h' up to two days, '3.1 d' past them, an em dash without one."""
    if _missing(hours):
        return "—"
    hours = float(hours)
    return f"{hours:,.1f} h" if hours < HOURS_IN_HOURS else f"{hours / 24:,.1f} d"


def edges_to_show(dfg: pd.DataFrame, share: float) -> pd.DataFrame:
    """The most frequent `share` of the edges (rounded up, so that any share above 0 shows at least one edge), most
    frequent first, ties by source and target: the slider that keeps a map readable."""
    if not 0 <= share <= 1:
        raise ValueError(f"the share of edges is between 0 and 1, not {share}")
    ordered = dfg.sort_values(["frequency", "source", "target"], ascending=[False, True, True], kind="stable")
    return ordered.head(math.ceil(round(share * len(ordered), 9))).reset_index(drop=True)


def activity_events(dfg: pd.DataFrame, start_end: pd.DataFrame) -> pd.Series:
    """Events per activity, most first (ties by name): every event is followed by another (an outgoing edge) or ends
    its case, so an activity's events are its outgoing edges' frequencies plus the cases it ends."""
    outgoing = dfg.groupby("source")["frequency"].sum()
    ends = start_end[start_end["kind"] == "end"].set_index("activity")["cases"]
    events = outgoing.add(ends, fill_value=0).astype("int64")
    activities = sorted(set(events.index) | set(dfg["target"]) | set(start_end["activity"]))
    events = events.reindex(activities, fill_value=0)
    order = sorted(activities, key=lambda name: (-events[name], name))
    return events[order].rename("events")


def _penwidth(value, largest) -> float:
    if _missing(value) or _missing(largest) or largest <= 0:
        return MIN_PENWIDTH
    return MIN_PENWIDTH + (MAX_PENWIDTH - MIN_PENWIDTH) * max(float(value), 0.0) / float(largest)


def _fill(events: int, busiest: int) -> str:
    if busiest <= 0:
        return FILLS[0]
    return FILLS[min(len(FILLS) - 1, int(len(FILLS) * events / busiest))]


def process_map_dot(
    dfg: pd.DataFrame,
    start_end: pd.DataFrame,
    mode: str = FREQUENCY,
    edge_share: float = 1.0,
    show_start_end: bool = True,
) -> str:
    """The process map as DOT: a node per activity (its events), an edge per directly-follows pair among the most
    frequent `edge_share` of them, labelled and as wide as its frequency (mode 'frequency') or its median hours
    (mode 'performance'); with `show_start_end`, a start and an end node linked to the activities that start and
    end cases (dashed, labelled with those cases in frequency mode).

    `dfg` has process_map's columns (source, target, frequency, median_hours, ...), `start_end` its (kind,
    activity, cases). Nodes are named a0, a1, ... by events (most first), so an activity's name only ever appears
    escaped inside a label."""
    if mode not in MODES:
        raise ValueError(f"mode is one of {', '.join(MODES)}, not {mode!r}")
    events = activity_events(dfg, start_end)
    ids = {activity: f"a{i}" for i, activity in enumerate(events.index)}
    busiest = int(events.max()) if len(events) else 0
    lines = [GRAPH_HEADER]
    if show_start_end:
        lines.append(START_END_NODES)
    for activity, count in events.items():
        lines.append(f'  {ids[activity]} [label="{escape(activity)}\\n{count:,}", '
                     f'fillcolor="{_fill(int(count), busiest)}"];\n')

    shown = edges_to_show(dfg, edge_share)
    value = "frequency" if mode == FREQUENCY else "median_hours"
    largest = shown[value].max() if len(shown) else None
    color = FREQUENCY_COLOR if mode == FREQUENCY else PERFORMANCE_COLOR
    for edge in shown.itertuples(index=False):
        label = f"{int(edge.frequency):,}" if mode == FREQUENCY else hours_label(edge.median_hours)
        width = _penwidth(getattr(edge, value), largest)
        lines.append(f'  {ids[edge.source]} -> {ids[edge.target]} [label="{label}", penwidth={width:.2f}, '
                     f'color="{color}"];\n')

    if show_start_end:
        for kind, activity, cases in start_end[["kind", "activity", "cases"]].itertuples(index=False):
            label = f'label="{int(cases):,}", ' if mode == FREQUENCY else ""
            pair = f"start -> {ids[activity]}" if kind == "start" else f"{ids[activity]} -> end"
            lines.append(f'  {pair} [{label}style=dashed, color="#8c8c8c"];\n')
    lines.append("}\n")
    return "".join(lines)


def filter_arguments(
    case_start: tuple[date, date] | None,
    full_range: tuple[date, date],
    payers=(),
    clinicians=(),
    modalities=(),
) -> dict[str, object]:
    """The page's picks as the loaders' filter arguments (hashable, for the cache): the date range on the case's
    start left open where it is the log's own first or last day (so the whole range is no filter at all), and the
    payers, clinicians and modalities picked as sorted tuples (none picked: all)."""
    start_from, start_to = case_start if case_start is not None and len(case_start) == 2 else (None, None)
    return {
        "case_start_from": None if start_from is None or start_from <= full_range[0] else start_from,
        "case_start_to": None if start_to is None or start_to >= full_range[1] else start_to,
        "payers": tuple(sorted(payers)),
        "clinicians": tuple(sorted(clinicians)),
        "modalities": tuple(sorted(modalities)),
    }


def event_filter(
    case_start_from: date | None = None,
    case_start_to: date | None = None,
    payers=(),
    clinicians=(),
    modalities=(),
) -> EventFilter:
    """The loaders' filter arguments as the cases mining's analyses read: a date range on the case's start (both
    days included), and payers, clinicians and modalities (each: any of those; none: all)."""
    picked = {"payer": payers, "clinician": clinicians, "modality": modalities}
    equals = {FILTER_COLUMNS[name]: tuple(values) for name, values in picked.items() if values}
    return EventFilter(case_start_from=case_start_from, case_start_to=case_start_to, equals=equals)


def is_unfiltered(filters: EventFilter) -> bool:
    """True when the filters keep every case: then the warehouse's precomputed tables answer."""
    return filters.case_start_from is None and filters.case_start_to is None and not filters.equals


def suppress_small(frame: pd.DataFrame, count_column: str, min_count: int = MIN_PATIENTS
                   ) -> tuple[pd.DataFrame, int, float]:
    """(the rows whose `count_column` is at least `min_count`, how many other rows there are, the sum of their
    `share`): a group of fewer than 11 patients is left out, never shown with its numbers (CMS cell-size rule).
    Where a table counts cases, not patients, its cases stand in: fewer than 11 cases are fewer than 11 patients."""
    small = frame[count_column].fillna(0) < min_count
    hidden_share = float(frame.loc[small, "share"].sum()) if "share" in frame and small.any() else 0.0
    return frame[~small].reset_index(drop=True), int(small.sum()), hidden_share


def segment_filters(filters: dict[str, object], dimension: str, value: str) -> dict[str, object]:
    """One side of a comparison as the loaders' filter arguments: the page's, with `dimension` (payer, clinician,
    modality) set to the one value instead of what the page picked."""
    return {**filters, FILTER_ARGUMENTS[dimension]: (value,)}


