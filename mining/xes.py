"""Any XES event log (plain `.xes` or `.xes.gz`) as an event log in Lantern's schema, loaded into DuckDB,
so that the warehouse analyses run on logs they were not written for.

`read_xes_events` reads the file with `pm4py.read_xes` and renames pm4py's columns to the schema's;
`event_index` is the event's position in the file, which is how pm4py breaks timestamp ties (its
stable sort keeps file order). Timestamps become UTC without a time zone. Other attributes keep their
names (a name that clashes with the schema's, whatever its case, gets an `xes_` prefix); attributes
that are not plain values (XES lists and containers) are left out.
"""

from __future__ import annotations

import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from mining.events import check_relation, quote
from mining.schema import EVENT_LOG, PM4PY_ACTIVITY, PM4PY_CASE_ID, PM4PY_TIMESTAMP, EventLogSchema


class XesError(Exception):
    """An XES file that cannot be mined, with a one-line reason."""


@dataclass(frozen=True)
class XesLog:
    path: Path
    events: pd.DataFrame  # the schema's columns, in file order
    dropped: int  # events without a case, an activity or a timestamp, left out


def read_xes_events(path: Path | str, schema: EventLogSchema = EVENT_LOG, show_progress: bool = False) -> XesLog:
    """Read an XES file (plain or gzipped) into a frame in the schema. Raises XesError when the file is
    missing, unreadable, or holds no event with a case, an activity and a timestamp."""
    import pm4py  # imported here: pm4py takes a few seconds to import

    path = Path(path)
    if not path.is_file():
        raise XesError(f"{path}: {'is a folder, not a file' if path.is_dir() else 'no such file'}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pm4py's advice to install a faster importer
            raw = pm4py.read_xes(str(path), show_progress_bar=show_progress)
    except (OSError, EOFError, SyntaxError, ValueError, zlib.error) as error:  # SyntaxError: lxml's too
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise XesError(f"{path}: not a readable XES log ({reason})") from error
    if not isinstance(raw, pd.DataFrame) or raw.empty:
        raise XesError(f"{path}: no events in the log")
    missing = [key for key in (PM4PY_CASE_ID, PM4PY_ACTIVITY, PM4PY_TIMESTAMP) if key not in raw.columns]
    if missing:
        raise XesError(f"{path}: its events have no {', '.join(missing)}")
    events, dropped = _to_schema(raw.reset_index(drop=True), schema)
    if events.empty:
        raise XesError(f"{path}: no event has a case, an activity and a timestamp")
    return XesLog(path, events, dropped)


def _timestamps(column: pd.Series) -> pd.Series:
    if not isinstance(column.dtype, pd.DatetimeTZDtype) and not pd.api.types.is_datetime64_any_dtype(column):
        column = pd.to_datetime(column, utc=True, errors="coerce", format="ISO8601")
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_convert("UTC").dt.tz_localize(None)
    return column.astype("datetime64[us]")


def _plain(column: pd.Series) -> pd.Series | None:
    """The column as DuckDB can store it, or None for XES lists and containers (dicts, lists)."""
    if column.dtype != object:
        return column
    values = column.dropna()
    if values.map(lambda v: isinstance(v, str)).all():
        return column.astype("string")
    return None


def _to_schema(raw: pd.DataFrame, schema: EventLogSchema) -> tuple[pd.DataFrame, int]:
    renames = schema.from_pm4py()
    taken = {name.lower() for name in renames.values()} | {schema.event_index.lower()}
    columns: dict[str, pd.Series] = {}
    for name in raw.columns:
        if name in renames:
            target = renames[name]
        else:
            target = name if name.lower() not in taken else f"xes_{name}"
            if target.lower() in taken or target.lower() in {c.lower() for c in columns} or name.startswith("@@"):
                continue
        column = raw[name]
        if target in (schema.timestamp, schema.start_timestamp) or pd.api.types.is_datetime64_any_dtype(column):
            column = _timestamps(column)
        elif target in (schema.case_id, schema.activity):
            column = column.astype("string")
        else:
            column = _plain(column)
            if column is None:
                continue
        columns[target] = column
    events = pd.DataFrame(columns)
    if schema.start_timestamp in events:  # an event without a start time is an instant
        events[schema.start_timestamp] = events[schema.start_timestamp].fillna(events[schema.timestamp])
    keep = events[[schema.case_id, schema.activity, schema.timestamp]].notna().all(axis=1)
    events = events[keep].reset_index(drop=True)
    events.insert(0, schema.event_index, np.arange(len(events), dtype=np.int64))
    return events, int((~keep).sum())


def load_events(con: duckdb.DuckDBPyConnection, events: pd.DataFrame, name: str = "events") -> str:
    """Store an event frame as a DuckDB table (replacing one of that name); returns the table's name."""
    check_relation(name)
    view = "_lantern_events_frame"
    con.register(view, events)
    try:
        con.execute(f"create or replace table {name} as select * from {quote(view)}")
    finally:
        con.unregister(view)
    return name
