"""FHIR R4 resources for the demo practice's EHR bulk export, as plain dicts, and their NDJSON lines.

Builders are dict literals on purpose: the generator writes hundreds of thousands of resources per run,
and constructing fhir.resources models would cost ~50 µs each. Tests prove the dicts validate instead.
Every call returns freshly built dicts (nothing shared with other resources or module state), so a
caller may mutate a resource, e.g. to make a messy delivery, without corrupting the next one.

Ids are deterministic. Patient and Practitioner ids are opaque UUIDv5s of the MRN / NPI, like a real
EHR's, so the platform has to join through the MRN and NPI identifiers rather than the resource id.
Encounter, Condition, Observation and DocumentReference ids are the record ids the caller gives.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import datetime
from functools import lru_cache
from hashlib import sha1

from synthetic.records import Appointment, Clinician, Condition, Observation, Patient

MR_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC_SYSTEM = "http://loinc.org"
ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
DEGREE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0360|2.7"
LOCAL_CREDENTIAL_SYSTEM = "urn:lantern:credential"
# inputs.md names bare text/plain; the bytes are UTF-8. Real exports (Synthea) add "; charset=utf-8",
# so readers compare the media type before ';'.
NOTE_CONTENT_TYPE = "text/plain"
PHQ9_TOTAL = "44261-6"
GAD7_TOTAL = "70274-6"

ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:lantern:fhir-id")
_ID_NAMESPACE_BYTES = ID_NAMESPACE.bytes
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")

# v2-0360 has MD, NP and PHD; the counselling licences and PsyD are not in it, so they get a local system.
_CREDENTIALS: dict[str, tuple[str, str, str]] = {
    "MD": (DEGREE_SYSTEM, "MD", "Doctor of Medicine"),
    "NP": (DEGREE_SYSTEM, "NP", "Nurse Practitioner"),
    "PhD": (DEGREE_SYSTEM, "PHD", "Doctor of Philosophy"),
    "PsyD": (LOCAL_CREDENTIAL_SYSTEM, "PsyD", "Doctor of Psychology"),
    "LCSW": (LOCAL_CREDENTIAL_SYSTEM, "LCSW", "Licensed Clinical Social Worker"),
    "LPC": (LOCAL_CREDENTIAL_SYSTEM, "LPC", "Licensed Professional Counselor"),
    "LMFT": (LOCAL_CREDENTIAL_SYSTEM, "LMFT", "Licensed Marriage and Family Therapist"),
}

_ENCOUNTER_CLASS: dict[str, tuple[str, str]] = {
    "office": ("AMB", "ambulatory"),
    "telehealth": ("VR", "virtual"),
}

# LOINC code -> (LOINC display, short text)
_SCORES: dict[str, tuple[str, str]] = {
    PHQ9_TOTAL: ("Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]", "PHQ-9 total score"),
    GAD7_TOTAL: ("Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]", "GAD-7 total score"),
}

_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)


def _fhir_id(value: str) -> str:
    if not _FHIR_ID.fullmatch(value):
        raise ValueError(f"{value!r} is not a FHIR id (1-64 characters of A-Z, a-z, 0-9, '-', '.')")
    return value


def _uuid5(name: str) -> str:
    """str(uuid.uuid5(ID_NAMESPACE, name)) in a third of the time: one is needed per encounter."""
    h = sha1(_ID_NAMESPACE_BYTES + name.encode("utf-8")).hexdigest()
    variant = "89ab"[int(h[16], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{variant}{h[17:20]}-{h[20:32]}"


@lru_cache(maxsize=None)
def patient_id(mrn: str) -> str:
    """The Patient resource id for an MRN: a UUIDv5, stable across runs but meaningless on its own."""
    return _uuid5("Patient|" + mrn)


@lru_cache(maxsize=None)
def practitioner_id(npi: str) -> str:
    """The Practitioner resource id for an NPI (UUIDv5)."""
    return _uuid5("Practitioner|" + npi)


def encounter_id_for(appointment_id: str) -> str:
    """The Encounter id for a held appointment (UUIDv5); Condition/Observation.encounter_id should use it too."""
    return _uuid5("Encounter|" + appointment_id)


def _instant(dt: datetime) -> str:
    """ISO 8601 to the second with the UTC offset; FHIR rejects a dateTime with a time but no offset."""
    text = dt.isoformat(timespec="seconds")
    if len(text) == 19:
        raise ValueError(f"timestamp {text} has no UTC offset")
    return text


def _concept(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _session_period(a: Appointment) -> dict:
    if a.encounter_start is None or a.encounter_end is None:
        raise ValueError(f"appointment {a.appointment_id} has no encounter_start/encounter_end: not a held session")
    return {"start": _instant(a.encounter_start), "end": _instant(a.encounter_end)}


def _guardian_contact(p: Patient) -> dict:
    g = p.guardian
    return {
        # v2-0131 is the bound (extensible) value set but has no "parent"; the v3 RoleCode entry says it.
        "relationship": [
            _concept("http://terminology.hl7.org/CodeSystem/v2-0131", "N", "Next-of-Kin"),
            _concept("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "PRN", "parent"),
        ],
        "name": {"family": g.last_name, "given": [g.first_name]},
        "gender": g.gender,
    }


def patient_resource(p: Patient, mrn_system: str) -> dict:
    resource = {
        "resourceType": "Patient",
        "id": patient_id(p.mrn),
        "identifier": [
            {
                "use": "usual",
                "type": _concept(MR_TYPE_SYSTEM, "MR", "Medical record number"),
                "system": mrn_system,
                "value": p.mrn,
            }
        ],
        "name": [{"use": "official", "family": p.last_name, "given": [p.first_name]}],
        "telecom": [{"system": "phone", "value": p.phone, "use": "home"}],
        "gender": p.gender,
        "birthDate": p.birth_date.isoformat(),
        "address": [
            {
                "use": "home",
                "line": [p.address_line],
                "city": p.city,
                "state": p.state,
                "postalCode": p.postal_code,
                "country": "US",
            }
        ],
    }
    if p.guardian is not None:
        resource["contact"] = [_guardian_contact(p)]
    return resource


def _qualification_code(credential: str) -> dict:
    try:
        system, code, display = _CREDENTIALS[credential]
    except KeyError:
        raise ValueError(f"unknown credential {credential!r}; expected one of {sorted(_CREDENTIALS)}") from None
    concept = _concept(system, code, display)
    # text keeps the practice's own spelling (PhD, not the v2 code PHD): it is the credential as listed
    concept["text"] = credential
    return concept


def practitioner_resource(c: Clinician) -> dict:
    return {
        "resourceType": "Practitioner",
        "id": practitioner_id(c.npi),
        "identifier": [{"system": NPI_SYSTEM, "value": c.npi}],
        "active": True,
        "name": [{"use": "official", "family": c.last_name, "given": [c.first_name], "suffix": [c.credential]}],
        "gender": c.gender,
        "qualification": [{"code": _qualification_code(c.credential)}],
    }


def encounter_resource(a: Appointment, encounter_id: str) -> dict:
    try:
        class_code, class_display = _ENCOUNTER_CLASS[a.modality]
    except KeyError:
        raise ValueError(f"appointment {a.appointment_id} has unknown modality {a.modality!r}") from None
    return {
        "resourceType": "Encounter",
        "id": _fhir_id(encounter_id),
        "status": "finished",
        "class": {"system": ACT_CODE_SYSTEM, "code": class_code, "display": class_display},
        "type": [{"coding": [{"system": CPT_SYSTEM, "code": a.cpt_code}]}],
        "subject": {"reference": "Patient/" + patient_id(a.patient_mrn)},
        "participant": [
            {
                "type": [
                    _concept(
                        "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "PPRF", "primary performer"
                    )
                ],
                "individual": {"reference": "Practitioner/" + practitioner_id(a.clinician_npi)},
            }
        ],
        "appointment": [{"reference": "Appointment/" + a.appointment_id}],
        "period": _session_period(a),
    }


def condition_resource(c: Condition) -> dict:
    recorded = _instant(c.recorded_at)
    resource = {
        "resourceType": "Condition",
        "id": _fhir_id(c.condition_id),
        "clinicalStatus": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]
        },
        "verificationStatus": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]
        },
        "category": [
            _concept(
                "http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis", "Encounter Diagnosis"
            )
        ],
        "code": {"coding": [{"system": ICD10CM_SYSTEM, "code": c.icd10, "display": c.display}], "text": c.display},
        "subject": {"reference": "Patient/" + patient_id(c.patient_mrn)},
    }
    if c.encounter_id is not None:
        resource["encounter"] = {"reference": "Encounter/" + _fhir_id(c.encounter_id)}
    # the record has no separate onset: the diagnosis time stands for both
    resource["onsetDateTime"] = recorded
    resource["recordedDate"] = recorded
    return resource


def observation_resource(o: Observation) -> dict:
    try:
        display, text = _SCORES[o.loinc]
    except KeyError:
        raise ValueError(f"observation {o.observation_id} has unsupported LOINC {o.loinc!r}") from None
    resource = {
        "resourceType": "Observation",
        "id": _fhir_id(o.observation_id),
        "status": "final",
        "category": [_concept("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")],
        "code": {"coding": [{"system": LOINC_SYSTEM, "code": o.loinc, "display": display}], "text": text},
        "subject": {"reference": "Patient/" + patient_id(o.patient_mrn)},
    }
    if o.encounter_id is not None:
        resource["encounter"] = {"reference": "Encounter/" + _fhir_id(o.encounter_id)}
    resource["effectiveDateTime"] = _instant(o.effective_at)
    resource["valueInteger"] = o.value
    return resource


def document_reference_resource(a: Appointment, doc_id: str, encounter_id: str | None = None) -> dict:
    """The session's progress note; `encounter_id` defaults to encounter_id_for(a.appointment_id).

    A note never signed within the data window is written as docStatus `preliminary` without a `date`.
    """
    if a.note_text is None:
        raise ValueError(f"appointment {a.appointment_id} has no note text")
    if encounter_id is None:
        encounter_id = encounter_id_for(a.appointment_id)
    signed = a.note_signed_at is not None
    resource = {
        "resourceType": "DocumentReference",
        "id": _fhir_id(doc_id),
        "status": "current",
        "docStatus": "final" if signed else "preliminary",
        "type": {"coding": [{"system": LOINC_SYSTEM, "code": "11506-3", "display": "Progress note"}]},
        "category": [
            _concept(
                "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                "clinical-note",
                "Clinical Note",
            )
        ],
        "subject": {"reference": "Patient/" + patient_id(a.patient_mrn)},
    }
    if signed:
        resource["date"] = _instant(a.note_signed_at)
    resource["author"] = [{"reference": "Practitioner/" + practitioner_id(a.clinician_npi)}]
    resource["content"] = [
        {
            "attachment": {
                "contentType": NOTE_CONTENT_TYPE,
                "data": base64.b64encode(a.note_text.encode("utf-8")).decode("ascii"),
            }
        }
    ]
    resource["context"] = {
        "encounter": [{"reference": "Encounter/" + _fhir_id(encounter_id)}],
        "period": _session_period(a),
    }
    return resource


def ndjson_line(resource: dict) -> str:
    """One compact JSON line ending in a newline; keys keep the builder's order (resourceType first).

    Output is ASCII-only (non-ASCII escaped), so a line never holds a raw U+2028 that a
    str.splitlines() reader would split on, and the file's encoding cannot matter.
    """
    return _ENCODER.encode(resource) + "\n"
