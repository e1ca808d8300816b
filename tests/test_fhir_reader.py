"""The FHIR NDJSON reader: hand-written lines -> exact raw rows, every quarantine rule, a generated
practice and the public sample files (Synthea bulk export, US Core PHQ-9 example)."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from connectors.fhir_reader import file_resource_type, read_ndjson
from connectors.pm_reader import read_pm_csv
from connectors.raw_tables import BY_NAME, FHIR_TABLES, QUARANTINE
from synthetic.config import GeneratorConfig
from synthetic.generate import MRN_SYSTEM, generate

MR = "http://terminology.hl7.org/CodeSystem/v2-0203"
NPI = "http://hl7.org/fhir/sid/us-npi"
CPT = "http://www.ama-assn.org/go/cpt"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
CST = timezone(timedelta(hours=-6))
LINEAGE = {"_delivery": "2024-04-01", "_file_sha256": "f00d"}


def read(lines: list, name: str = "Encounter.ndjson", **kwargs):
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    return read_ndjson(text.encode("utf-8"), delivery="2024-04-01", source_file=f"ehr/2024-04-01/{name}",
                       file_sha256="f00d", **kwargs)


def lineage(name: str, position: int) -> dict:
    return {**LINEAGE, "_source_file": f"ehr/2024-04-01/{name}", "_position": position}


def b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def patient(**overrides) -> dict:
    resource = {
        "resourceType": "Patient", "id": "pat-1",
        "identifier": [
            {"system": "urn:oid:1.2.3.4", "value": "OTHER-9"},
            {"type": {"coding": [{"system": MR, "code": "MR"}]}, "system": MRN_SYSTEM, "value": "1000001"},
        ],
        "name": [{"use": "official", "family": "Robinson", "given": ["Olivia", "Mae"]}, {"family": "Old"}],
        "gender": "female", "birthDate": "1969-08-30",
        "address": [{"line": ["8045 Red River St"], "postalCode": "78664"}, {"postalCode": "99999"}],
    }
    resource.update(overrides)
    return resource


def practitioner(**overrides) -> dict:
    resource = {
        "resourceType": "Practitioner", "id": "prac-1",
        "identifier": [{"system": "urn:oid:9.9", "value": "LIC-1"}, {"system": NPI, "value": "1064808946"}],
        "name": [{"family": "Watson", "given": ["Everly"]}],
        "qualification": [{"code": {"coding": [{"system": "urn:lantern:credential", "code": "LPC"}],
                                    "text": "LPC"}}],
    }
    resource.update(overrides)
    return resource


def encounter(id: str = "enc-1", **overrides) -> dict:
    resource = {
        "resourceType": "Encounter", "id": id, "status": "finished",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "VR"},
        "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "185347001"}]},
                 {"coding": [{"system": CPT, "code": "90837"}]}],
        "subject": {"reference": "https://ehr.example.org/fhir/Patient/pat-1"},
        "participant": [{"individual": {"reference": "RelatedPerson/rp-1"}},
                        {"individual": {"reference": "Practitioner/prac-1"}}],
        "appointment": [{"reference": "Appointment/A00000042"}],
        "period": {"start": "2024-03-04T09:00:00-06:00", "end": "2024-03-04T09:53:00-06:00"},
    }
    resource.update(overrides)
    return resource


def document_reference(**overrides) -> dict:
    resource = {
        "resourceType": "DocumentReference", "id": "note-1", "status": "current", "docStatus": "final",
        "subject": {"reference": "Patient/pat-1"}, "date": "2024-03-04T17:12:00-06:00",
        "author": [{"reference": "Practitioner/prac-1"}],
        "content": [{"attachment": {"contentType": "text/plain; charset=utf-8",
                                    "data": b64("Time in 9:00; time out 9:53. Client café, calm.\nPlan: weekly.")}}],
        "context": {"encounter": [{"reference": "Encounter/enc-1"}]},
    }
    resource.update(overrides)
    return resource


# --- one resource type at a time: exact rows ---------------------------------------------------------------

def test_patient_row() -> None:
    result = read([patient()], "Patient.ndjson")
    assert result.rows == {"fhir_patients": [{
        "resource_id": "pat-1", "mrn": "1000001", "family_name": "Robinson", "given_name": "Olivia",
        "birth_date": date(1969, 8, 30), "gender": "female", "postal_code": "78664",
        **lineage("Patient.ndjson", 1),
    }]}
    assert (result.records_read, result.records_loaded, result.records_quarantined, result.skipped) == (1, 1, 0, 0)
    assert result.quarantine == [] and result.balanced


def test_patient_mrn_from_the_configured_system_first() -> None:
    ids = [{"type": {"coding": [{"system": MR, "code": "MR"}]}, "system": "urn:other-hospital", "value": "H-77"},
           {"system": "urn:practice-mrn", "value": "P-12"}]
    assert read([patient(identifier=ids)], "Patient.ndjson").rows["fhir_patients"][0]["mrn"] == "H-77"
    rows = read([patient(identifier=ids)], "Patient.ndjson", mrn_system="urn:practice-mrn").rows
    assert rows["fhir_patients"][0]["mrn"] == "P-12"
    # an untyped identifier counts only when its system is the configured one
    untyped = [{"system": "urn:practice-mrn", "value": "P-12"}]
    assert read([patient(identifier=untyped)], "Patient.ndjson").quarantine[0]["rule"] == "missing_key"
    assert read([patient(identifier=untyped)], "Patient.ndjson",
                mrn_system="urn:practice-mrn").rows["fhir_patients"][0]["mrn"] == "P-12"


def test_patient_partial_birth_date_and_missing_fields() -> None:
    bare = {"resourceType": "Patient", "id": "p2", "birthDate": "1980-05",
            "identifier": [{"type": {"coding": [{"system": MR, "code": "MR"}]}, "value": "9"}]}
    row = read([bare], "Patient.ndjson").rows["fhir_patients"][0]
    assert row["birth_date"] == date(1980, 5, 1)
    assert (row["family_name"], row["given_name"], row["gender"], row["postal_code"]) == (None, None, None, None)


def test_practitioner_rows_and_credential_fallback() -> None:
    coded_only = practitioner(id="prac-2", qualification=[{"code": {"coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/v2-0360|2.7", "code": "PHD"}]}}])
    result = read([practitioner(), coded_only, practitioner(id="prac-3", qualification=None)], "Practitioner.ndjson")
    assert result.rows["fhir_practitioners"] == [
        {"resource_id": "prac-1", "npi": "1064808946", "family_name": "Watson", "given_name": "Everly",
         "credential": "LPC", **lineage("Practitioner.ndjson", 1)},
        {"resource_id": "prac-2", "npi": "1064808946", "family_name": "Watson", "given_name": "Everly",
         "credential": "PHD", **lineage("Practitioner.ndjson", 2)},
        {"resource_id": "prac-3", "npi": "1064808946", "family_name": "Watson", "given_name": "Everly",
         "credential": None, **lineage("Practitioner.ndjson", 3)},
    ]


def test_encounter_row() -> None:
    result = read([encounter()])
    assert result.rows == {"fhir_encounters": [{
        "resource_id": "enc-1", "status": "finished", "class_code": "VR", "cpt_code": "90837",
        "patient_ref": "pat-1", "practitioner_ref": "prac-1", "appointment_id": "A00000042",
        "period_start": datetime(2024, 3, 4, 9, 0, tzinfo=CST), "period_end": datetime(2024, 3, 4, 9, 53, tzinfo=CST),
        **lineage("Encounter.ndjson", 1),
    }]}
    start = result.rows["fhir_encounters"][0]["period_start"]
    assert start.utcoffset() == timedelta(hours=-6)  # the offset as written, not only the same instant


@pytest.mark.parametrize(("reference", "expected"), [
    ("Patient/abc", "abc"),
    ("https://ehr.example.org/fhir/R4/Patient/abc", "abc"),
    ("Patient/abc/_history/3", "abc"),
    ("Group/g1", "Group/g1"),  # another type: kept as written, never joined to a Patient id
    ("Patient?identifier=urn:mrn|1000001", "Patient?identifier=urn:mrn|1000001"),  # conditional
    ("#contained-1", "#contained-1"),
    ("urn:uuid:5f2b1c9e-0000-4000-8000-000000000001", "urn:uuid:5f2b1c9e-0000-4000-8000-000000000001"),
])
def test_reference_id_part(reference: str, expected: str) -> None:
    row = read([encounter(subject={"reference": reference})]).rows["fhir_encounters"][0]
    assert row["patient_ref"] == expected


def test_encounter_without_optional_parts() -> None:
    bare = {"resourceType": "Encounter", "id": "e2", "status": "planned",
            "participant": [{"individual": {"reference": "RelatedPerson/rp-1"}}]}
    row = read([bare]).rows["fhir_encounters"][0]
    assert row["practitioner_ref"] == "RelatedPerson/rp-1"  # no Practitioner: participant[0] as written
    assert [row[c] for c in ("class_code", "cpt_code", "patient_ref", "appointment_id", "period_start",
                             "period_end")] == [None] * 6


def test_condition_rows_recorded_date_then_onset() -> None:
    date_only = {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/pat-1"},
                 "encounter": {"reference": "Encounter/enc-1"},
                 "code": {"coding": [{"system": "http://snomed.info/sct", "code": "35489007"},
                                     {"system": ICD, "code": "F32.1"}]},
                 "onsetDateTime": "2023-01-01T00:00:00Z", "recordedDate": "2024-03-04"}
    onset_only = {"resourceType": "Condition", "id": "c2", "subject": {"reference": "Patient/pat-1"},
                  "code": {"coding": [{"system": ICD, "code": "F41.1"}]}, "onsetDateTime": "2024-03-04T09:30:00Z"}
    result = read([date_only, onset_only], "Condition.ndjson")
    assert result.rows["fhir_conditions"] == [
        {"resource_id": "c1", "patient_ref": "pat-1", "encounter_ref": "enc-1", "icd10_code": "F32.1",
         "recorded_at": datetime(2024, 3, 4, tzinfo=timezone.utc), **lineage("Condition.ndjson", 1)},
        {"resource_id": "c2", "patient_ref": "pat-1", "encounter_ref": None, "icd10_code": "F41.1",
         "recorded_at": datetime(2024, 3, 4, 9, 30, tzinfo=timezone.utc), **lineage("Condition.ndjson", 2)},
    ]


def test_observation_values() -> None:
    base = {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/pat-1"},
            "encounter": {"reference": "Encounter/enc-1"}, "effectiveDateTime": "2024-03-04T09:00:00-06:00"}
    phq9 = {"coding": [{"system": LOINC, "code": "44261-6"}]}
    gad7 = {"coding": [{"system": LOINC, "code": "70274-6"}]}
    lines = [
        {**base, "id": "o1", "code": phq9, "valueInteger": 14},
        {**base, "id": "o2", "code": gad7, "valueQuantity": {"value": 9, "unit": "{score}"}},
        {**base, "id": "o3", "code": phq9, "valueString": "12"},
        {**base, "id": "o4", "code": phq9, "valueString": "moderate"},
        {**base, "id": "o5", "code": {"text": "no coding"}, "valueQuantity": {"value": 7.5},
         "effectiveDateTime": None, "effectivePeriod": {"start": "2024-03-04T15:00:00Z"}},
    ]
    rows = read(lines, "Observation.ndjson").rows["fhir_observations"]
    assert [(r["resource_id"], r["loinc_code"], r["value"]) for r in rows] == [
        ("o1", "44261-6", 14.0), ("o2", "70274-6", 9.0), ("o3", "44261-6", 12.0), ("o4", "44261-6", None),
        ("o5", None, 7.5)]
    assert rows[0] == {"resource_id": "o1", "status": "final", "loinc_code": "44261-6", "patient_ref": "pat-1",
                       "encounter_ref": "enc-1", "effective_at": datetime(2024, 3, 4, 9, tzinfo=CST), "value": 14.0,
                       **lineage("Observation.ndjson", 1)}
    assert rows[4]["effective_at"] == datetime(2024, 3, 4, 15, tzinfo=timezone.utc)


def test_document_reference_row_with_decoded_note() -> None:
    result = read([document_reference()], "DocumentReference.ndjson")
    assert result.rows == {"fhir_document_references": [{
        "resource_id": "note-1", "status": "current", "doc_status": "final",
        "signed_at": datetime(2024, 3, 4, 17, 12, tzinfo=CST), "author_ref": "prac-1", "patient_ref": "pat-1",
        "encounter_ref": "enc-1", "content_type": "text/plain; charset=utf-8",
        "note_text": "Time in 9:00; time out 9:53. Client café, calm.\nPlan: weekly.",
        **lineage("DocumentReference.ndjson", 1),
    }]}


def test_document_reference_base64_with_line_breaks_and_non_text_attachment() -> None:
    wrapped = b64("x" * 80)
    wrapped = wrapped[:76] + "\r\n" + wrapped[76:]
    pdf = {"attachment": {"contentType": "application/pdf", "data": base64.b64encode(b"%PDF-\xff\xfe").decode()}}
    url_only = {"attachment": {"contentType": "text/plain", "url": "Binary/b1"}}
    lines = [document_reference(id="n1", content=[{"attachment": {"contentType": "text/plain", "data": wrapped}}]),
             document_reference(id="n2", content=[pdf]),
             document_reference(id="n3", content=[url_only])]
    rows = read(lines, "DocumentReference.ndjson").rows["fhir_document_references"]
    assert [(r["resource_id"], r["content_type"], r["note_text"]) for r in rows] == [
        ("n1", "text/plain", "x" * 80), ("n2", "application/pdf", None), ("n3", "text/plain", None)]


def test_rows_are_keyed_exactly_by_the_raw_table_columns() -> None:
    obs = {"resourceType": "Observation", "id": "o1", "valueInteger": 3}
    cond = {"resourceType": "Condition", "id": "c1"}
    result = read([patient(), practitioner(), encounter(), cond, obs, document_reference()], "mixed.ndjson")
    assert sorted(result.rows) == sorted(t.name for t in FHIR_TABLES)
    for table, rows in result.rows.items():
        assert [tuple(row) for row in rows] == [BY_NAME[table].column_names]


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-03-04T09:00:00.123+05:30", datetime(2024, 3, 4, 9, 0, 0, 123000, tzinfo=timezone(timedelta(hours=5.5)))),
    ("2024-03-04T15:00:00Z", datetime(2024, 3, 4, 15, tzinfo=timezone.utc)),
    ("2024-03-04T15:00:00.123456789Z", datetime(2024, 3, 4, 15, 0, 0, 123456, tzinfo=timezone.utc)),
    ("2024-03-04", datetime(2024, 3, 4, tzinfo=timezone.utc)),
    ("2024-03", datetime(2024, 3, 1, tzinfo=timezone.utc)),
    ("2024", datetime(2024, 1, 1, tzinfo=timezone.utc)),
])
def test_timestamp_forms(value: str, expected: datetime) -> None:
    row = read([encounter(period={"start": value})]).rows["fhir_encounters"][0]
    assert row["period_start"] == expected and row["period_start"].utcoffset() == expected.utcoffset()


# --- quarantine: each rule at line 3, the other lines still load ---------------------------------------------

BAD_LINES = [
    ("Encounter.ndjson", '{"resourceType":"Encounter","id":"truncated-export","status":"fin', "invalid_json", None,
     "not valid JSON"),
    ("Encounter.ndjson", "[1, 2, 3]", "not_a_resource", None, "a JSON list without a resourceType"),
    ("Encounter.ndjson", '{"id": "x1", "status": "finished"}', "not_a_resource", None, "without a resourceType"),
    ("Encounter.ndjson", json.dumps(patient()), "unexpected_resource_type", "pat-1",
     "a Patient resource in a file named for Encounter resources"),
    ("Encounter.002.ndjson", json.dumps(patient()), "unexpected_resource_type", "pat-1",
     "a Patient resource in a file named for Encounter resources"),
    ("Encounter.ndjson", json.dumps({k: v for k, v in encounter().items() if k != "id"}), "missing_key", None,
     "Encounter has no id"),
    ("Encounter.ndjson", json.dumps(encounter(id="e-bad", period={"start": "2024-13-45T25:00:00-06:00"})),
     "unparseable_timestamp", "e-bad", "period.start '2024-13-45T25:00:00-06:00' is not a real date or time"),
    ("Encounter.ndjson", json.dumps(encounter(id="e-bad", period={"start": "yesterday"})),
     "unparseable_timestamp", "e-bad", "period.start 'yesterday' is not a FHIR date or dateTime"),
    ("Encounter.ndjson", json.dumps(encounter(id="e-bad", period={"start": "2024-03-04T09:00:00"})),
     "timestamp_without_offset", "e-bad", "period.start '2024-03-04T09:00:00' has a time but no UTC offset"),
]


def _good_and_bad(name: str, bad: str) -> list:
    good = {
        "Encounter": lambda i: encounter(id=f"e{i}"),
        "Patient": lambda i: patient(id=f"p{i}"),
        "Practitioner": lambda i: practitioner(id=f"d{i}"),
        "DocumentReference": lambda i: document_reference(id=f"n{i}"),
    }[name.split(".")[0]]
    return [good(1), good(2), bad, good(4)]


def _assert_line_3_quarantined(result, name: str, bad: str, rule: str, key: str | None, reason: str) -> None:
    """One quarantine record for line 3 (meant for the file's table, or the line's own type's table)."""
    assert len(result.quarantine) == 1
    q = result.quarantine[0]
    assert tuple(q) == QUARANTINE.column_names
    assert (q["source"], q["location"], q["rule"], q["record_key"], q["raw_text"], q["_position"]) == (
        "ehr", "line 3", rule, key, bad, 3)
    assert reason in q["reason"]
    assert (q["_delivery"], q["_source_file"], q["_file_sha256"]) == ("2024-04-01", f"ehr/2024-04-01/{name}", "f00d")
    (table, rows), = result.rows.items()
    assert q["table_name"] == ("fhir_patients" if rule == "unexpected_resource_type" else table)
    assert [r["_position"] for r in rows] == [1, 2, 4]
    assert (result.records_read, result.records_loaded, result.records_quarantined) == (4, 3, 1)
    assert result.balanced


@pytest.mark.parametrize(("name", "bad", "rule", "key", "reason"), BAD_LINES)
def test_quarantine_rule(name: str, bad: str, rule: str, key: str | None, reason: str) -> None:
    result = read(_good_and_bad(name, bad), name)
    _assert_line_3_quarantined(result, name, bad, rule, key, reason)


def test_patient_without_mrn_and_practitioner_without_npi() -> None:
    bad = json.dumps(patient(id="p-no-mrn", identifier=[{"system": "urn:oid:1.2.3.4", "value": "OTHER-9"}]))
    _assert_line_3_quarantined(read(_good_and_bad("Patient.ndjson", bad), "Patient.ndjson"), "Patient.ndjson",
                               bad, "missing_key", "p-no-mrn", "Patient has no MRN")
    bad = json.dumps(practitioner(id="d-no-npi", identifier=[{"system": NPI, "value": ""}]))
    _assert_line_3_quarantined(read(_good_and_bad("Practitioner.ndjson", bad), "Practitioner.ndjson"),
                               "Practitioner.ndjson", bad, "missing_key", "d-no-npi", "Practitioner has no NPI")


@pytest.mark.parametrize(("data", "reason"), [
    ("not base64!!", "not valid base64"),
    (base64.b64encode(b"caf\xe9 latin-1").decode(), "not UTF-8"),
])
def test_undecodable_attachment(data: str, reason: str) -> None:
    bad = json.dumps(document_reference(id="n-bad", content=[{"attachment": {"contentType": "text/plain",
                                                                             "data": data}}]))
    result = read(_good_and_bad("DocumentReference.ndjson", bad), "DocumentReference.ndjson")
    _assert_line_3_quarantined(result, "DocumentReference.ndjson", bad, "undecodable_attachment", "n-bad", reason)


def test_not_utf8_line() -> None:
    lines = [json.dumps(encounter(id=f"e{i}")).encode() for i in (1, 2, 4)]
    bad = b'{"resourceType":"Encounter","id":"e3","status":"fin\xe9"}'
    data = b"\n".join(lines[:2] + [bad, lines[2]]) + b"\n"
    result = read_ndjson(data, delivery="2024-04-01", source_file="ehr/2024-04-01/Encounter.ndjson",
                         file_sha256="f00d")
    _assert_line_3_quarantined(result, "Encounter.ndjson", '{"resourceType":"Encounter","id":"e3","status":"fin\\xe9"}',
                               "not_utf8", None, "not UTF-8")


def test_validate_quarantines_what_fhir_resources_rejects() -> None:
    bad = json.dumps(encounter(id="e-bad", subject="Patient/pat-1"))  # a string where a Reference belongs
    lines = _good_and_bad("Encounter.ndjson", bad)
    assert read(lines).records_quarantined == 0  # the load path does not validate: subject reads as None
    assert read(lines).rows["fhir_encounters"][2]["patient_ref"] is None
    result = read(lines, validate=True)
    _assert_line_3_quarantined(result, "Encounter.ndjson", bad, "invalid_fhir", "e-bad",
                               "not a valid FHIR Encounter: Encounter.subject")


# --- what is not quarantined --------------------------------------------------------------------------------

def test_resource_types_we_do_not_use_are_skipped_and_counted() -> None:
    org = {"resourceType": "Organization", "id": "org-1", "name": "Clinic"}
    result = read([org, org], "Organization.000.ndjson")
    assert (result.rows, result.quarantine) == ({}, [])
    assert (result.records_read, result.records_loaded, result.skipped, result.skipped_by_kind) == (
        2, 0, 2, {"Organization": 2})
    mixed = read([patient(), {"resourceType": "Claim", "id": "cl-1"}, {"resourceType": "Immunization", "id": "i"}],
                 "export.ndjson")
    assert (mixed.records_read, mixed.records_loaded, mixed.skipped, mixed.records_quarantined) == (3, 1, 2, 0)
    assert mixed.skipped_by_kind == {"Claim": 1, "Immunization": 1} and mixed.balanced


@pytest.mark.parametrize("data", [b"", b"\n", b"\r\n\r\n  \n"])
def test_empty_files(data: bytes) -> None:
    result = read_ndjson(data, delivery="d", source_file="ehr/d/Patient.ndjson", file_sha256="e3b0")
    assert (result.rows, result.quarantine, result.records_read, result.skipped) == ({}, [], 0, 0)


def test_crlf_bom_and_blank_lines_keep_line_numbers() -> None:
    data = ("\ufeff" + json.dumps(encounter(id="e1")) + "\r\n\r\n" + json.dumps(encounter(id="e3")) + "\r\n").encode()
    result = read_ndjson(data, delivery="d", source_file="Encounter.000.ndjson", file_sha256="x")
    assert [(r["resource_id"], r["_position"]) for r in result.rows["fhir_encounters"]] == [("e1", 1), ("e3", 3)]
    assert result.records_read == 2 and result.quarantine == []


def test_file_resource_type() -> None:
    assert file_resource_type("ehr/2024-04-01/Encounter.ndjson") == "Encounter"
    assert file_resource_type("ehr/2024-04-01/DocumentReference.000.ndjson") == "DocumentReference"
    assert file_resource_type("ehr/2024-04-01/Patient.017.ndjson") == "Patient"
    assert file_resource_type("log.ndjson") is None
    assert file_resource_type("export.ndjson") is None


# --- a generated practice ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny_fhir")
    generate(GeneratorConfig(clinicians=2, months=2), root / "landing", root / "truth")
    return root / "landing"


@pytest.mark.parametrize("mrn_system", [None, MRN_SYSTEM])
def test_generated_practice_reads_without_quarantine(tiny_landing: Path, mrn_system: str | None) -> None:
    files = sorted((tiny_landing / "ehr").rglob("*.ndjson"))
    assert files
    appointment_ids: list[str] = []
    tables: set[str] = set()
    for path in files:
        data = path.read_bytes()
        result = read_ndjson(data, delivery=path.parent.name, source_file=path.relative_to(tiny_landing).as_posix(),
                             file_sha256="x", mrn_system=mrn_system)
        assert result.quarantine == [], (path, result.quarantine[:3])
        assert result.skipped == 0 and result.balanced
        assert result.records_loaded == sum(1 for line in data.splitlines() if line.strip())
        tables |= set(result.rows)
        appointment_ids += [row["appointment_id"] for row in result.rows.get("fhir_encounters", [])]
    assert tables == {t.name for t in FHIR_TABLES}
    completed = set()
    for path in (tiny_landing / "pm").rglob("appointments.csv"):
        rows = read_pm_csv(path.read_bytes(), file_name=path.name, delivery="", source_file="", file_sha256="")
        completed |= {r["appointment_id"] for r in rows.rows["pm_appointments"] if r["status"] == "completed"}
    assert len(appointment_ids) == len(set(appointment_ids))
    assert set(appointment_ids) == completed


# --- the public sample files ----------------------------------------------------------------------------------

@pytest.mark.real
def test_us_core_phq9_total_value_string(real_fixtures: Path) -> None:
    path = real_fixtures / "fhir" / "us-core-phq9" / "Observation-PHQ9-item-example-44261-6.json"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    line = json.dumps(json.loads(path.read_text(encoding="utf-8"))).encode()
    result = read_ndjson(line, delivery="us-core", source_file="Observation.ndjson", file_sha256="x")
    assert result.rows == {"fhir_observations": [{
        "resource_id": "PHQ9-item-example-44261-6", "status": "final", "loinc_code": "44261-6",
        "patient_ref": "example", "encounter_ref": None,
        "effective_at": datetime(2022, 11, 29, 20, 50, 32, 718000, tzinfo=timezone.utc), "value": 12.0,
        "_delivery": "us-core", "_source_file": "Observation.ndjson", "_file_sha256": "x", "_position": 1,
    }]}


@pytest.mark.real
def test_us_core_phq9_observations_as_one_file(real_fixtures: Path) -> None:
    folder = real_fixtures / "fhir" / "us-core-phq9"
    paths = sorted(folder.glob("Observation-PHQ9-*.json"))
    if len(paths) != 12:
        pytest.skip(f"expected the 12 US Core PHQ-9 Observations in {folder}")
    data = "".join(json.dumps(json.loads(p.read_text(encoding="utf-8"))) + "\n" for p in paths).encode()
    result = read_ndjson(data, delivery="us-core", source_file="Observation.ndjson", file_sha256="x", validate=True)
    rows = result.rows["fhir_observations"]
    assert result.quarantine == [] and len(rows) == 12
    # items answer with a LOINC answer code (valueCodeableConcept): no number; only the total has one
    assert {r["loinc_code"]: r["value"] for r in rows if r["value"] is not None} == {"44261-6": 12.0}


# Synthea's 10-patient bulk export (smart-on-fhir/sample-bulk-fhir-datasets): per file,
# (records read, loaded, quarantined, skipped).
BULK_COUNTS = {
    "AllergyIntolerance.000.ndjson": (11, 0, 0, 11),
    "Condition.000.ndjson": (555, 555, 0, 0),
    "Device.000.ndjson": (16, 0, 0, 16),
    "DocumentReference.000.ndjson": (1215, 1215, 0, 0),
    "Encounter.000.ndjson": (1215, 1215, 0, 0),
    "Immunization.000.ndjson": (161, 0, 0, 161),
    "Location.000.ndjson": (44, 0, 0, 44),
    "MedicationRequest.000.ndjson": (1745, 0, 0, 1745),
    "Organization.000.ndjson": (43, 0, 0, 43),
    "Patient.000.ndjson": (13, 13, 0, 0),
    "Practitioner.000.ndjson": (43, 43, 0, 0),
    "PractitionerRole.000.ndjson": (43, 0, 0, 43),
    "Procedure.000.ndjson": (2056, 0, 0, 2056),
    "log.ndjson": (4, 0, 4, 0),  # the export's log, not resources: a loader should not feed it to the reader
}


@pytest.mark.real
def test_synthea_bulk_export(real_fixtures: Path) -> None:
    folder = real_fixtures / "fhir" / "bulk-10-patients"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    results = {}
    for path in sorted(folder.glob("*.ndjson")):
        result = read_ndjson(path.read_bytes(), delivery="bulk-10", source_file=path.name, file_sha256="x")
        assert result.balanced
        results[path.name] = result
    assert {name: (r.records_read, r.records_loaded, r.records_quarantined, r.skipped)
            for name, r in results.items()} == BULK_COUNTS
    assert {q["rule"] for q in results["log.ndjson"].quarantine} == {"not_a_resource"}

    # Every Synthea Patient carries an MR-typed identifier (system http://hospital.smarthealthit.org)
    # whose value is the resource id.
    patients = results["Patient.000.ndjson"].rows["fhir_patients"]
    assert all(p["mrn"] == p["resource_id"] for p in patients)
    practitioners = results["Practitioner.000.ndjson"].rows["fhir_practitioners"]
    assert all(len(p["npi"]) == 10 and p["credential"] is None for p in practitioners)
    # Synthea codes encounters and conditions in SNOMED CT only, and books no appointments
    encounters = results["Encounter.000.ndjson"].rows["fhir_encounters"]
    assert {(e["cpt_code"], e["appointment_id"]) for e in encounters} == {(None, None)}
    assert {e["patient_ref"] for e in encounters} <= {p["resource_id"] for p in patients}
    # its practitioners are conditional references by NPI, kept as written
    npis = {p["npi"] for p in practitioners}
    prefix = "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|"
    assert all(e["practitioner_ref"].startswith(prefix) and e["practitioner_ref"][len(prefix):] in npis
               for e in encounters)
    assert {c["icd10_code"] for c in results["Condition.000.ndjson"].rows["fhir_conditions"]} == {None}
    notes = results["DocumentReference.000.ndjson"].rows["fhir_document_references"]
    assert {n["content_type"] for n in notes} == {"text/plain; charset=utf-8"}
    assert all(n["note_text"] and n["signed_at"].tzinfo is not None for n in notes)
    assert {n["encounter_ref"] for n in notes} <= {e["resource_id"] for e in encounters}


def test_messy_delivery_bad_line_is_quarantined_where_the_truth_says(messy_practice) -> None:
    (change,) = [c for c in messy_practice.messy if c["kind"] == "bad_ndjson_line"]
    path = messy_practice.landing / change["file"]
    result = read_ndjson(path.read_bytes(), delivery=path.parent.name, source_file=change["file"], file_sha256="x")
    assert [(q["location"], q["rule"], q["record_key"]) for q in result.quarantine] == [
        (f"line {change['line']}", "invalid_json", None)]
    assert result.records_loaded == result.records_read - 1 and result.balanced
