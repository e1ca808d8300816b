"""The intake-to-cash process as one object-centric event log (OCEL 2.0), built in the warehouse from
Lantern's event log and written with pm4py's own OCEL 2.0 exporter.

`marts.event_log` holds two case notions (a referral's patient journey, a claim); an OCEL holds
events and the objects they touch, of five types:

| type          | key                         | touched by                                                        |
| ------------- | --------------------------- | ----------------------------------------------------------------- |
| `patient`     | patient_mrn                 | the events of its cases (a referral that never became one: none)  |
| `referral`    | referral_id                 | its journey's events; the claim events of appointments carrying it |
| `appointment` | appointment_id              | its journey events (booked ... first session held); its claim's   |
| `claim`       | case_id of a claim case     | its claim's events                                                |
| `payment`     | payment_id                  | the adjudications of an 835 payment; a patient payment            |

Every event of the log is one OCEL event (its `event_id`, activity and time): a claim's "session
held" and its journey's "first session held" stay two events, as in the event log. An object's id
is `<type>:<key>` (a claim and the appointment it bills share a key). The qualifier of an
event-to-object relation is 'case' for the object whose case the event is in (so the two case
notions can be rebuilt from the file), 'remittance' / 'patient payment' for a payment, else the
object's type. Object-to-object relations (ocel_o2o.sql) link objects one event touches: claim
-> appointment 'bills', payment -> claim 'pays', appointment -> referral, and each to its patient.
Which attributes events and objects carry: ocel_event_table.sql, ocel_objects.sql. Timestamps are
UTC (the event log's instants; OCEL files write them with a Z).

The frames are computed in DuckDB (the SQL files beside this module); pm4py only holds them and
writes the file: OCEL 2.0 JSON (`.jsonocel`, `pm4py.write_ocel2_json`), by default the cases that
started in the last six months of the log (`write_ocel` says why, and why JSON). For the analyst role, the
same document with pseudonyms for every event and object id (`pseudonymise_ocel_json`, mining.pseudonyms) is
written beside it.
"""

from __future__ import annotations

import json
import time as clock
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from mining.events import NO_FILTER, EventFilter, check_relation, quote, relation_columns, sql_file
from mining.pseudonyms import PseudonymError, Pseudonymiser

if TYPE_CHECKING:
    from pm4py.objects.ocel.obj import OCEL

OBJECT_TYPES = ("patient", "referral", "appointment", "claim", "payment")
# The event-log columns the export reads (marts.event_log's contract).
REQUIRED_COLUMNS = ("event_id", "case_type", "case_id", "activity", "event_at", "event_order", "resource",
                    "resource_type", "patient_mrn", "referral_id", "appointment_id", "payment_id", "payer_id",
                    "payer_type", "clinician_npi", "cpt_code", "modality", "amount")
# The OCEL file holds the cases that started in the last WINDOW_MONTHS months of the log (see write_ocel).
WINDOW_MONTHS = 6


@dataclass(frozen=True)
class OcelFrames:
    """The OCEL's tables as the warehouse computed them, with plain column names (before pm4py's)."""

    events: pd.DataFrame  # event_id, activity, ts, case_type, resource, resource_type, payer_id, payer_type, amount
    objects: pd.DataFrame  # oid, object_type, payer_id, payer_type, clinician_npi, cpt_code, modality, payment_source
    relations: pd.DataFrame  # event_id, activity, ts, oid, object_type, qualifier
    o2o: pd.DataFrame  # source_oid, target_oid, qualifier


@dataclass(frozen=True)
class OcelExport:
    """What `write_ocel` wrote: the file, the cases it holds (those that started from `case_start_from` to
    `case_start_to`, both dates included; None is open), and its size. `full_log` is True when it was
    written without any filter: every case of the event log."""

    path: Path
    case_start_from: date | None
    case_start_to: date | None
    full_log: bool
    events: int
    objects: dict[str, int]  # object type -> objects
    relations: int  # event-to-object
    o2o: int  # object-to-object
    # "build" (warehouse -> OCEL), "write" (pm4py); with a pseudonymised copy, "pseudonymise" (read, replace, write)
    seconds: dict[str, float] = field(default_factory=dict)
    pseudonymised_path: Path | None = None  # the same OCEL with pseudonyms for ids (pseudonymise_ocel_json)


def _case_filter(filters: EventFilter) -> tuple[str, list[object]]:
    """The filters as conditions on a case's group of events (`having` clauses of ocel_events.sql)."""
    clauses: list[str] = []
    parameters: list[object] = []
    if filters.case_start_from:
        clauses.append("min(event_at) >= ?")
        parameters.append(datetime.combine(filters.case_start_from, time()))
    if filters.case_start_to:
        clauses.append("min(event_at) < ?")
        parameters.append(datetime.combine(filters.case_start_to + timedelta(days=1), time()))
    for column, wanted in filters.equals.items():
        values = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        if not values:
            raise ValueError(f"no values to filter {column} on")
        clauses.append(f"bool_or({quote(column)} in ({', '.join('?' * len(values))}))")
        parameters.extend(values)
    return "".join(f"\n        and {clause}" for clause in clauses), parameters


def _events_sql(con: duckdb.DuckDBPyConnection, relation: str, filters: EventFilter) -> tuple[str, list[object]]:
    columns = set(relation_columns(con, relation))
    missing = [name for name in (*REQUIRED_COLUMNS, *filters.equals) if name not in columns]
    if missing:
        raise ValueError(f"{relation} has no column {', '.join(missing)}: not an event log with objects")
    case_filter, parameters = _case_filter(filters)
    sql = sql_file("ocel_events.sql").substitute(relation=check_relation(relation), case_filter=case_filter)
    return sql, parameters


def _utc(column: pd.Series) -> pd.Series:
    """Instants as UTC without a time zone (how pm4py's OCEL exporters expect them)."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_convert("UTC").dt.tz_localize(None)
    return column.astype("datetime64[us]")


def ocel_frames(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    filters: EventFilter = NO_FILTER,
) -> OcelFrames:
    """The OCEL's events, objects and relations of an event log with objects (marts.event_log's columns),
    computed in DuckDB.

    `filters` keeps or drops whole cases, a case being (case_type, case_id), as mining.events.EventFilter
    says: `case_start_from` / `case_start_to` on the case's first event (dates in the connection's time
    zone, both included); `equals` on any column (cases with an event that has one of the values). The
    objects are those the kept events touch: a claim whose case started before the window is not there
    even when a kept journey event touches its appointment.
    """
    events_sql, parameters = _events_sql(con, relation, filters)
    e2o_sql = sql_file("ocel_e2o.sql").template

    def run(file: str) -> pd.DataFrame:
        sql = sql_file(file).substitute(events=events_sql, e2o=e2o_sql)
        return con.execute(sql, parameters).df()

    events, relations = run("ocel_event_table.sql"), run("ocel_relations.sql")
    events["ts"], relations["ts"] = _utc(events["ts"]), _utc(relations["ts"])
    return OcelFrames(events, run("ocel_objects.sql"), relations, run("ocel_o2o.sql"))


def pseudonymise_ocel_json(document: dict, pseudonymiser: Pseudonymiser) -> dict:
    """An OCEL 2.0 JSON document (as `json.load` reads it) with pseudonyms (mining.pseudonyms) for every event id
    and object id, replaced in place: object `patient:<MRN>` becomes `patient:pt-<hex>`, `claim:<CLM01>`
    `claim:cl-<hex>`, and so on for each object type (each is a patient or one of their records), in the objects
    and in every relationship of an event or an object; event ids, hashes of a case id, become `ev-<hex>`. Times,
    types, qualifiers and attributes (payers, clinicians, CPT codes, amounts: none names a patient) stay as they
    are. Raises PseudonymError for an object type it does not know, or two ids given one pseudonym."""
    hidden: dict[str, str] = {}

    def object_id(oid: str) -> str:
        alias = hidden.get(oid)
        if alias is None:
            kind, _, key = oid.partition(":")
            if kind not in OBJECT_TYPES:
                raise PseudonymError(f"OCEL object {oid!r}: its type is not one of {', '.join(OBJECT_TYPES)}")
            alias = hidden[oid] = f"{kind}:{pseudonymiser(kind, key)}"
        return alias

    for item in document["objects"]:
        item["id"] = object_id(item["id"])
    for item in document["events"]:
        item["id"] = pseudonymiser("event", item["id"])
    for item in (*document["objects"], *document["events"]):
        for relation in item.get("relationships", ()):
            relation["objectId"] = object_id(relation["objectId"])
    for what in ("objects", "events"):
        if len({item["id"] for item in document[what]}) < len(document[what]):
            raise PseudonymError(f"two OCEL {what} were given one pseudonym")
    return document


def write_pseudonymised_ocel(path: Path, pseudonymised_path: Path, pseudonymiser: Pseudonymiser) -> None:
    """Read the OCEL 2.0 JSON file pm4py wrote at `path` and write it to `pseudonymised_path` with pseudonyms for
    its ids (`pseudonymise_ocel_json`), as compact JSON.

    Why from pm4py's file rather than a second pm4py export of pseudonymised frames: on the demo practice (178,025
    events, 66,379 objects, a 209 MB file) a pm4py export takes 20 s of CPU (22 s from pseudonymised frames), this
    7.3 s, at a peak of 1.1 GB; the document is pm4py's either way, only its ids differ.
    """
    with path.open(encoding="utf-8") as handle:
        document = json.load(handle)
    text = json.dumps(pseudonymise_ocel_json(document, pseudonymiser))  # compact: C's encoder, not indent=2's
    pseudonymised_path.parent.mkdir(parents=True, exist_ok=True)
    pseudonymised_path.write_text(text, encoding="utf-8")


def to_pm4py(frames: OcelFrames) -> OCEL:
    """pm4py's OCEL object of the frames: pm4py's column names (ocel:eid, ocel:activity, ocel:timestamp,
    ocel:oid, ocel:type, ocel:qualifier; the o2o frame's ocel:oid_2); attributes keep their names."""
    from pm4py.objects.ocel import constants as ocel_names  # imported here: pm4py takes seconds to import
    from pm4py.objects.ocel.obj import OCEL

    eid, activity = ocel_names.DEFAULT_EVENT_ID, ocel_names.DEFAULT_EVENT_ACTIVITY
    timestamp = ocel_names.DEFAULT_EVENT_TIMESTAMP
    oid, otype, qualifier = ocel_names.DEFAULT_OBJECT_ID, ocel_names.DEFAULT_OBJECT_TYPE, ocel_names.DEFAULT_QUALIFIER
    return OCEL(
        events=frames.events.rename(columns={"event_id": eid, "activity": activity, "ts": timestamp}),
        objects=frames.objects.rename(columns={"oid": oid, "object_type": otype}),
        relations=frames.relations.rename(columns={"event_id": eid, "activity": activity, "ts": timestamp,
                                                   "oid": oid, "object_type": otype, "qualifier": qualifier}),
        o2o=frames.o2o.rename(columns={"source_oid": oid, "target_oid": oid + "_2", "qualifier": qualifier}),
    )


def ocel_from_event_log(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    filters: EventFilter = NO_FILTER,
) -> OCEL:
    """pm4py's OCEL (pm4py.objects.ocel.obj.OCEL) of an event log with objects: `to_pm4py(ocel_frames(...))`."""
    return to_pm4py(ocel_frames(con, relation, filters))


def recent_cases(con: duckdb.DuckDBPyConnection, relation: str, months: int = WINDOW_MONTHS) -> EventFilter:
    """The cases that started in the last `months` months of the log: from the date of its last event
    (in the connection's time zone) less `months` months, to that date."""
    last = con.execute(f"select max(cast(event_at as date)) from {check_relation(relation)}").fetchone()[0]
    if last is None:
        return NO_FILTER
    return EventFilter(case_start_from=(pd.Timestamp(last) - pd.DateOffset(months=months)).date(),
                       case_start_to=last, equals={})


def write_ocel(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    path: Path | str,
    filters: EventFilter | None = None,
    months: int = WINDOW_MONTHS,
    pseudonymised_path: Path | str | None = None,
    pseudonymiser: Pseudonymiser | None = None,
) -> OcelExport:
    """Write the event log's OCEL 2.0 JSON file (`pm4py.write_ocel2_json`) to `path` (name it `.jsonocel`), and,
    given `pseudonymised_path` and a `pseudonymiser`, the same document with pseudonyms for its ids there
    (`write_pseudonymised_ocel`).

    Without `filters`, the file holds the cases that started in the last `months` months of the log
    (`recent_cases`), not the whole log; pass `filters=NO_FILTER` for every case. The window written is
    in the result (`case_start_from`, `case_start_to`, `full_log`). Why: pm4py's JSON exporter builds
    the whole document as Python objects before writing it. Measured on the demo practice (50
    clinicians, 36 months, 1.29 million events, 2 shared cores): the last 6 months are 178,459 events
    and 66,618 objects, 2 s in DuckDB and 25 s in pm4py (80 s in all while a build used the other
    core), 1.8 GB of memory at peak, a 209 MB file; 12 months take 45 s, 3.3 GB and 448 MB; the whole
    log, at the same rate, about 2.5 minutes, 11 GB and a 1.5 GB file: too much for the machine that
    writes it and for the tools that load it whole.

    JSON rather than SQLite or XML: it is the OCEL 2.0 exchange format the object-centric tools
    import most widely (pm4py, OCPQ, Ocelot), and pm4py writes all of it (types with their attributes,
    qualifiers, object-to-object relations). pm4py's SQLite exporter is faster (the whole demo log in
    75 s, 4 GB, 579 MB) but writes plain tables: without the spec's primary and foreign keys (pm4py's
    own OCEL 2.0 validator fails 11 of its 24 constraints) and without the object tables' ocel_time.
    Celonis imports no OCEL file: its object-centric data pool is loaded as tables, one per object and
    event type, which is what the file's objectTypes and eventTypes list.
    """
    if (pseudonymised_path is None) != (pseudonymiser is None):
        raise ValueError("a pseudonymised OCEL needs both its path and a pseudonymiser")
    if filters is None:
        filters = recent_cases(con, relation, months)
    import pm4py  # imported here: pm4py takes seconds to import

    started = clock.perf_counter()
    frames = ocel_frames(con, relation, filters)
    ocel = to_pm4py(frames)
    built = clock.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        pm4py.write_ocel2_json(ocel, str(path))
    written = clock.perf_counter()
    seconds = {"build": round(built - started, 2), "write": round(written - built, 2)}
    if pseudonymiser is not None:
        pseudonymised_path = Path(pseudonymised_path)
        write_pseudonymised_ocel(path, pseudonymised_path, pseudonymiser)
        seconds["pseudonymise"] = round(clock.perf_counter() - written, 2)
    counts = frames.objects["object_type"].value_counts()
    full = not (filters.case_start_from or filters.case_start_to or filters.equals)
    return OcelExport(
        path=path,
        case_start_from=filters.case_start_from,
        case_start_to=filters.case_start_to,
        full_log=full,
        events=len(frames.events),
        objects={kind: int(counts.get(kind, 0)) for kind in OBJECT_TYPES},
        relations=len(frames.relations),
        o2o=len(frames.o2o),
        seconds=seconds,
        pseudonymised_path=pseudonymised_path,
    )

