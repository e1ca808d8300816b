"""The OCEL 2.0 export (mining.ocel): exact events, objects and relations of a hand-made event log, the file
pm4py's OCEL 2.0 importer reads back, and, on the small demo practice's warehouse, every event of the window
once with every claim holding its claim's events."""

from __future__ import annotations

import warnings
from datetime import date

import duckdb
import pandas as pd
import pytest

from mining.events import NO_FILTER, EventFilter
from mining.ocel import OBJECT_TYPES, ocel_frames, ocel_from_event_log, recent_cases, write_ocel
from test_event_log import built  # noqa: F401  (the small practice's warehouse, built once for that module's tests)

COLUMNS = ("event_id", "case_id", "case_type", "activity", "event_at", "event_order", "resource", "resource_type",
           "patient_mrn", "payer_id", "payer_type", "clinician_npi", "cpt_code", "modality", "amount",
           "referral_id", "appointment_id", "payment_id")

J, C = "patient_journey", "claim"
ATTRS_R1 = ("P", "commercial", "N1", "90791")
ATTRS_A1 = ("M1", "P", "commercial", "N1", "90791", "telehealth")
ATTRS_C2 = ("M2", "P", "commercial", "N2", "90834", "office")
# Referral R1 of patient M1 becomes appointment A1, billed as claim A1: paid in the 835 P:T1, in which
# claim C2 (patient M2, no PM appointment, no referral) is denied; M1 pays PP1. Referral R2 is lost
# before it has a patient. Rows in no particular order: the export orders them.
EVENTS = [
    ("e9", "A1", C, "claim closed", "2025-02-10 15:00", 6, "billing", "staff", *ATTRS_A1, None, "R1", "A1", None),
    ("e1", "R1", J, "referral received", "2025-01-02 15:00", 1, "front_desk", "staff", "M1", *ATTRS_R1, "office",
     None, "R1", None, None),
    ("e11", "C2", C, "adjudicated: denied", "2025-02-01 06:00", 2, "P", "payer", *ATTRS_C2, "0.00",
     None, None, "P:T1"),
    ("e2", "R1", J, "first appointment booked", "2025-01-03 15:00", 2, "front_desk", "staff", "M1", *ATTRS_R1,
     "telehealth", None, "R1", "A1", None),
    ("e13", "R2", J, "referral lost", "2024-12-20 15:00", 2, "front_desk", "staff", None, None, None, None, None,
     None, None, "R2", None, None),
    ("e4", "A1", C, "session held", "2025-01-10 16:00", 1, "N1", "clinician", *ATTRS_A1, None, "R1", "A1", None),
    ("e3", "R1", J, "first session held", "2025-01-10 16:00", 3, "N1", "clinician", "M1", *ATTRS_R1, "telehealth",
     None, "R1", "A1", None),
    ("e5", "A1", C, "claim submitted", "2025-01-11 22:30", 2, "billing", "staff", *ATTRS_A1, "160.00",
     "R1", "A1", None),
    ("e12", "R2", J, "referral received", "2024-12-01 15:00", 1, "front_desk", "staff", None, None, None, None,
     None, None, None, "R2", None, None),
    ("e6", "A1", C, "adjudicated: paid", "2025-02-01 06:00", 3, "P", "payer", *ATTRS_A1, "100.00",
     "R1", "A1", "P:T1"),
    ("e7", "A1", C, "patient billed", "2025-02-01 06:00", 4, "billing", "staff", *ATTRS_A1, "20.00",
     "R1", "A1", None),
    ("e10", "C2", C, "claim submitted", "2025-01-20 22:30", 1, "billing", "staff", *ATTRS_C2, "90.00",
     None, None, None),
    ("e8", "A1", C, "patient paid", "2025-02-10 15:00", 5, "patient", "patient", *ATTRS_A1, "20.00",
     "R1", "A1", "PP1"),
]

# In time; at one instant by case type ('claim' before 'patient_journey'), case id, then event_order:
# the claim's session held (e4) before the journey's first session held (e3), both 2025-01-10 16:00;
# A1's paid (e6) and patient billed (e7) before C2's denial (e11), all 2025-02-01 06:00.
ORDER = ["e12", "e13", "e1", "e2", "e4", "e3", "e5", "e10", "e6", "e7", "e11", "e8", "e9"]

# (event, object, qualifier) in the events' order, then patient, referral, appointment, claim, payment.
RELATIONS = [
    ("e12", "referral:R2", "case"),  # no patient yet
    ("e13", "referral:R2", "case"),
    ("e1", "patient:M1", "patient"), ("e1", "referral:R1", "case"),
    ("e2", "patient:M1", "patient"), ("e2", "referral:R1", "case"), ("e2", "appointment:A1", "appointment"),
    ("e4", "patient:M1", "patient"), ("e4", "referral:R1", "referral"), ("e4", "appointment:A1", "appointment"),
    ("e4", "claim:A1", "case"),
    ("e3", "patient:M1", "patient"), ("e3", "referral:R1", "case"), ("e3", "appointment:A1", "appointment"),
    ("e5", "patient:M1", "patient"), ("e5", "referral:R1", "referral"), ("e5", "appointment:A1", "appointment"),
    ("e5", "claim:A1", "case"),
    ("e10", "patient:M2", "patient"), ("e10", "claim:C2", "case"),
    ("e6", "patient:M1", "patient"), ("e6", "referral:R1", "referral"), ("e6", "appointment:A1", "appointment"),
    ("e6", "claim:A1", "case"), ("e6", "payment:P:T1", "remittance"),
    ("e7", "patient:M1", "patient"), ("e7", "referral:R1", "referral"), ("e7", "appointment:A1", "appointment"),
    ("e7", "claim:A1", "case"),
    ("e11", "patient:M2", "patient"), ("e11", "claim:C2", "case"), ("e11", "payment:P:T1", "remittance"),
    ("e8", "patient:M1", "patient"), ("e8", "referral:R1", "referral"), ("e8", "appointment:A1", "appointment"),
    ("e8", "claim:A1", "case"), ("e8", "payment:PP1", "patient payment"),
    ("e9", "patient:M1", "patient"), ("e9", "referral:R1", "referral"), ("e9", "appointment:A1", "appointment"),
    ("e9", "claim:A1", "case"),
]  # 1 + 1 + 2 + 3 + 4 + 3 + 4 + 2 + 5 + 4 + 3 + 5 + 4 = 41

# oid, type, payer_id, payer_type, clinician_npi, cpt_code, modality, payment_source
OBJECTS = [
    ("patient:M1", "patient", None, None, None, None, None, None),
    ("patient:M2", "patient", None, None, None, None, None, None),
    ("referral:R1", "referral", "P", "commercial", "N1", "90791", "office", None),  # its journey's first event (e1)
    ("referral:R2", "referral", None, None, None, None, None, None),  # a lost referral: no payer, no clinician
    ("appointment:A1", "appointment", None, None, "N1", "90791", "telehealth", None),  # first touched by e2
    ("claim:A1", "claim", "P", "commercial", "N1", "90791", "telehealth", None),  # its first event (e4)
    ("claim:C2", "claim", "P", "commercial", "N2", "90834", "office", None),
    ("payment:P:T1", "payment", "P", "commercial", None, None, None, "payer"),
    ("payment:PP1", "payment", None, None, None, None, None, "patient"),
]

# Pairs of objects one event touches, once each, by source then target (':' sorts before 'P').
O2O = [
    ("appointment:A1", "patient:M1", "patient"),  # e2, e3, e4 ...
    ("appointment:A1", "referral:R1", "referral"),  # e2, e3, e4 ...
    ("claim:A1", "appointment:A1", "bills"),
    ("claim:A1", "patient:M1", "patient"),
    ("claim:C2", "patient:M2", "patient"),
    ("payment:P:T1", "claim:A1", "pays"),  # e6
    ("payment:P:T1", "claim:C2", "pays"),  # e11: one 835 paid one claim and denied the other
    ("payment:PP1", "claim:A1", "pays"),  # e8
    ("referral:R1", "patient:M1", "patient"),
]


@pytest.fixture()
def con():
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute("""
        create table events (
            event_id varchar, case_id varchar, case_type varchar, activity varchar, event_at timestamptz,
            event_order integer, resource varchar, resource_type varchar, patient_mrn varchar, payer_id varchar,
            payer_type varchar, clinician_npi varchar, cpt_code varchar, modality varchar, amount decimal(18, 2),
            referral_id varchar, appointment_id varchar, payment_id varchar)""")
    connection.executemany(f"insert into events values ({', '.join('?' * len(COLUMNS))})",
                           [[*row[:4], row[4] + "+00", *row[5:]] for row in EVENTS])
    yield connection
    connection.close()


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(None if pd.isna(value) else value for value in row)
            for row in frame[columns].itertuples(index=False)]


def test_events_are_the_logs_in_time_order_with_their_attributes(con):
    events = ocel_frames(con, "events").events
    assert list(events["event_id"]) == ORDER
    by_id = {row[0]: row for row in EVENTS}
    assert list(events["activity"]) == [by_id[e][3] for e in ORDER]
    assert list(events["ts"]) == [pd.Timestamp(by_id[e][4]) for e in ORDER]  # UTC, without a time zone
    e6 = events[events["event_id"] == "e6"].iloc[0]
    assert (e6["case_type"], e6["resource"], e6["resource_type"], e6["payer_id"], e6["payer_type"], e6["amount"]) == (
        "claim", "P", "payer", "P", "commercial", 100.0)
    assert pd.isna(events.loc[events["event_id"] == "e9", "amount"].iloc[0])


def test_relations_objects_and_object_relations_exactly(con):
    frames = ocel_frames(con, "events")
    assert _rows(frames.relations, ["event_id", "oid", "qualifier"]) == RELATIONS
    types = dict(zip(frames.relations["oid"], frames.relations["object_type"], strict=False))
    assert types == {oid: oid.split(":")[0] for oid, *_ in OBJECTS}
    assert _rows(frames.objects, ["oid", "object_type", "payer_id", "payer_type", "clinician_npi", "cpt_code",
                                  "modality", "payment_source"]) == OBJECTS
    assert _rows(frames.o2o, ["source_oid", "target_oid", "qualifier"]) == O2O


def test_filters_keep_whole_cases(con):
    started_2025 = ocel_frames(con, "events", EventFilter(case_start_from=date(2025, 1, 1)))
    assert list(started_2025.events["event_id"]) == [e for e in ORDER if e not in ("e12", "e13")]
    assert "referral:R2" not in set(started_2025.objects["oid"])
    assert len(started_2025.relations) == 41 - 2

    # Cases that started by Jan 5 (R2 on Dec 1, R1 on Jan 2): the journeys, none of the claims.
    by_jan_5 = ocel_frames(con, "events", EventFilter(case_start_to=date(2025, 1, 5)))
    assert list(by_jan_5.events["event_id"]) == ["e12", "e13", "e1", "e2", "e3"]
    assert list(by_jan_5.objects["oid"]) == ["patient:M1", "referral:R1", "referral:R2", "appointment:A1"]
    assert _rows(by_jan_5.o2o, ["source_oid", "target_oid", "qualifier"]) == [
        ("appointment:A1", "patient:M1", "patient"), ("appointment:A1", "referral:R1", "referral"),
        ("referral:R1", "patient:M1", "patient")]

    # Claims only: R1 is there (the claim's appointment carries it) but its journey is not, so it has no
    # attributes; A1's appointment takes the claim's session's (e4).
    claims = ocel_frames(con, "events", EventFilter(equals={"case_type": "claim"}))
    assert list(claims.events["event_id"]) == ["e4", "e5", "e10", "e6", "e7", "e11", "e8", "e9"]
    objects = {row[0]: row[1:] for row in _rows(claims.objects, ["oid", "payer_id", "clinician_npi", "modality"])}
    assert objects["referral:R1"] == (None, None, None)
    assert objects["appointment:A1"] == (None, "N1", "telehealth")
    assert "referral:R2" not in objects


def test_a_log_without_object_columns_is_refused():
    connection = duckdb.connect()
    connection.execute("create table events as select 'e1' as event_id, 'C1' as case_id, 'claim' as case_type, "
                       "'claim submitted' as activity, now() as event_at, 1 as event_order")
    with pytest.raises(ValueError, match="has no column resource"):
        ocel_frames(connection, "events")


def test_pm4py_object_has_pm4py_column_names(con):
    ocel = ocel_from_event_log(con, "events")
    assert list(ocel.events.columns[:3]) == ["ocel:eid", "ocel:activity", "ocel:timestamp"]
    assert {"ocel:eid", "ocel:activity", "ocel:timestamp", "ocel:oid", "ocel:type", "ocel:qualifier"} <= set(
        ocel.relations.columns)
    assert list(ocel.o2o.columns) == ["ocel:oid", "ocel:oid_2", "ocel:qualifier"]
    assert len(ocel.events) == 13 and len(ocel.objects) == 9 and len(ocel.relations) == 41 and len(ocel.o2o) == 9


def test_the_file_reads_back_with_pm4pys_ocel2_importer(con, tmp_path):
    import pm4py

    export = write_ocel(con, "events", tmp_path / "intake_to_cash.jsonocel", filters=NO_FILTER)
    assert export.full_log and (export.case_start_from, export.case_start_to) == (None, None)
    assert (export.events, export.relations, export.o2o) == (13, 41, 9)
    assert export.objects == {"patient": 2, "referral": 2, "appointment": 1, "claim": 2, "payment": 2}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read = pm4py.read_ocel2_json(str(export.path))
    assert len(read.events) == 13 and len(read.relations) == 41 and len(read.o2o) == 9
    assert read.objects["ocel:type"].value_counts().to_dict() == export.objects
    assert sorted(zip(read.relations["ocel:eid"], read.relations["ocel:oid"], read.relations["ocel:qualifier"],
                      strict=True)) == sorted(RELATIONS)
    claim = read.objects[read.objects["ocel:oid"] == "claim:C2"].iloc[0]
    assert (claim["payer_type"], claim["clinician_npi"], claim["cpt_code"]) == ("commercial", "N2", "90834")


def test_by_default_the_file_holds_the_last_months_cases(con, tmp_path):
    # The log's last event is on 2025-02-10: one month back is 2025-01-10, so claims A1 (started
    # 2025-01-10 16:00) and C2 (2025-01-20) are in, the journeys (Dec 1, Jan 2) are not.
    assert recent_cases(con, "events", 1) == EventFilter(case_start_from=date(2025, 1, 10),
                                                         case_start_to=date(2025, 2, 10))
    export = write_ocel(con, "events", tmp_path / "recent.jsonocel", months=1)
    assert not export.full_log
    assert (export.case_start_from, export.case_start_to) == (date(2025, 1, 10), date(2025, 2, 10))
    assert export.events == 8
    assert set(export.seconds) == {"build", "write"}


@pytest.mark.slow
def test_on_the_small_practice_every_event_of_the_window_is_there_once(built):  # noqa: F811
    _, warehouse = built
    connection = duckdb.connect(str(warehouse), read_only=True)
    try:
        connection.execute("set TimeZone = 'UTC'")
        window = recent_cases(connection, "marts.event_log", 6)
        frames = ocel_frames(connection, "marts.event_log", window)
        log = connection.execute("select event_id, case_type, case_id, event_at, appointment_id, payment_id "
                                 "from marts.event_log").df()
    finally:
        connection.close()
    starts = log.groupby(["case_type", "case_id"])["event_at"].transform("min")
    start_from = pd.Timestamp(window.case_start_from, tz="UTC")
    end_before = pd.Timestamp(window.case_start_to, tz="UTC") + pd.Timedelta(days=1)
    kept = log[(starts >= start_from) & (starts < end_before)]
    assert 0 < len(kept) < len(log)

    events = frames.events["event_id"]
    assert events.is_unique and set(events) == set(kept["event_id"])

    relations = frames.relations
    cases = relations[relations["qualifier"] == "case"]
    assert cases["event_id"].is_unique and len(cases) == len(kept)  # one case object per event
    claim_events = cases[cases["object_type"] == "claim"].groupby("oid")["event_id"].apply(set).to_dict()
    claims = kept[kept["case_type"] == "claim"]
    expected = claims.groupby("case_id")["event_id"].apply(set).to_dict()
    assert claim_events == {f"claim:{claim}": ids for claim, ids in expected.items()}
    claim_objects = set(frames.objects.loc[frames.objects["object_type"] == "claim", "oid"])
    assert claim_objects == set(claim_events)
    # Appointments and payments come from the log's columns, one relation per event that names one.
    assert (relations["object_type"] == "appointment").sum() == kept["appointment_id"].notna().sum()
    assert (relations["object_type"] == "payment").sum() == kept["payment_id"].notna().sum()
    assert set(frames.objects["object_type"]) == set(OBJECT_TYPES)
