"""Property-based tests of the three readers (Hypothesis).

Round trip: random valid records, written by the demo generator's own writers (synthetic/writers) and read back
by the readers (connectors/), give exactly the records written, field by field: money as Decimal, exact to the
cent; dates, offsets and Unicode names as written.

Corruption: a valid file with random damage (bytes deleted, inserted, replaced, the file cut short, segments or
lines dropped, repeated or swapped, separators swapped, invalid UTF-8, values of the wrong JSON type or X12
elements replaced), read the way the loader reads it (`read_landing_file`), never raises; every record is loaded,
quarantined or skipped and counted once; every quarantine record names the file, the line or segment and a reason;
and every row the reader returns fits its raw table's types (the loader's own Arrow conversion takes it).

The examples are derandomized (the same ones on every run); `HYPOTHESIS_PROFILE=long` searches far longer
(tests/conftest.py registers the profiles).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from connectors.fhir_reader import read_ndjson
from connectors.pm_reader import read_pm_csv
from connectors.raw_tables import BY_NAME, QUARANTINE
from connectors.x12_reader import read_x12
from orchestration.extract.loader import LandingFile, _arrow_table, read_landing_file
from synthetic.writers import fhir as fw
from synthetic.writers.pm_csv import COLUMNS as PM_COLUMNS
from synthetic.writers.pm_csv import render_csv
from synthetic.writers.x12 import _text_cleaner, render_277ca, render_835, render_837p
from reader_strategies import (
    ACCEPTED_CATEGORIES,
    CLAIM_FILING_835,
    CLAIM_FILING_837,
    ack_files,
    appointments,
    clinicians,
    conditions,
    fhir_ids,
    observations,
    patients,
    pm_files,
    remittance_files,
    submission_batches,
)

DELIVERY = "2024-04-01"
RECORD_TABLES = {"payer": ("x12_claims", "x12_claim_payments", "x12_claim_acks")}
LOCATION = re.compile(r"file|line [1-9][0-9]*|segment [1-9][0-9]* \(.{0,20}\)", re.S)


def sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def cents(value: object) -> int:
    """Money read as a Decimal, in whole cents; fails on a float or on a fraction of a cent."""
    assert isinstance(value, Decimal), f"{value!r} is not a Decimal"
    scaled = value * 100
    assert scaled == scaled.to_integral_value(), f"{value} is not a whole number of cents"
    return int(scaled)


def lineage(source_file: str, sha256: str, position: int) -> dict:
    return {"_delivery": DELIVERY, "_source_file": source_file, "_file_sha256": sha256, "_position": position}


def x12_segments(text: str, terminator: str) -> list[str]:
    """The segments of a file the writer wrote (its separators known), for checking positions."""
    if terminator != "\n":
        text = text.replace("\n", "")
    return [raw for raw in text.split(terminator) if raw.strip()]


def check_positions(text: str, sep, rows: list[dict], segment_id: str, key_at: int) -> None:
    """Each row's _position is the 1-based number of the segment it was read from (its claim id at `key_at`)."""
    segments = x12_segments(text, sep.terminator)
    for row in rows:
        elements = segments[row["_position"] - 1].strip().split(sep.element)
        assert (elements[0], elements[key_at]) == (segment_id, row["claim_id"])


def storable(rows_by_table: dict[str, list[dict]], quarantine: list[dict]) -> None:
    """The loader's own conversion (raw table types) takes every row and quarantine record the reader returned."""
    for name, rows in [*rows_by_table.items(), ("quarantine", quarantine)]:
        if rows:
            table = QUARANTINE if name == "quarantine" else BY_NAME[name]
            _arrow_table(table, pd.DataFrame(rows, columns=table.column_names))


# ================================================================================================ round trip: X12


def read_written_x12(text: str, kind: str):
    result = read_x12(text, delivery=DELIVERY, source_file=f"payer/{DELIVERY}/file.{kind}", file_sha256=sha(text),
                      expected_kind=kind)
    assert result.quarantine == [], result.quarantine[:1]
    return result


def cleaned(sep, value: str, limit: int) -> str | None:
    """Free text as the X12 writer puts it in an element (reduced to its character set), None when empty."""
    return _text_cleaner(sep)(value)[:limit] or None


@given(submission_batches())
def test_837p_claims_read_back_as_written(drawn):
    batch, practice, control, sep = drawn
    text = render_837p(batch, practice, control, sep)
    result = read_written_x12(text, "837")
    file_sha = sha(text)
    source_file = f"payer/{DELIVERY}/file.837"

    payer_order = list(dict.fromkeys(claim.payer.payer_id for claim in batch.claims))
    claims = {row["claim_id"]: row for row in result.rows["x12_claims"]}
    assert sorted(claims) == sorted(claim.claim_id for claim in batch.claims)
    assert result.records_read == result.records_loaded == len(batch.claims) and result.records_quarantined == 0
    lines_of: dict[str, list[dict]] = {}
    for line in result.rows["x12_claim_lines"]:
        lines_of.setdefault(line["claim_key"], []).append(line)
    submitted = batch.submitted_at.replace(tzinfo=None, second=0, microsecond=0)
    for claim in batch.claims:
        row = dict(claims[claim.claim_id])
        assert cents(row.pop("total_charge")) == sum(line.charge_cents for line in claim.lines)
        key = row.pop("claim_key")
        assert key == f"{file_sha}:{row['_position']}"
        assert row == {
            "claim_id": claim.claim_id, "frequency_code": claim.frequency, "place_of_service": claim.place_of_service,
            "prior_auth": claim.prior_auth, "original_reference": claim.original_reference,
            "diagnosis_codes": ",".join(code.replace(".", "") for code in claim.diagnoses),
            "payer_id": claim.payer.payer_id, "payer_name": cleaned(sep, claim.payer.name, 60),
            "claim_filing_code": CLAIM_FILING_837[claim.payer.payer_type], "member_id": claim.coverage.member_id,
            "relationship": "19" if claim.coverage.relationship == "child" else "18",
            "billing_npi": practice.npi, "rendering_npi": claim.rendering.npi, "submitted_at_local": submitted,
            "transaction_control": f"{control % 100_000:05d}{payer_order.index(claim.payer.payer_id) + 1:04d}",
            "interchange_control": f"{control:09d}", **lineage(source_file, file_sha, row["_position"]),
        }
        lines = lines_of.pop(key)
        assert len(lines) == len(claim.lines)
        for number, (line, written) in enumerate(zip(lines, claim.lines, strict=True), 1):
            line = dict(line)
            assert cents(line.pop("charge")) == written.charge_cents
            assert line.pop("units") == Decimal(written.units)
            assert line == {
                "claim_key": key, "line_number": number, "procedure_code": written.cpt,
                "modifiers": ",".join(written.modifiers) or None,
                "place_of_service": None if written.place_of_service == claim.place_of_service
                else written.place_of_service,
                "service_date": written.service_date, **lineage(source_file, file_sha, line["_position"]),
            }
    assert lines_of == {}
    check_positions(text, sep, result.rows["x12_claims"], "CLM", 1)
    storable(result.rows, result.quarantine)


@given(remittance_files())
def test_835_payments_read_back_as_written(drawn):
    remits, practice, control, sep = drawn
    text = render_835(remits, practice, control, sep)
    result = read_written_x12(text, "835")
    rows = result.rows
    file_sha = sha(text)
    source_file = f"payer/{DELIVERY}/file.835"
    assert len(rows["x12_remittances"]) == len(remits)
    n_claims = sum(len(remit.claims) for remit in remits)
    assert result.records_read == result.records_loaded == n_claims == len(rows["x12_claim_payments"])

    def children(table: str, key: str) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for row in rows[table]:
            out.setdefault(row[key], []).append(row)
        return out

    payments_of = children("x12_claim_payments", "remittance_key")
    services_of = children("x12_service_payments", "claim_payment_key")
    plbs_of = children("x12_provider_adjustments", "remittance_key")
    adjustments = Counter()
    remarks = Counter()
    for row in rows["x12_adjustments"]:
        assert row["quantity"] is None
        adjustments[row["claim_payment_key"], row["service_payment_key"], row["level"], row["group_code"],
                    row["reason_code"], cents(row["amount"])] += 1
    for row in rows["x12_remarks"]:
        remarks[row["claim_payment_key"], row["service_payment_key"], row["level"], row["remark_code"]] += 1
    expected_adjustments = Counter()
    expected_remarks = Counter()

    for number, (remit, remittance) in enumerate(zip(remits, rows["x12_remittances"], strict=True), 1):
        remittance = dict(remittance)
        total = remit.total_cents
        assert cents(remittance.pop("payment_amount")) == total
        remittance_key = remittance.pop("remittance_key")
        assert remittance_key == f"{file_sha}:{remittance['_position']}"
        assert remittance == {
            "payer_id": remit.payer.payer_id, "payer_name": cleaned(sep, remit.payer.name, 60), "credit_debit": "C",
            "payment_method": "NON" if total == 0 else remit.method, "payment_date": remit.payment_date,
            "trace_number": remit.trace_number, "payee_npi": practice.npi,
            "transaction_control": f"{control % 100_000:05d}{number:04d}", "interchange_control": f"{control:09d}",
            **lineage(source_file, file_sha, remittance["_position"]),
        }
        payments = payments_of.pop(remittance_key, [])
        for claim, payment in zip(remit.claims, payments, strict=True):
            payment = dict(payment)
            key = payment.pop("claim_payment_key")
            assert (cents(payment.pop("charge")), cents(payment.pop("paid")),
                    cents(payment.pop("patient_responsibility"))) == (
                claim.charge_cents, claim.paid_cents, claim.patient_resp_cents)
            assert payment == {
                "remittance_key": remittance_key, "claim_id": claim.claim_id, "status_code": claim.status,
                "claim_filing_code": CLAIM_FILING_835[remit.payer.payer_type],
                "payer_claim_control_number": claim.payer_claim_control_number,
                "place_of_service": claim.place_of_service, "frequency_code": claim.frequency,
                "rendering_npi": claim.rendering_npi,
                "service_date": min((s.service_date for s in claim.services), default=None),
                **lineage(source_file, file_sha, payment["_position"]),
            }
            services = services_of.pop(key, [])
            for adjustment in claim.claim_adjustments:
                expected_adjustments[key, None, "claim", adjustment.group, adjustment.reason,
                                     adjustment.amount_cents] += 1
            for remark in claim.remarks:
                expected_remarks[key, None, "claim", remark] += 1
            for written, service in zip(claim.services, services, strict=True):
                service = dict(service)
                service_key = service.pop("service_payment_key")
                assert (cents(service.pop("charge")), cents(service.pop("paid")), service.pop("units")) == (
                    written.charge_cents, written.paid_cents, Decimal(written.units))
                assert service == {
                    "claim_payment_key": key, "procedure_code": written.cpt,
                    "modifiers": ",".join(written.modifiers) or None, "service_date": written.service_date,
                    **lineage(source_file, file_sha, service["_position"]),
                }
                for adjustment in written.adjustments:
                    expected_adjustments[key, service_key, "service", adjustment.group, adjustment.reason,
                                         adjustment.amount_cents] += 1
                for remark in written.remarks:
                    expected_remarks[key, service_key, "service", remark] += 1
        plbs = [dict(row) for row in plbs_of.pop(remittance_key, [])]
        assert [cents(row.pop("amount")) for row in plbs] == [p.amount_cents for p in remit.provider_adjustments]
        assert plbs == [{
            "remittance_key": remittance_key, "provider_id": practice.npi,
            "fiscal_period_date": date(remit.payment_date.year, 12, 31), "reason_code": p.reason,
            "reference": p.reference or None, **lineage(source_file, file_sha, row["_position"])}
            for p, row in zip(remit.provider_adjustments, plbs, strict=True)]
    assert payments_of == services_of == plbs_of == {}
    assert adjustments == expected_adjustments
    assert remarks == expected_remarks
    # Balanced as written: what the contracts check holds in what was read.
    for payment in rows["x12_claim_payments"]:
        adjusted = sum(a[5] for a, n in adjustments.items() for _ in range(n) if a[0] == payment["claim_payment_key"])
        assert cents(payment["charge"]) - cents(payment["paid"]) == adjusted
    check_positions(text, sep, rows["x12_claim_payments"], "CLP", 1)
    storable(rows, result.quarantine)


@given(ack_files())
def test_277ca_acknowledgements_read_back_as_written(drawn):
    batches, practice, control, sep = drawn
    text = render_277ca(batches, practice, control, sep)
    result = read_written_x12(text, "277")
    file_sha = sha(text)
    source_file = f"payer/{DELIVERY}/file.277"
    acks = [dict(row) for row in result.rows["x12_claim_acks"]]
    expected = []
    for number, batch in enumerate(batches, 1):
        for claim in batch.claims:
            expected.append({
                "claim_id": claim.claim_id, "status_category": claim.category, "status_code": claim.status_code,
                "entity_code": None, "action_code": "WQ" if claim.category in ACCEPTED_CATEGORIES else "U",
                "status_date": batch.received_at.date(), "charge": claim.charge_cents,
                "payer_claim_control_number": claim.payer_claim_control_number or None,
                "service_date": claim.service_date, "payer_name": cleaned(sep, batch.payer.name, 60),
                "payer_id": batch.payer.payer_id, "transaction_control": f"{control % 100_000:05d}{number:04d}",
            })
    assert result.records_read == result.records_loaded == len(expected)
    for row in acks:
        row["charge"] = cents(row["charge"])
        assert {k: row.pop(k) for k in ("_delivery", "_source_file", "_file_sha256")} == {
            "_delivery": DELIVERY, "_source_file": source_file, "_file_sha256": file_sha}
    check_positions(text, sep, acks, "TRN", 2)
    for row in acks:
        del row["_position"]
    assert acks == expected
    storable(result.rows, result.quarantine)


# =============================================================================================== round trip: FHIR


@st.composite
def fhir_files(draw) -> tuple[str, list[tuple[str, dict, dict]], str | None]:
    """(file name, [(table, resource, expected row without lineage)], mrn_system) for one NDJSON file."""
    mrn_system = draw(st.sampled_from(["urn:lantern:demo-practice:mrn", "urn:oid:1.2.3"]))
    out = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(sorted(fw_builders)))
        out.append(draw(fw_builders[kind](mrn_system)))
    kinds = {table for table, _, _ in out}
    typed = len(kinds) == 1 and draw(st.booleans())
    type_name = out[0][1]["resourceType"]
    name = draw(st.sampled_from([f"{type_name}.ndjson", f"{type_name}.000.ndjson"])) if typed else "export.ndjson"
    return name, out, draw(st.sampled_from([mrn_system, None]))


def _period(a) -> tuple[datetime, datetime]:
    return a.encounter_start.replace(microsecond=0), a.encounter_end.replace(microsecond=0)


@st.composite
def _patient_resource(draw, mrn_system):
    p = draw(patients())
    return "fhir_patients", fw.patient_resource(p, mrn_system), {
        "resource_id": fw.patient_id(p.mrn), "mrn": p.mrn, "family_name": p.last_name, "given_name": p.first_name,
        "birth_date": p.birth_date, "gender": p.gender, "postal_code": p.postal_code}


@st.composite
def _practitioner_resource(draw, mrn_system):
    c = draw(clinicians())
    return "fhir_practitioners", fw.practitioner_resource(c), {
        "resource_id": fw.practitioner_id(c.npi), "npi": c.npi, "family_name": c.last_name,
        "given_name": c.first_name, "credential": c.credential}


@st.composite
def _encounter_resource(draw, mrn_system):
    a = draw(appointments())
    encounter_id = draw(st.one_of(st.just(fw.encounter_id_for(a.appointment_id)), fhir_ids))
    start, end = _period(a)
    return "fhir_encounters", fw.encounter_resource(a, encounter_id), {
        "resource_id": encounter_id, "status": "finished",
        "class_code": "AMB" if a.modality == "office" else "VR", "cpt_code": a.cpt_code,
        "patient_ref": fw.patient_id(a.patient_mrn), "practitioner_ref": fw.practitioner_id(a.clinician_npi),
        "appointment_id": a.appointment_id, "period_start": start, "period_end": end}


@st.composite
def _condition_resource(draw, mrn_system):
    c = draw(conditions)
    return "fhir_conditions", fw.condition_resource(c), {
        "resource_id": c.condition_id, "patient_ref": fw.patient_id(c.patient_mrn), "encounter_ref": c.encounter_id,
        "icd10_code": c.icd10, "recorded_at": c.recorded_at.replace(microsecond=0)}


@st.composite
def _observation_resource(draw, mrn_system):
    o = draw(observations)
    return "fhir_observations", fw.observation_resource(o), {
        "resource_id": o.observation_id, "status": "final", "loinc_code": o.loinc,
        "patient_ref": fw.patient_id(o.patient_mrn), "encounter_ref": o.encounter_id,
        "effective_at": o.effective_at.replace(microsecond=0), "value": float(o.value)}


@st.composite
def _document_reference_resource(draw, mrn_system):
    a = draw(appointments())
    doc_id = draw(fhir_ids)
    encounter_id = draw(st.one_of(st.none(), fhir_ids))
    signed = a.note_signed_at is not None
    return "fhir_document_references", fw.document_reference_resource(a, doc_id, encounter_id), {
        "resource_id": doc_id, "status": "current", "doc_status": "final" if signed else "preliminary",
        "signed_at": a.note_signed_at.replace(microsecond=0) if signed else None,
        "author_ref": fw.practitioner_id(a.clinician_npi), "patient_ref": fw.patient_id(a.patient_mrn),
        "encounter_ref": encounter_id or fw.encounter_id_for(a.appointment_id), "content_type": "text/plain",
        "note_text": a.note_text}


fw_builders = {
    "Patient": _patient_resource, "Practitioner": _practitioner_resource, "Encounter": _encounter_resource,
    "Condition": _condition_resource, "Observation": _observation_resource,
    "DocumentReference": _document_reference_resource,
}


def same_instant_and_offset(read: object, written: object) -> bool:
    if isinstance(written, datetime):
        return isinstance(read, datetime) and read == written and read.utcoffset() == written.utcoffset()
    return type(read) is type(written) and read == written


@given(fhir_files())
def test_fhir_resources_read_back_as_written(drawn):
    name, resources, mrn_system = drawn
    data = "".join(fw.ndjson_line(resource) for _, resource, _ in resources).encode("utf-8")
    source_file = f"ehr/{DELIVERY}/{name}"
    result = read_ndjson(data, delivery=DELIVERY, source_file=source_file, file_sha256=sha(data),
                         mrn_system=mrn_system)
    assert result.quarantine == []
    assert result.records_read == result.records_loaded == len(resources) and result.skipped == 0
    read_rows = {table: list(rows) for table, rows in result.rows.items()}
    for lineno, (table, _, expected) in enumerate(resources, 1):
        row = read_rows[table].pop(0)
        assert row.keys() == set(BY_NAME[table].column_names)
        assert {k: row[k] for k in ("_delivery", "_source_file", "_file_sha256", "_position")} == lineage(
            source_file, sha(data), lineno)
        for column, value in expected.items():
            assert same_instant_and_offset(row[column], value), (column, row[column], value)
    assert all(rows == [] for rows in read_rows.values())
    storable(result.rows, result.quarantine)


# ================================================================================================= round trip: PM


def physical_lines(value: str) -> int:
    """Line breaks inside a value: the reader numbers rows by physical line, as an editor would show them."""
    return len(re.findall(r"\r\n|\r|\n", value))


@given(pm_files())
def test_pm_rows_read_back_as_written(drawn):
    name, rows = drawn
    data = render_csv(name, rows).encode("utf-8")
    source_file = f"pm/{DELIVERY}/{name}"
    result = read_pm_csv(data, file_name=name, delivery=DELIVERY, source_file=source_file, file_sha256=sha(data))
    assert result.quarantine == [] and result.warnings == []
    assert result.records_read == result.records_loaded == len(rows)
    expected, line = [], 2
    for row in rows:
        expected.append({**dict(zip(PM_COLUMNS[name], row, strict=True)), **lineage(source_file, sha(data), line)})
        line += 1 + sum(physical_lines(value) for value in row)
    (table,) = result.rows
    assert result.rows[table] == expected
    storable(result.rows, result.quarantine)


# ================================================================================================== corruption

STRUCTURAL = [b"~", b"*", b":", b"^", b"|", b"\n", b"\r", b"\r\n", b'"', b",", b"{", b"}", b"[", b"]", b"\\",
              b"ISA", b"IEA*", b"SE*", b"ST*", b"CLM*", b"CLP*", b"\xef\xbb\xbf", b"\x00", b"null", b"9" * 20,
              "²".encode(), "١".encode(), "①".encode(), "\u2028".encode()]
INVALID_UTF8 = [b"\xff", b"\xfe", b"\x80", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf"]
# Characters a parser may take for digits or line breaks: Unicode digits, numbers, separators.
ODD_CHARS = st.text(st.characters(categories=("Nd", "No", "Zl", "Zp", "Cc")), min_size=1, max_size=3)
NUMERIC_LOOKING = st.text(st.one_of(st.sampled_from("0123456789"), st.characters(categories=("Nd", "No"))),
                          min_size=1, max_size=10)


def units_of(data: bytes, end: bytes) -> list[bytes]:
    """Segments or lines, each with its terminator, so that joining them gives the bytes back."""
    parts = data.split(end)
    return [part + end for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


@st.composite
def corrupted(draw, data: bytes, end: bytes) -> bytes:
    """`data` with one to three random kinds of damage."""
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "drop", "duplicate", "swap_units",
                                   "swap_bytes", "invalid_utf8", "splice"]))
        at = draw(st.integers(0, len(data)))
        chunk = draw(st.one_of(st.binary(min_size=1, max_size=8), st.sampled_from(STRUCTURAL),
                               st.sampled_from(INVALID_UTF8), ODD_CHARS.map(lambda s: s.encode("utf-8"))))
        units = units_of(data, end)
        if op == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)):]
        elif op == "insert":
            data = data[:at] + chunk + data[at:]
        elif op == "replace":
            data = data[:at] + chunk + data[at + len(chunk):]
        elif op == "truncate":
            data = data[:at]
        elif op == "invalid_utf8":
            data = data[:at] + draw(st.sampled_from(INVALID_UTF8)) + data[at:]
        elif op == "splice" and data:
            start = draw(st.integers(0, len(data) - 1))
            data = data[:at] + data[start:start + draw(st.integers(1, 200))] + data[at:]
        elif op == "swap_bytes" and len(set(data)) > 1:
            a, b = draw(st.lists(st.sampled_from(sorted(set(data))), min_size=2, max_size=2, unique=True))
            data = data.translate(bytes.maketrans(bytes([a, b]), bytes([b, a])))
        elif units and op in ("drop", "duplicate", "swap_units"):
            i = draw(st.integers(0, len(units) - 1))
            if op == "drop":
                del units[i]
            elif op == "duplicate":
                units.insert(i, units[i])
            elif i + 1 < len(units):
                units[i], units[i + 1] = units[i + 1], units[i]
            data = b"".join(units)
    return data


def read_as_loader(source: str, name: str, data: bytes):
    """What the loader does with a file's bytes (read_landing_file decodes X12 as UTF-8, else Latin-1)."""
    file = LandingFile(source, DELIVERY, Path("/landing") / source / DELIVERY / name, f"{source}/{DELIVERY}/{name}")
    return read_landing_file(file, data, sha(data), "urn:lantern:demo-practice:mrn"), file.relative


def check_accounted(result, source: str, source_file: str, data: bytes) -> None:
    """Counts balance, quarantine records say where and why, rows carry their lineage and fit their tables."""
    sha256 = sha(data)
    assert result.balanced, (result.records_read, result.records_loaded, result.records_quarantined, result.skipped)
    record_tables = RECORD_TABLES.get(source, tuple(result.rows))
    assert result.records_loaded == sum(len(result.rows.get(t, ())) for t in record_tables)
    for table, rows in result.rows.items():
        for row in rows:
            assert tuple(row) == BY_NAME[table].column_names
            assert (row["_delivery"], row["_source_file"], row["_file_sha256"]) == (DELIVERY, source_file, sha256)
            assert isinstance(row["_position"], int) and row["_position"] >= 1
    for record in result.quarantine:
        assert tuple(record) == QUARANTINE.column_names
        assert record["source"] == source
        assert isinstance(record["reason"], str) and record["reason"].strip(), record
        assert isinstance(record["rule"], str) and record["rule"], record
        assert LOCATION.fullmatch(record["location"]), record["location"]
        assert (record["_delivery"], record["_source_file"], record["_file_sha256"]) == (DELIVERY, source_file,
                                                                                          sha256)
        position = record["_position"]
        assert (position is None and record["location"] == "file") or (isinstance(position, int) and position >= 1)
        if record["location"].startswith("line "):
            assert position == int(record["location"][5:])
    if result.quarantine and not (source == "pm" and result.records_read == 0):
        # A rejected file never reads as an empty one; a PM file rejected whole counts its data rows, and a
        # header-only file has none.
        assert result.records_quarantined >= 1
    storable(result.rows, result.quarantine)


def check_one_outcome_per_line(result, lines: int, whole_file: bool) -> None:
    """NDJSON and CSV: each record read is one row or one quarantine record, at its own line (of `lines`), never
    two."""
    if whole_file:
        assert [q["location"] for q in result.quarantine] == ["file"]
        assert result.records_quarantined == result.records_read and result.records_loaded == 0
        return
    positions = Counter(row["_position"] for rows in result.rows.values() for row in rows)
    positions.update(q["_position"] for q in result.quarantine)
    assert max(positions.values(), default=1) == 1, positions.most_common(2)
    assert sum(positions.values()) == result.records_read - result.skipped
    assert all(position <= lines for position in positions), (positions, lines)


# ----------------------------------------------------------------------------------------------------------- X12

X12_KINDS = {"837": (submission_batches(max_claims=3, max_lines=4), render_837p),
             "835": (remittance_files(max_remittances=2, max_claims=3), render_835),
             "277": (ack_files(max_claims=4), render_277ca)}


@st.composite
def x12_files(draw) -> tuple[str, str, object]:
    kind = draw(st.sampled_from(sorted(X12_KINDS)))
    strategy, render = X12_KINDS[kind]
    records, practice, control, sep = draw(strategy)
    return kind, render(records, practice, control, sep), sep


def segment_end(sep) -> bytes:
    return sep.segment_end.encode() if sep.terminator != "\n" else b"\n"


@given(x12_files(), st.data())
def test_corrupted_x12_is_quarantined_never_raised(drawn, data):
    kind, text, sep = drawn
    damaged = data.draw(corrupted(text.encode("utf-8"), segment_end(sep)), label="damaged")
    result, source_file = read_as_loader("payer", f"claims.{kind}", damaged)
    check_accounted(result, "payer", source_file, damaged)


def record_ids(text: str, sep) -> Counter:
    """Claim ids of the CLM, CLP and 277CA TRN*2 (patient level) segments, split with the known separators."""
    out = Counter()
    level = None
    for raw in x12_segments(text, sep.terminator):
        elements = raw.strip().split(sep.element)
        if elements[0] == "HL":
            level = elements[3] if len(elements) > 3 else None
        if elements[0] in ("CLM", "CLP") or (elements[0] == "TRN" and level == "PT" and elements[1:2] == ["2"]):
            out[elements[1] if len(elements) > 1 else ""] += 1
    return out


def without_keys(row: dict) -> tuple:
    """A row's values without what depends on where it sits in the file (keys and positions)."""
    return tuple((k, v) for k, v in row.items() if not k.endswith("_key") and k not in ("_position", "_file_sha256",
                                                                                       "_source_file"))


@given(x12_files(), st.data())
def test_x12_with_a_segment_dropped_or_repeated_loses_nothing_and_invents_nothing(drawn, data):
    """One whole segment dropped or repeated: every claim in the damaged file is counted (loaded or inside a
    quarantined part), and every row loaded is a row of the intact file (SE01 catches a segment lost or added).
    A segment moved within its transaction is not caught (the reader does not check loop order, which pyx12's
    validation does): the byte-level test covers moves for everything but this property."""
    kind, text, sep = drawn
    end = segment_end(sep)
    units = units_of(text.encode("utf-8"), end)
    i = data.draw(st.integers(0, len(units) - 1), label="segment")
    if data.draw(st.booleans(), label="drop"):
        del units[i]
    else:
        units.insert(i, units[i])
    damaged = b"".join(units)
    result, source_file = read_as_loader("payer", f"claims.{kind}", damaged)
    check_accounted(result, "payer", source_file, damaged)
    assert result.records_read >= sum(record_ids(damaged.decode("utf-8"), sep).values())
    intact = read_x12(text, delivery=DELIVERY, source_file=source_file, file_sha256="intact", expected_kind=kind)
    for table, rows in result.rows.items():
        allowed = Counter(without_keys(row) for row in intact.rows[table])
        for row in rows:
            assert allowed[without_keys(row)] > 0, (table, row)


# What an element may be replaced with: any text, characters a parser may take for digits, numbers of any size
# and precision.
element_values = st.one_of(
    st.text(max_size=12), ODD_CHARS, NUMERIC_LOOKING,
    st.tuples(st.sampled_from(["", "-"]), st.text("0123456789", max_size=20), st.sampled_from(["", "."]),
              st.text("0123456789", max_size=6)).map("".join))


@given(x12_files(), st.data())
def test_x12_with_elements_replaced_is_quarantined_never_raised(drawn, data):
    """One to four elements of any segments after the ISA replaced by any text."""
    kind, text, sep = drawn
    segments = x12_segments(text, sep.terminator)
    for _ in range(data.draw(st.integers(1, 4), label="elements")):
        i = data.draw(st.integers(1, len(segments) - 1), label="segment")
        elements = segments[i].strip().split(sep.element)
        j = data.draw(st.integers(0, len(elements) - 1), label="element")
        elements[j] = data.draw(element_values, label="value")
        segments[i] = sep.element.join(elements)
    damaged = sep.segment_end.join(segments).encode("utf-8", "surrogatepass")
    result, source_file = read_as_loader("payer", f"claims.{kind}", damaged)
    check_accounted(result, "payer", source_file, damaged)


# ---------------------------------------------------------------------------------------------------------- FHIR

json_scalars = (
    st.none() | st.booleans() | st.integers(-(10**400), 10**400) | st.floats(allow_nan=False)
    | st.text(max_size=20) | st.text(st.characters(categories=("Cs", "Lu", "Nd")), min_size=1, max_size=4)
    | st.sampled_from(["2024-02-30", "2024-01-01T10:00:00", "1500-01-01", "Patient/", "Patient//_history/1", "#",
                       "?", "", " "]))
json_values = json_scalars | st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6)


@st.composite
def damaged_resource(draw, resource: dict) -> dict:
    """A resource with one value somewhere in it replaced by any JSON value (lone surrogates, numbers no double
    holds, impossible dates included), or removed."""
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                paths.append((*path, key))
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                paths.append((*path, index))
                walk(value, (*path, index))

    walk(resource, ())
    path = draw(st.sampled_from(paths))
    node = resource
    for step in path[:-1]:
        node = node[step]
    if draw(st.booleans()) and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = draw(json_values)
    return resource


def check_ndjson(name: str, damaged: bytes) -> None:
    result, source_file = read_as_loader("ehr", name, damaged)
    check_accounted(result, "ehr", source_file, damaged)
    body = damaged.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    assert result.records_read == sum(1 for line in body.split("\n") if line and not line.isspace())
    check_one_outcome_per_line(result, len(body.split("\n")), whole_file=False)


@given(fhir_files(), st.data())
def test_fhir_with_values_of_any_shape_is_quarantined_never_raised(drawn, data):
    """One to three values of one resource replaced by any JSON value or removed; the line written as JSON with
    non-ASCII escaped (so a lone surrogate arrives as a valid \\udc80 escape) or raw (invalid UTF-8)."""
    name, resources, _ = drawn
    lines = [fw.ndjson_line(resource) for _, resource, _ in resources]
    i = data.draw(st.integers(0, len(lines) - 1), label="line")
    resource = json.loads(lines[i])
    for _ in range(data.draw(st.integers(1, 3), label="values")):
        resource = data.draw(damaged_resource(resource), label="resource")
    lines[i] = json.dumps(resource, ensure_ascii=data.draw(st.booleans(), label="ascii")) + "\n"
    check_ndjson(name, "".join(lines).encode("utf-8", "surrogatepass"))


@given(fhir_files(), st.data())
def test_corrupted_fhir_is_quarantined_never_raised(drawn, data):
    name, resources, _ = drawn
    text = "".join(fw.ndjson_line(resource) for _, resource, _ in resources).encode("utf-8")
    check_ndjson(name, data.draw(corrupted(text, b"\n"), label="damaged"))


# ------------------------------------------------------------------------------------------------------------ PM


@given(pm_files(), st.data())
def test_corrupted_pm_csv_is_quarantined_never_raised(drawn, data):
    name, rows = drawn
    damaged = data.draw(corrupted(render_csv(name, rows).encode("utf-8"), b"\n"), label="damaged")
    result, source_file = read_as_loader("pm", name, damaged)
    check_accounted(result, "pm", source_file, damaged)
    whole_file = any(q["location"] == "file" for q in result.quarantine)
    physical = io.StringIO(damaged.decode("utf-8", "surrogateescape"), newline="").readlines()
    check_one_outcome_per_line(result, len(physical), whole_file)
    assert result.records_read <= len(physical)


# ============================================================================= regressions: what the search found
# Each input below is the shrunk form of a failing example; before the fix in connectors/ each one raised (in the
# reader, or in the loader's Arrow conversion of what the reader returned).

CLAIM_837 = ["CLM*{id}*{charge}***11:B:1*Y*A*Y*Y", "HI*ABK:F411", "LX*{lx}", "SV1*HC:90837*{charge}*UN*{units}***1",
             "DTP*472*D8*20240304"]


def x12_text(body: list[str], functional_id: str, set_id: str, version: str, bht: str | None = None,
             se01: str | None = None) -> str:
    """One interchange holding one transaction of `body`, SE01 counted unless given."""
    header = ["ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240305*1407*^*00501*000000001"
              "*0*P*:",
              f"GS*{functional_id}*SUBMITTER*RECEIVER*20240305*1407*1*X*{version}", f"ST*{set_id}*0001*{version}"]
    if bht is not None:
        body = [f"BHT*0019*00*B1*20240305*{bht}*CH", *body]
    count = len(body) + 2
    return "~\n".join([*header, *body, f"SE*{se01 or count}*0001", "GE*1*1", "IEA*1*000000001"]) + "~\n"


def claims_837(first: dict, bht: str = "1407", se01: str | None = None) -> str:
    """Two claims, C1 with the values given (the rest as C2's) and C2 intact: C1's CLM is segment 11, C2's 16."""
    body = ["HL*1**20*1", "NM1*85*2*LAKESIDE*****XX*1234567893", "HL*2*1*22*0", "SBR*P*18*******CI",
            "NM1*IL*1*GARCIA*ANA****MI*M100", "NM1*PR*2*ACME*****PI*60054"]
    for values in ({"id": "C1", "charge": "150", "lx": "1", "units": "1", **first},
                   {"id": "C2", "charge": "150", "lx": "1", "units": "1"}):
        body += [segment.format(**values) for segment in CLAIM_837]
    return x12_text(body, "HC", "837", "005010X222A1", bht=bht, se01=se01)


def read_837(text: str):
    result, source_file = read_as_loader("payer", "claims.837", text.encode("utf-8"))
    check_accounted(result, "payer", source_file, text.encode("utf-8"))
    return result


def quarantined(result) -> list[tuple[str, str, str]]:
    return [(q["location"], q["rule"], q["reason"]) for q in result.quarantine]


def test_837_line_number_in_unicode_digits_quarantines_its_claim():
    # Found as LX01 '౯۵³௭۱𑶧෨੧'; str.isdigit() took '³' for a digit and int() then raised ValueError.
    result = read_837(claims_837({"lx": "³"}))
    assert quarantined(result) == [("segment 13 (LX)", "unparseable_value", "claim C1 (CLM at segment 11): LX01 "
                                    "(line number) is '³', not a whole number of at most 6 digits")]
    assert [row["claim_id"] for row in result.rows["x12_claims"]] == ["C2"]
    assert (result.records_read, result.records_loaded, result.records_quarantined) == (2, 1, 1)


def test_837_line_number_beyond_the_raw_integer_column_quarantines_its_claim():
    # LX01 is at most 6 digits (N0 1/6); 99999999999 passed isdigit() and broke the INTEGER column at load.
    result = read_837(claims_837({"lx": "99999999999"}))
    assert quarantined(result) == [("segment 13 (LX)", "unparseable_value", "claim C1 (CLM at segment 11): LX01 "
                                    "(line number) is '99999999999', not a whole number of at most 6 digits")]
    assert [row["claim_id"] for row in result.rows["x12_claims"]] == ["C2"]


def test_837_segment_count_in_unicode_digits_is_a_count_mismatch():
    # Found as SE01 '¹୫౮'.
    result = read_837(claims_837({}, se01="1¹"))
    assert quarantined(result) == [("segment 21 (SE)", "segment_count_mismatch", "transaction 0001: SE01 says 1¹ "
                                    "segments but ST..SE holds 19, so segments were lost or added in transit; none of "
                                    "its records is loaded")]
    assert (result.records_read, result.records_loaded, result.records_quarantined) == (2, 0, 2)


def test_837_creation_time_in_unicode_digits_quarantines_its_transaction():
    # Same isdigit()/int() gap in BHT05, found by reading the code after the two above.
    result = read_837(claims_837({}, bht="14²7"))
    assert quarantined(result) == [("segment 4 (BHT)", "unparseable_value", "transaction 0001: BHT05 (creation time) "
                                    "is '14²7', which is not an HHMM or HHMMSS time; none of its records is loaded")]
    assert result.rows["x12_claims"] == []


def test_837_amounts_that_the_raw_decimal_columns_cannot_hold_quarantine_their_claim():
    # DECIMAL(18,2) holds whole cents under 10^16; DECIMAL(10,2) units under 10^8.
    for values, location, reason in [
        ({"charge": "150.005"}, "segment 11 (CLM)",
         "CLM02 (total charge) is '150.005', which is a fraction of a cent (more than two decimal places)"),
        ({"charge": "10000000000000000"}, "segment 11 (CLM)",
         "CLM02 (total charge) is '10000000000000000', too large for an amount (at most 16 digits before the "
         "decimal point)"),
        ({"units": "100000000"}, "segment 14 (SV1)",
         "SV104 (units) is '100000000', too large for a quantity (at most 8 digits before the decimal point)"),
    ]:
        result = read_837(claims_837(values))
        assert quarantined(result) == [(location, "unparseable_value", f"claim C1 (CLM at segment 11): {reason}")]
        assert [row["claim_id"] for row in result.rows["x12_claims"]] == ["C2"]
    # Trailing zeros are not a fraction of a cent.
    result = read_837(claims_837({"charge": "150.000", "units": "99999999.99"}))
    assert result.quarantine == []
    assert [row["total_charge"] for row in result.rows["x12_claims"]] == [Decimal("150"), Decimal("150")]
    assert [row["units"] for row in result.rows["x12_claim_lines"]] == [Decimal("99999999.99"), Decimal("1")]


def test_835_patient_responsibility_in_a_fraction_of_a_cent_quarantines_its_claim_payment():
    # Found as CLP05 '0.301' (one byte inserted into '0.31'): DuckDB's DECIMAL(18,2) refused it at load.
    body = ["BPR*C*120*C*CHK************20240320", "TRN*1*EFT1*1999999999", "N1*PR*ACME", "REF*2U*60054",
            "N1*PE*LAKESIDE*XX*1234567893", "LX*1", "CLP*C1*1*100*80**12*PCN1*11*1", "CAS*CO*45*20",
            "CLP*C2*1*50*40*0.301*12*PCN2*11*1", "CAS*PR*1*10"]
    text = x12_text(body, "HP", "835", "005010X221A1")
    result, source_file = read_as_loader("payer", "remit.835", text.encode("utf-8"))
    check_accounted(result, "payer", source_file, text.encode("utf-8"))
    assert quarantined(result) == [("segment 12 (CLP)", "unparseable_value", "claim payment C2 (CLP at segment 12): "
                                    "CLP05 (patient responsibility) is '0.301', which is a fraction of a cent (more "
                                    "than two decimal places)")]
    assert [(row["claim_id"], row["paid"]) for row in result.rows["x12_claim_payments"]] == [("C1", Decimal("80"))]


def observation_line(**values) -> str:
    return json.dumps({"resourceType": "Observation", "id": "obs-1", "status": "final",
                       "code": {"coding": [{"system": "http://loinc.org", "code": "44261-6"}]},
                       "effectiveDateTime": "2024-03-04T09:00:00-06:00", **values}) + "\n"


def test_fhir_integer_beyond_a_double_reads_as_no_value():
    # Found as a valueInteger of 330 digits: float() raised OverflowError, which the reader did not catch.
    data = observation_line(valueInteger=-(10**400)).encode("utf-8")
    result, source_file = read_as_loader("ehr", "Observation.ndjson", data)
    check_accounted(result, "ehr", source_file, data)
    assert result.quarantine == []
    assert [(row["resource_id"], row["value"]) for row in result.rows["fhir_observations"]] == [("obs-1", None)]


def test_fhir_lone_surrogate_escape_quarantines_its_line():
    # Found as an Observation id '\ud800' (the JSON escape): json.loads accepts it, the loader could not store it.
    data = (observation_line(id="\ud800", valueInteger=12) + observation_line(valueInteger=12)).encode("utf-8")
    assert b'"id": "\\ud800"' in data
    result, source_file = read_as_loader("ehr", "Observation.ndjson", data)
    check_accounted(result, "ehr", source_file, data)
    assert quarantined(result) == [("line 1", "not_utf8", "the line escapes a lone UTF-16 surrogate (\\ud800-\\udfff "
                                    "without its pair), which is not a Unicode character, so its text cannot be "
                                    "stored")]
    assert [(row["_position"], row["value"]) for row in result.rows["fhir_observations"]] == [(2, 12.0)]
    # A surrogate pair (an emoji escaped as ASCII, as the generator's writer does) is a character like any other.
    data = observation_line(id="obs-2", valueString="12 \U0001f642").encode("utf-8")
    assert b"\\ud83d\\ude42" in data
    result, _ = read_as_loader("ehr", "Observation.ndjson", data)
    assert result.quarantine == [] and result.records_loaded == 1
