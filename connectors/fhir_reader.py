"""Read one FHIR R4 bulk-export NDJSON file into the raw `fhir_*` tables (see `connectors.raw_tables`).

Pure: bytes in, `ReadResult` out; no files, no Dagster. One JSON resource per line; `_position` is
the 1-based line number (lines split on "\\n"; a "\\r" before it is ignored). Blank lines are not
records. A UTF-8 byte-order mark at the start of the file is ignored.

What each resource type gives (every other field is left in the source):

- Patient -> fhir_patients. The MRN is the identifier whose `system` is `mrn_system` (when the practice
  configures one), else the first identifier whose `type.coding` has code MR in
  http://terminology.hl7.org/CodeSystem/v2-0203. No MRN -> quarantined (`missing_key`): the MRN is how
  every other source finds the patient. Names are name[0]; postal code is address[0].
- Practitioner -> fhir_practitioners. NPI = identifier with system http://hl7.org/fhir/sid/us-npi, as
  written (its check digit is the contracts' business); none -> `missing_key`. Credential =
  qualification[0].code.text, else that code's first coding's code.
- Encounter -> fhir_encounters. CPT = the first type[].coding with system http://www.ama-assn.org/go/cpt.
  practitioner_ref comes from the first participant whose individual is a Practitioner reference
  (participant[0] when none is), because participant[0] can be an interpreter or a relative.
  `class` is a Coding in R4; an R5-style list of CodeableConcepts is read too.
- Condition -> fhir_conditions. ICD-10-CM code = code.coding with system http://hl7.org/fhir/sid/icd-10-cm
  (None when the condition is coded only in SNOMED, as Synthea's are). recorded_at = recordedDate,
  else onsetDateTime.
- Observation -> fhir_observations, every code (staging keeps PHQ-9 and GAD-7). value = valueInteger,
  else valueQuantity.value, else valueString when it is a plain decimal number (the US Core PHQ-9 total
  example writes valueString "12"); any other value (a non-numeric string, a CodeableConcept, a number no
  double holds) -> None.
  effective_at = effectiveDateTime, else effectiveInstant, else effectivePeriod.start.
- DocumentReference -> fhir_document_references. note_text = content[0].attachment.data base64-decoded
  as UTF-8 when the attachment's media type (contentType before any ";") is text/* or not given. Data
  that is not base64, or text that is not UTF-8 -> quarantined (`undecodable_attachment`). A non-text
  attachment (e.g. application/pdf) must still be base64 but gives note_text None. No data (a `url`
  only) -> note_text None. content_type is kept as written ("text/plain; charset=utf-8" from Synthea).

References keep the id part when the reference is to the expected type: "Patient/abc",
"https://ehr.example/fhir/Patient/abc" and "Patient/abc/_history/2" all give "abc". Any other
reference is kept as written, so it never joins the wrong row and nothing is lost: a conditional
reference ("Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999974493", as Synthea writes), a
contained one ("#p1"), a "urn:uuid:..." or a reference to another type ("Group/g1" as a subject).

Timestamps (FHIR dateTime / instant) become timezone-aware datetimes with the offset as written
(fractions of a second beyond microseconds are cut). A value with a time but no offset names no
instant: the resource is quarantined (`timestamp_without_offset`). A date-only value ("2024-03-04")
becomes midnight UTC of that date; a partial one ("2024-03", "2024") the first day of its month or
year, midnight UTC. Dates (birthDate) become `date`s, partial ones the first day of their period.
Anything else that is not a FHIR date/dateTime -> `unparseable_timestamp`.

The file's resource type: a file named `<Type>.ndjson` or `<Type>.<nnn>.ndjson` (a split bulk export)
should hold only `<Type>` resources, so a line of another type is quarantined
(`unexpected_resource_type`); a file named otherwise (e.g. `export.ndjson`) may mix types. Resource
types no raw table takes (Organization, Claim, Immunization ...) are counted as read and skipped.

Quarantine rules, each with "line N", the resource id when there is one, and the line as read:
`not_utf8` (bytes that are not UTF-8, or a JSON escape of a lone surrogate such as "\\ud800", which json.loads
accepts but no UTF-8 text can hold), `invalid_json`, `not_a_resource` (JSON but no resourceType),
`unexpected_resource_type`, `missing_key` (no id; a Patient without MRN; a Practitioner without NPI),
`timestamp_without_offset`, `unparseable_timestamp`, `undecodable_attachment`, `invalid_fhir` (only with
`validate=True`, which checks each resource we load against the fhir.resources models: ~55 us a resource,
too slow for the load path), and `malformed_resource` (a shape the reader could not follow; not expected in
practice).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Callable
from datetime import date, datetime, timezone

from connectors.read_result import ReadResult, quarantine_record

MR_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC_SYSTEM = "http://loinc.org"

TABLE_FOR_TYPE = {
    "Patient": "fhir_patients",
    "Practitioner": "fhir_practitioners",
    "Encounter": "fhir_encounters",
    "Condition": "fhir_conditions",
    "Observation": "fhir_observations",
    "DocumentReference": "fhir_document_references",
}

# <Type>.ndjson or <Type>.000.ndjson; FHIR resource type names start with a capital letter, so a name
# like log.ndjson (a bulk export's log) or export.ndjson names no type.
_TYPED_FILE = re.compile(r"(?P<type>[A-Z][A-Za-z0-9]*)(?:\.\d+)?\.ndjson")
_DATETIME = re.compile(
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?"
)
_DATE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?")
_DECIMAL = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*")
_SURROGATE = re.compile("[\udc80-\udcff]")  # an undecodable byte, under errors="surrogateescape"
_WHITESPACE = re.compile(r"\s+")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # a JSON escape of a UTF-16 surrogate, paired or not


class _Reject(Exception):
    """Raised by a mapper: the resource goes to quarantine under `rule`."""

    def __init__(self, rule: str, reason: str) -> None:
        super().__init__(reason)
        self.rule = rule
        self.reason = reason


# --- small, type-safe getters: a wrong shape reads as "not there" -------------------------------------

def _s(value: object) -> str | None:
    """A string as written; a JSON integer (a common mistake for ids and codes) as its digits."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _get(obj: object, key: str) -> object:
    return obj.get(key) if isinstance(obj, dict) else None


def _first(value: object) -> object:
    return value[0] if isinstance(value, list) and value else None


def _code(concept: object, system: str) -> str | None:
    """The code of the first coding of `concept` (a CodeableConcept) with `system`."""
    codings = _get(concept, "coding")
    if isinstance(codings, list):
        for coding in codings:
            if isinstance(coding, dict) and coding.get("system") == system:
                code = _s(coding.get("code"))
                if code:
                    return code
    return None


def _split_ref(ref: str) -> tuple[str | None, str]:
    """(type, id) of a literal reference "Type/id", ".../Type/id" or ".../Type/id/_history/n"; else (None, ref)."""
    if "?" in ref or ref.startswith("#") or "/" not in ref:
        return None, ref
    parts = ref.split("/")
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) >= 2 and parts[-1] and parts[-2]:
        return parts[-2], parts[-1]
    return None, ref


def _ref(obj: object, expected_type: str) -> str | None:
    """The id part of a Reference to `expected_type`; any other reference as written; None if absent."""
    ref = _get(obj, "reference")
    if not isinstance(ref, str) or not ref:
        return None
    ref_type, ref_id = _split_ref(ref)
    return ref_id if ref_type == expected_type else ref


def _is_practitioner_ref(obj: object) -> bool:
    ref = _get(obj, "reference")
    return isinstance(ref, str) and (ref.startswith("Practitioner?") or _split_ref(ref)[0] == "Practitioner")


# --- dates and times ------------------------------------------------------------------------------------

def _when(value: object, field: str) -> datetime | None:
    """A FHIR dateTime / instant as an aware datetime; a date-only value is midnight UTC; None if absent."""
    if value is None:
        return None
    match = _DATETIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _Reject("unparseable_timestamp", f"{field} {value!r} is not a FHIR date or dateTime")
    if match["time"] is not None and match["tz"] is None:
        raise _Reject("timestamp_without_offset",
                      f"{field} {value!r} has a time but no UTC offset, so it names no instant")
    try:
        if match["time"] is None:
            return datetime(int(match["y"]), int(match["m"] or 1), int(match["d"] or 1), tzinfo=timezone.utc)
        return datetime.fromisoformat(value)
    except ValueError as exc:
        raise _Reject("unparseable_timestamp", f"{field} {value!r} is not a real date or time: {exc}") from None


def _day(value: object, field: str) -> date | None:
    if value is None:
        return None
    match = _DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _Reject("unparseable_timestamp", f"{field} {value!r} is not a FHIR date")
    try:
        return date(int(match["y"]), int(match["m"] or 1), int(match["d"] or 1))
    except ValueError as exc:
        raise _Reject("unparseable_timestamp", f"{field} {value!r} is not a real date: {exc}") from None


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:  # a JSON integer beyond any double (FHIR integers are 32-bit): like inf, no value
            return None
    elif isinstance(value, str) and _DECIMAL.fullmatch(value):
        number = float(value)
    else:
        return None
    return number if math.isfinite(number) else None


# --- one mapper per resource type: the raw row without lineage --------------------------------------------

def _patient(res: dict, mrn_system: str | None) -> dict:
    mrn = None
    identifiers = res.get("identifier")
    if isinstance(identifiers, list):
        for ident in identifiers:
            value = _s(_get(ident, "value"))
            if not value or not value.strip():
                continue
            if mrn_system is not None and ident.get("system") == mrn_system:
                mrn = value
                break
            if mrn is None and _code(ident.get("type"), MR_TYPE_SYSTEM) == "MR":
                mrn = value
                if mrn_system is None:
                    break
    if mrn is None:
        also = f" and none with system {mrn_system}" if mrn_system else ""
        raise _Reject("missing_key", f"Patient has no MRN: no identifier typed MR (v2-0203){also}")
    name = _first(res.get("name"))
    return {
        "resource_id": res["id"],
        "mrn": mrn,
        "family_name": _s(_get(name, "family")),
        "given_name": _s(_first(_get(name, "given"))),
        "birth_date": _day(res.get("birthDate"), "birthDate"),
        "gender": _s(res.get("gender")),
        "postal_code": _s(_get(_first(res.get("address")), "postalCode")),
    }


def _practitioner(res: dict, mrn_system: str | None) -> dict:
    npi = None
    identifiers = res.get("identifier")
    if isinstance(identifiers, list):
        for ident in identifiers:
            if isinstance(ident, dict) and ident.get("system") == NPI_SYSTEM:
                value = _s(ident.get("value"))
                if value and value.strip():
                    npi = value
                    break
    if npi is None:
        raise _Reject("missing_key", f"Practitioner has no NPI: no identifier with system {NPI_SYSTEM}")
    name = _first(res.get("name"))
    qualification = _get(_first(res.get("qualification")), "code")
    credential = _s(_get(qualification, "text")) or _s(_get(_first(_get(qualification, "coding")), "code"))
    return {
        "resource_id": res["id"],
        "npi": npi,
        "family_name": _s(_get(name, "family")),
        "given_name": _s(_first(_get(name, "given"))),
        "credential": credential,
    }


def _encounter(res: dict, mrn_system: str | None) -> dict:
    cpt = None
    types = res.get("type")
    if isinstance(types, list):
        for concept in types:
            cpt = _code(concept, CPT_SYSTEM)
            if cpt:
                break
    klass = res.get("class")
    if isinstance(klass, list):  # R5: a list of CodeableConcepts
        klass = _first(_get(_first(klass), "coding"))
    participants = res.get("participant")
    individual = None
    if isinstance(participants, list) and participants:
        individual = next((p.get("individual") for p in participants
                           if isinstance(p, dict) and _is_practitioner_ref(p.get("individual"))),
                          _get(participants[0], "individual"))
    period = res.get("period")
    return {
        "resource_id": res["id"],
        "status": _s(res.get("status")),
        "class_code": _s(_get(klass, "code")),
        "cpt_code": cpt,
        "patient_ref": _ref(res.get("subject"), "Patient"),
        "practitioner_ref": _ref(individual, "Practitioner"),
        "appointment_id": _ref(_first(res.get("appointment")), "Appointment"),
        "period_start": _when(_get(period, "start"), "period.start"),
        "period_end": _when(_get(period, "end"), "period.end"),
    }


def _condition(res: dict, mrn_system: str | None) -> dict:
    if res.get("recordedDate") is not None:
        recorded = _when(res["recordedDate"], "recordedDate")
    else:
        recorded = _when(res.get("onsetDateTime"), "onsetDateTime")
    return {
        "resource_id": res["id"],
        "patient_ref": _ref(res.get("subject"), "Patient"),
        "encounter_ref": _ref(res.get("encounter"), "Encounter"),
        "icd10_code": _code(res.get("code"), ICD10CM_SYSTEM),
        "recorded_at": recorded,
    }


def _observation(res: dict, mrn_system: str | None) -> dict:
    if res.get("effectiveDateTime") is not None:
        effective = _when(res["effectiveDateTime"], "effectiveDateTime")
    elif res.get("effectiveInstant") is not None:
        effective = _when(res["effectiveInstant"], "effectiveInstant")
    else:
        effective = _when(_get(res.get("effectivePeriod"), "start"), "effectivePeriod.start")
    if "valueInteger" in res:
        value = _number(res["valueInteger"])
    elif "valueQuantity" in res:
        value = _number(_get(res["valueQuantity"], "value"))
    else:
        value = _number(res.get("valueString"))
    return {
        "resource_id": res["id"],
        "status": _s(res.get("status")),
        "loinc_code": _code(res.get("code"), LOINC_SYSTEM),
        "patient_ref": _ref(res.get("subject"), "Patient"),
        "encounter_ref": _ref(res.get("encounter"), "Encounter"),
        "effective_at": effective,
        "value": value,
    }


def _note_text(attachment: object) -> str | None:
    data = _get(attachment, "data")
    if data is None:
        return None
    if not isinstance(data, str):
        raise _Reject("undecodable_attachment", "content[0].attachment.data is not a base64 string")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        try:  # base64Binary may carry line breaks or spaces between its groups
            raw = base64.b64decode(_WHITESPACE.sub("", data), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _Reject("undecodable_attachment",
                          f"content[0].attachment.data is not valid base64 ({exc})") from None
    content_type = _s(_get(attachment, "contentType")) or ""
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type and not media_type.startswith("text/"):
        return None  # e.g. a PDF: base64 is checked, but there is no text to keep
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Reject("undecodable_attachment",
                      f"content[0].attachment.data decodes to bytes that are not UTF-8 text "
                      f"(byte {exc.start}: {raw[exc.start:exc.start + 1]!r})") from None
    return text[1:] if text.startswith("\ufeff") else text


def _document_reference(res: dict, mrn_system: str | None) -> dict:
    attachment = _get(_first(res.get("content")), "attachment")
    context = res.get("context")
    if isinstance(context, list):  # R5: context is a list of References
        encounter = next((c for c in context if _get(c, "reference")), None)
    else:
        encounter = _first(_get(context, "encounter"))
    return {
        "resource_id": res["id"],
        "status": _s(res.get("status")),
        "doc_status": _s(res.get("docStatus")),
        "signed_at": _when(res.get("date"), "date"),
        "author_ref": _ref(_first(res.get("author")), "Practitioner"),
        "patient_ref": _ref(res.get("subject"), "Patient"),
        "encounter_ref": _ref(encounter, "Encounter"),
        "content_type": _s(_get(attachment, "contentType")),
        "note_text": _note_text(attachment),
    }


_MAPPERS: dict[str, Callable[[dict, str | None], dict]] = {
    "Patient": _patient,
    "Practitioner": _practitioner,
    "Encounter": _encounter,
    "Condition": _condition,
    "Observation": _observation,
    "DocumentReference": _document_reference,
}


def _a(word: str) -> str:
    return "an" if word[:1] in "AEIOU" else "a"


def _holds_lone_surrogate(resource: object) -> bool:
    """True when a string of the parsed JSON holds a surrogate without its pair (json.loads lets them through)."""
    try:
        json.dumps(resource, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def file_resource_type(source_file: str) -> str | None:
    """The resource type a bulk file's name says it holds ("Patient.000.ndjson" -> "Patient"), or None."""
    match = _TYPED_FILE.fullmatch(source_file.replace("\\", "/").rsplit("/", 1)[-1])
    return match["type"] if match else None


def read_ndjson(data: bytes, *, delivery: str, source_file: str, file_sha256: str,
                mrn_system: str | None = None, validate: bool = False) -> ReadResult:
    """Raw `fhir_*` rows and quarantine records for one NDJSON file's bytes (see the module docstring)."""
    result = ReadResult()
    expected = file_resource_type(source_file)
    expected_table = TABLE_FOR_TYPE.get(expected, "") if expected else ""
    validator = None
    if validate:
        from connectors.fhir_validate import validate_fhir_resource as validator  # heavy import: only if asked

    try:
        text = data.decode("utf-8")
        has_bad_bytes = False
    except UnicodeDecodeError:
        text = data.decode("utf-8", "surrogateescape")
        has_bad_bytes = True
    if text.startswith("\ufeff"):
        text = text[1:]

    rows = result.rows
    quarantine = result.quarantine
    skipped_by_kind = result.skipped_by_kind
    read = loaded = 0

    def reject(lineno: int, line: str, table: str, rule: str, reason: str, key: str | None = None) -> None:
        if has_bad_bytes:
            line = line.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        quarantine.append(quarantine_record(
            source="ehr", table_name=table, location=f"line {lineno}", rule=rule, reason=reason,
            record_key=key, raw_text=line.rstrip("\r"), delivery=delivery, source_file=source_file,
            file_sha256=file_sha256, position=lineno))

    for lineno, line in enumerate(text.split("\n"), 1):
        if not line or line.isspace():
            continue
        read += 1
        if has_bad_bytes and _SURROGATE.search(line):
            reject(lineno, line, expected_table, "not_utf8", "the line holds bytes that are not UTF-8 text")
            continue
        try:
            resource = json.loads(line)
        except ValueError as exc:
            reason = f"not valid JSON: {exc.msg} (character {exc.colno})" if isinstance(
                exc, json.JSONDecodeError) else f"not valid JSON: {exc}"
            reject(lineno, line, expected_table, "invalid_json", reason)
            continue
        if "\\u" in line and _SURROGATE_ESCAPE.search(line) and _holds_lone_surrogate(resource):
            reject(lineno, line, expected_table, "not_utf8",
                   "the line escapes a lone UTF-16 surrogate (\\ud800-\\udfff without its pair), which is not a "
                   "Unicode character, so its text cannot be stored")
            continue
        resource_type = resource.get("resourceType") if isinstance(resource, dict) else None
        if not isinstance(resource_type, str) or not resource_type:
            what = "a JSON object" if isinstance(resource, dict) else f"a JSON {type(resource).__name__}"
            reject(lineno, line, expected_table, "not_a_resource",
                   f"{what} without a resourceType: not a FHIR resource")
            continue
        resource_id = _s(resource.get("id"))
        table = TABLE_FOR_TYPE.get(resource_type)
        if expected is not None and resource_type != expected:
            reject(lineno, line, table or expected_table, "unexpected_resource_type",
                   f"{_a(resource_type)} {resource_type} resource in a file named for {expected} resources",
                   resource_id)
            continue
        if table is None:
            skipped_by_kind[resource_type] = skipped_by_kind.get(resource_type, 0) + 1
            continue
        if not resource_id or not resource_id.strip():
            reject(lineno, line, table, "missing_key", f"{resource_type} has no id")
            continue
        if validator is not None:
            errors = validator(resource)
            if errors:
                more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
                reject(lineno, line, table, "invalid_fhir",
                       f"not a valid FHIR {resource_type}: " + "; ".join(errors[:5]) + more, resource_id)
                continue
        try:
            row = _MAPPERS[resource_type](resource, mrn_system)
        except _Reject as exc:
            reject(lineno, line, table, exc.rule, exc.reason, resource_id)
            continue
        except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
            reject(lineno, line, table, "malformed_resource",
                   f"could not read this {resource_type}: {type(exc).__name__}: {exc}", resource_id)
            continue
        row["resource_id"] = resource_id
        row["_delivery"] = delivery
        row["_source_file"] = source_file
        row["_file_sha256"] = file_sha256
        row["_position"] = lineno
        table_rows = rows.get(table)
        if table_rows is None:
            table_rows = rows[table] = []
        table_rows.append(row)
        loaded += 1

    result.records_read = read
    result.records_loaded = loaded
    result.records_quarantined = len(quarantine)
    result.skipped = sum(skipped_by_kind.values())
    return result
