"""The PM CSV reader: each export of inputs.md -> exact raw rows, the awkward-file cases, a generated practice."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from connectors.pm_reader import read_pm_csv, table_for_file
from connectors.raw_tables import PM_TABLES, QUARANTINE
from synthetic.config import GeneratorConfig
from synthetic.generate import generate

SOURCE = "pm/2024-04-01/"


def read(text: str | bytes, name: str = "appointments.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_pm_csv(data, file_name=name, delivery="2024-04-01", source_file=SOURCE + name, file_sha256="cafe")


def lineage(name: str, position: int | None) -> dict:
    return {"_delivery": "2024-04-01", "_source_file": SOURCE + name, "_file_sha256": "cafe", "_position": position}


# --- each export with a couple of rows -------------------------------------------------------------------------

EXPORTS = {
    "payers.csv": (
        "payer_id,payer_name,payer_type,updated_at\n"
        "60054,Aetna,commercial,2024-03-01T08:00:00-06:00\n"
        "SELF,Self pay,self_pay,2024-03-01T08:00:00-06:00\n",
        "pm_payers",
        [{"payer_id": "60054", "payer_name": "Aetna", "payer_type": "commercial",
          "updated_at": "2024-03-01T08:00:00-06:00"},
         {"payer_id": "SELF", "payer_name": "Self pay", "payer_type": "self_pay",
          "updated_at": "2024-03-01T08:00:00-06:00"}],
    ),
    "coverages.csv": (
        "coverage_id,patient_mrn,payer_id,member_id,start_date,end_date,updated_at\n"
        "C0000001,1000001,60054,W123456789,2024-01-01,,2024-01-02T10:00:00-06:00\n"
        "C0000002,1000002,SELF,,2023-06-01,2024-02-29,2024-03-01T09:30:00-06:00\n",
        "pm_coverages",
        [{"coverage_id": "C0000001", "patient_mrn": "1000001", "payer_id": "60054", "member_id": "W123456789",
          "start_date": "2024-01-01", "end_date": "", "updated_at": "2024-01-02T10:00:00-06:00"},
         {"coverage_id": "C0000002", "patient_mrn": "1000002", "payer_id": "SELF", "member_id": "",
          "start_date": "2023-06-01", "end_date": "2024-02-29", "updated_at": "2024-03-01T09:30:00-06:00"}],
    ),
    "referrals.csv": (
        "referral_id,received_at,channel,source,patient_mrn,birth_date,requested_service,first_contact_at,"
        "intake_sent_at,intake_completed_at,status,lost_reason,updated_at\n"
        "R0000001,2024-03-01T09:12:00-06:00,phone,pcp,1000001,1988-02-03,individual,2024-03-01T11:00:00-06:00,"
        "2024-03-01T11:05:00-06:00,2024-03-03T20:41:00-06:00,converted,,2024-03-04T09:00:00-06:00\n"
        "R0000002,2024-03-02T14:00:00-06:00,web_form,self,,2001-07-19,psychiatry,,,,lost,no_response,"
        "2024-03-20T08:00:00-05:00\n",
        "pm_referrals",
        [{"referral_id": "R0000001", "received_at": "2024-03-01T09:12:00-06:00", "channel": "phone",
          "source": "pcp", "patient_mrn": "1000001", "birth_date": "1988-02-03", "requested_service": "individual",
          "first_contact_at": "2024-03-01T11:00:00-06:00", "intake_sent_at": "2024-03-01T11:05:00-06:00",
          "intake_completed_at": "2024-03-03T20:41:00-06:00", "status": "converted", "lost_reason": "",
          "updated_at": "2024-03-04T09:00:00-06:00"},
         {"referral_id": "R0000002", "received_at": "2024-03-02T14:00:00-06:00", "channel": "web_form",
          "source": "self", "patient_mrn": "", "birth_date": "2001-07-19", "requested_service": "psychiatry",
          "first_contact_at": "", "intake_sent_at": "", "intake_completed_at": "", "status": "lost",
          "lost_reason": "no_response", "updated_at": "2024-03-20T08:00:00-05:00"}],
    ),
    "eligibility_checks.csv": (
        "check_id,patient_mrn,payer_id,checked_at,result,copay,deductible_remaining,auth_required,updated_at\n"
        "E0000001,1000001,60054,2024-03-01T10:00:00-06:00,active,30.00,250.00,false,2024-03-01T10:00:00-06:00\n"
        "E0000002,1000002,87726,2024-03-02T10:00:00-06:00,error,,,false,2024-03-02T10:00:00-06:00\n",
        "pm_eligibility_checks",
        [{"check_id": "E0000001", "patient_mrn": "1000001", "payer_id": "60054",
          "checked_at": "2024-03-01T10:00:00-06:00", "result": "active", "copay": "30.00",
          "deductible_remaining": "250.00", "auth_required": "false", "updated_at": "2024-03-01T10:00:00-06:00"},
         {"check_id": "E0000002", "patient_mrn": "1000002", "payer_id": "87726",
          "checked_at": "2024-03-02T10:00:00-06:00", "result": "error", "copay": "", "deductible_remaining": "",
          "auth_required": "false", "updated_at": "2024-03-02T10:00:00-06:00"}],
    ),
    "authorizations.csv": (
        "auth_id,patient_mrn,payer_id,requested_at,decided_at,status,approved_visits,start_date,end_date,"
        "auth_number,updated_at\n"
        "U0000001,1000001,60054,2024-03-01T10:00:00-06:00,2024-03-04T15:00:00-06:00,approved,12,2024-03-04,"
        "2024-06-30,AUTH-88213,2024-03-04T15:00:00-06:00\n"
        "U0000002,1000002,87726,2024-03-05T10:00:00-06:00,,pending,,,,,2024-03-05T10:00:00-06:00\n",
        "pm_authorizations",
        [{"auth_id": "U0000001", "patient_mrn": "1000001", "payer_id": "60054",
          "requested_at": "2024-03-01T10:00:00-06:00", "decided_at": "2024-03-04T15:00:00-06:00",
          "status": "approved", "approved_visits": "12", "start_date": "2024-03-04", "end_date": "2024-06-30",
          "auth_number": "AUTH-88213", "updated_at": "2024-03-04T15:00:00-06:00"},
         {"auth_id": "U0000002", "patient_mrn": "1000002", "payer_id": "87726",
          "requested_at": "2024-03-05T10:00:00-06:00", "decided_at": "", "status": "pending", "approved_visits": "",
          "start_date": "", "end_date": "", "auth_number": "", "updated_at": "2024-03-05T10:00:00-06:00"}],
    ),
    "appointments.csv": (
        "appointment_id,patient_mrn,clinician_npi,booked_at,scheduled_start,scheduled_minutes,cpt_code,modality,"
        "status,status_at,referral_id,updated_at\n"
        "A00000001,1000001,1064808946,2024-02-20T14:54:00-06:00,2024-03-04T09:00:00-06:00,60,90791,office,"
        "completed,2024-03-04T09:58:00-06:00,R0000001,2024-03-04T09:58:00-06:00\n"
        "A00000002,1000001,1064808946,2024-03-04T10:00:00-06:00,2024-03-11T09:00:00-05:00,53,90837,telehealth,"
        "scheduled,2024-03-04T10:00:00-06:00,,2024-03-04T10:00:00-06:00\n",
        "pm_appointments",
        [{"appointment_id": "A00000001", "patient_mrn": "1000001", "clinician_npi": "1064808946",
          "booked_at": "2024-02-20T14:54:00-06:00", "scheduled_start": "2024-03-04T09:00:00-06:00",
          "scheduled_minutes": "60", "cpt_code": "90791", "modality": "office", "status": "completed",
          "status_at": "2024-03-04T09:58:00-06:00", "referral_id": "R0000001",
          "updated_at": "2024-03-04T09:58:00-06:00"},
         {"appointment_id": "A00000002", "patient_mrn": "1000001", "clinician_npi": "1064808946",
          "booked_at": "2024-03-04T10:00:00-06:00", "scheduled_start": "2024-03-11T09:00:00-05:00",
          "scheduled_minutes": "53", "cpt_code": "90837", "modality": "telehealth", "status": "scheduled",
          "status_at": "2024-03-04T10:00:00-06:00", "referral_id": "", "updated_at": "2024-03-04T10:00:00-06:00"}],
    ),
    "patient_payments.csv": (
        "payment_id,patient_mrn,appointment_id,received_at,amount,method,updated_at\n"
        "Y0000001,1000001,A00000001,2024-03-04T10:01:00-06:00,30.00,card,2024-03-04T10:01:00-06:00\n"
        "Y0000002,1000002,,2024-03-09T12:00:00-06:00,-5.00,cash,2024-03-09T12:00:00-06:00\n",
        "pm_patient_payments",
        [{"payment_id": "Y0000001", "patient_mrn": "1000001", "appointment_id": "A00000001",
          "received_at": "2024-03-04T10:01:00-06:00", "amount": "30.00", "method": "card",
          "updated_at": "2024-03-04T10:01:00-06:00"},
         {"payment_id": "Y0000002", "patient_mrn": "1000002", "appointment_id": "",
          "received_at": "2024-03-09T12:00:00-06:00", "amount": "-5.00", "method": "cash",
          "updated_at": "2024-03-09T12:00:00-06:00"}],
    ),
}


def test_every_pm_table_has_a_case() -> None:
    assert {t.description for t in PM_TABLES} == set(EXPORTS)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_each_export_reads_to_exact_rows(name: str) -> None:
    text, table, expected = EXPORTS[name]
    result = read(text, name)
    assert result.rows == {table: [{**row, **lineage(name, i + 2)} for i, row in enumerate(expected)]}
    assert all(tuple(row) == table_for_file(name).column_names for row in result.rows[table])
    assert (result.records_read, result.records_loaded, result.records_quarantined) == (2, 2, 0)
    assert result.quarantine == [] and result.warnings == [] and result.balanced


APPOINTMENTS, _, APPOINTMENT_ROWS = EXPORTS["appointments.csv"]
HEADER, ROW1, ROW2 = APPOINTMENTS.splitlines()


def test_bom_and_crlf() -> None:
    result = read(("\ufeff" + APPOINTMENTS.replace("\n", "\r\n")).encode("utf-8"))
    assert result.rows["pm_appointments"] == [{**row, **lineage("appointments.csv", i + 2)}
                                              for i, row in enumerate(APPOINTMENT_ROWS)]
    assert result.quarantine == [] and result.warnings == []


def test_reordered_header_maps_by_name() -> None:
    columns = HEADER.split(",")
    order = list(reversed(range(len(columns))))
    def reorder(line: str) -> str:
        fields = line.split(",")
        return ",".join(fields[i] for i in order)
    # also: header names in another case and with spaces around them
    header = ", ".join(columns[i].upper() for i in order)
    result = read("\n".join([header, reorder(ROW1), reorder(ROW2)]) + "\n")
    assert result.rows["pm_appointments"] == [{**row, **lineage("appointments.csv", i + 2)}
                                              for i, row in enumerate(APPOINTMENT_ROWS)]
    assert tuple(result.rows["pm_appointments"][0]) == table_for_file("appointments.csv").column_names


def test_rfc4180_quoting_and_a_quoted_newline_shifts_positions() -> None:
    text = ("payer_id,payer_name,payer_type,updated_at\r\n"
            '60054,"Aetna, Inc.",commercial,2024-03-01T08:00:00-06:00\r\n'
            '62308,"Cigna\r\nBehavioral ""Health""",commercial,2024-03-01T08:00:00-06:00\r\n'
            "SELF,Self pay,self_pay,2024-03-01T08:00:00-06:00\r\n")
    rows = read(text, "payers.csv").rows["pm_payers"]
    assert [(r["payer_id"], r["payer_name"], r["_position"]) for r in rows] == [
        ("60054", "Aetna, Inc.", 2), ("62308", 'Cigna\r\nBehavioral "Health"', 3), ("SELF", "Self pay", 5)]


def test_missing_column_quarantines_the_whole_file() -> None:
    header = HEADER.replace("clinician_npi,", "").replace(",status_at", "")
    text = "\n".join([header, "A1,1000001,x", "A2,1000002,y"]) + "\n"
    result = read(text)
    assert result.rows == {"pm_appointments": []}
    assert result.quarantine == [{
        "source": "pm", "table_name": "pm_appointments", "location": "file", "rule": "missing_column",
        "reason": "the header lacks required column(s): clinician_npi, status_at", "record_key": None,
        "raw_text": header, **lineage("appointments.csv", None),
    }]
    assert tuple(result.quarantine[0]) == QUARANTINE.column_names
    assert (result.records_read, result.records_loaded, result.records_quarantined) == (2, 0, 2)
    assert result.balanced


def test_duplicate_required_column_quarantines_the_whole_file() -> None:
    text = "payer_id,payer_name,payer_type,updated_at,payer_name\n60054,Aetna,commercial,2024-03-01,Other\n"
    result = read(text, "payers.csv")
    assert result.rows == {"pm_payers": []}
    assert [(q["rule"], q["location"], q["reason"]) for q in result.quarantine] == [
        ("duplicate_column", "file", "the header names column(s) more than once: payer_name")]
    assert (result.records_read, result.records_quarantined) == (1, 1)


def test_extra_columns_are_ignored_with_a_warning() -> None:
    text = ("payer_id,payer_name,plan_notes,payer_type,updated_at,Legacy ID\n"
            "60054,Aetna,call first,commercial,2024-03-01T08:00:00-06:00,77\n")
    result = read(text, "payers.csv")
    assert result.rows["pm_payers"] == [{"payer_id": "60054", "payer_name": "Aetna", "payer_type": "commercial",
                                         "updated_at": "2024-03-01T08:00:00-06:00", **lineage("payers.csv", 2)}]
    assert result.warnings == ["pm/2024-04-01/payers.csv: extra column(s) ignored: plan_notes, Legacy ID"]
    assert result.quarantine == []
    trailing_comma = read("payer_id,payer_name,payer_type,updated_at,\nSELF,Self pay,self_pay,2024-03-01,\n",
                          "payers.csv")
    assert trailing_comma.warnings == ["pm/2024-04-01/payers.csv: extra column(s) ignored: (unnamed)"]
    assert trailing_comma.records_loaded == 1


def _only_quarantine(result) -> dict:
    assert len(result.quarantine) == 1
    q = result.quarantine[0]
    assert tuple(q) == QUARANTINE.column_names and result.balanced
    return q


def test_wrong_field_count() -> None:
    short = "A00000003,1000001,1064808946,2024-03-04T10:00:00-06:00"
    long = ROW2 + ",surprise"
    result = read("\n".join([HEADER, ROW1, short, long, ROW2]) + "\n")
    assert [(q["location"], q["rule"], q["reason"], q["record_key"], q["raw_text"], q["_position"])
            for q in result.quarantine] == [
        ("line 3", "wrong_field_count", "the row has 4 field(s) but the header has 12", "A00000003", short, 3),
        ("line 4", "wrong_field_count", "the row has 13 field(s) but the header has 12", "A00000002", long, 4),
    ]
    assert [r["_position"] for r in result.rows["pm_appointments"]] == [2, 5]
    assert (result.records_read, result.records_loaded, result.records_quarantined) == (4, 2, 2)


def test_missing_key() -> None:
    keyless = "," + ROW2.split(",", 1)[1]
    blank_key = "   " + keyless
    result = read("\n".join([HEADER, ROW1, keyless, blank_key]) + "\n")
    assert [(q["location"], q["rule"], q["reason"], q["record_key"], q["raw_text"]) for q in result.quarantine] == [
        ("line 3", "missing_key", "appointment_id is empty", None, keyless),
        ("line 4", "missing_key", "appointment_id is empty", None, blank_key),
    ]
    assert [r["appointment_id"] for r in result.rows["pm_appointments"]] == ["A00000001"]


def test_non_utf8_byte_quarantines_only_its_row() -> None:
    latin1 = "U0000009,1000009,60054,2024-03-01T10:00:00-06:00,,pending,,,,Se\xf1or,2024-03-01T10:00:00-06:00"
    text, _, _ = EXPORTS["authorizations.csv"]
    header, row1, row2 = text.splitlines()
    data = "\n".join([header, row1, ""]).encode() + latin1.encode("latin-1") + ("\n" + row2 + "\n").encode()
    result = read(data, "authorizations.csv")
    q = _only_quarantine(result)
    assert (q["location"], q["rule"], q["record_key"], q["_position"]) == ("line 3", "not_utf8", "U0000009", 3)
    assert q["raw_text"] == latin1.replace("\xf1", "\\xf1")
    assert [r["auth_id"] for r in result.rows["pm_authorizations"]] == ["U0000001", "U0000002"]
    assert [r["_position"] for r in result.rows["pm_authorizations"]] == [2, 4]


@pytest.mark.parametrize("data", [b"", b"\r\n", b"\n\n"])
def test_empty_file(data: bytes) -> None:
    result = read(data)
    assert result.rows == {"pm_appointments": []}
    assert (result.quarantine, result.warnings, result.records_read) == ([], [], 0)


@pytest.mark.parametrize("data", [HEADER, HEADER + "\r\n", "\ufeff" + HEADER + "\n\n"])
def test_header_only_file(data: str) -> None:
    result = read(data)
    assert result.rows == {"pm_appointments": []}
    assert (result.quarantine, result.warnings, result.records_read) == ([], [], 0)


def test_blank_lines_between_rows_are_not_records() -> None:
    result = read("\n".join([HEADER, ROW1, "", ROW2]))  # and no newline at the end
    assert [r["_position"] for r in result.rows["pm_appointments"]] == [2, 4]
    assert result.records_read == 2


def test_unterminated_quote_swallows_the_rest_into_one_quarantined_row() -> None:
    text = "payer_id,payer_name,payer_type,updated_at\n60054,\"Aetna,commercial,2024-03-01\nSELF,Self,self_pay,x\n"
    result = read(text, "payers.csv")
    q = _only_quarantine(result)
    assert (q["location"], q["rule"], q["record_key"]) == ("line 2", "wrong_field_count", "60054")
    assert q["raw_text"] == '60054,"Aetna,commercial,2024-03-01\nSELF,Self,self_pay,x'


def test_a_field_over_the_csv_size_limit_is_quarantined() -> None:
    limit = csv.field_size_limit(20)
    try:
        ok = read("payer_id,payer_name,payer_type,updated_at\n1,2,3,4\n5," + "6" * 30 + ",7,8\n9,9,9,9\n", "payers.csv")
        bad_header = read("payer_id,payer_name,payer_type,updated_at_" + "x" * 30 + "\n1,2,3,4\n", "payers.csv")
    finally:
        csv.field_size_limit(limit)
    q = _only_quarantine(ok)
    assert (q["location"], q["rule"], q["raw_text"]) == ("line 3", "malformed_row", "5," + "6" * 30 + ",7,8")
    assert [r["_position"] for r in ok.rows["pm_payers"]] == [2, 4]
    q = _only_quarantine(bad_header)
    assert (q["location"], q["rule"], bad_header.records_read, bad_header.records_loaded) == (
        "file", "malformed_header", 1, 0)


def test_unknown_file_name() -> None:
    with pytest.raises(ValueError, match="'invoices.csv'"):
        read("a,b\n1,2\n", "invoices.csv")


# --- a generated practice ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny_pm")
    generate(GeneratorConfig(clinicians=2, months=2), root / "landing", root / "truth")
    return root / "landing"


def test_generated_practice_reads_without_quarantine(tiny_landing: Path) -> None:
    files = sorted((tiny_landing / "pm").rglob("*.csv"))
    assert {p.name for p in files} == set(EXPORTS)
    for path in files:
        data = path.read_bytes()
        result = read_pm_csv(data, file_name=path.name, delivery=path.parent.name,
                             source_file=path.relative_to(tiny_landing).as_posix(), file_sha256="x")
        assert (result.quarantine, result.warnings) == ([], []), path
        assert result.balanced and result.records_loaded == result.records_read
        (rows,) = result.rows.values()
        # the generator writes no quoted line breaks: one row a line after the header
        assert [r["_position"] for r in rows] == list(range(2, len(data.splitlines()) + 1))


def test_messy_delivery_rows(messy_practice) -> None:
    changes = {c["kind"]: c for c in messy_practice.messy}
    keyless = changes["missing_key_csv_row"]
    path = messy_practice.landing / keyless["file"]
    result = read_pm_csv(path.read_bytes(), file_name=path.name, delivery=path.parent.name,
                         source_file=keyless["file"], file_sha256="x")
    assert [(q["location"], q["rule"]) for q in result.quarantine] == [(f"line {keyless['line']}", "missing_key")]
    # an unparseable timestamp is the data contracts' business: the raw reader keeps the string
    bad_date = changes["malformed_csv_row"]
    path = messy_practice.landing / bad_date["file"]
    result = read_pm_csv(path.read_bytes(), file_name=path.name, delivery=path.parent.name,
                         source_file=bad_date["file"], file_sha256="x")
    assert result.quarantine == []
    (row,) = [r for r in result.rows["pm_appointments"] if r["appointment_id"] == bad_date["key"]]
    assert (row["scheduled_start"], row["_position"]) == ("2024-13-45T25:00:00-06:00", bad_date["line"])
