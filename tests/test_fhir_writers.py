"""The FHIR writers produce resources that validate as FHIR (R4B models) and carry the keys the platform joins on."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from fhir.resources.R4B.condition import Condition as FhirCondition
from fhir.resources.R4B.documentreference import DocumentReference as FhirDocumentReference
from fhir.resources.R4B.encounter import Encounter as FhirEncounter
from fhir.resources.R4B.observation import Observation as FhirObservation
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner as FhirPractitioner

from connectors.fhir_validate import validate_fhir_resource
from connectors.npi import is_valid_npi, npi_check_digit
from synthetic.records import Appointment, Clinician, Condition, Guardian, Observation, Patient
from synthetic.writers.fhir import (
    CPT_SYSTEM,
    ID_NAMESPACE,
    ICD10CM_SYSTEM,
    LOINC_SYSTEM,
    MR_TYPE_SYSTEM,
    NPI_SYSTEM,
    condition_resource,
    document_reference_resource,
    encounter_id_for,
    encounter_resource,
    ndjson_line,
    observation_resource,
    patient_id,
    patient_resource,
    practitioner_id,
    practitioner_resource,
)

R4B_MODELS = {
    "Patient": FhirPatient,
    "Practitioner": FhirPractitioner,
    "Encounter": FhirEncounter,
    "Condition": FhirCondition,
    "Observation": FhirObservation,
    "DocumentReference": FhirDocumentReference,
}
REAL_PHQ9 = "fhir/us-core-phq9/Observation-PHQ9-item-example-44261-6.json"
MRN_SYSTEM = "urn:lantern:demo-practice:mrn"
CST = timezone(timedelta(hours=-6))
NPI = "123456789" + npi_check_digit("123456789")
NOTE = (
    "Session 09:00-09:53. Presenting problem: low mood, poor sleep.\n"
    "MSE: alert, oriented x3; affect constricted. Risk: denies SI/HI.\n"
    "Interventions: CBT thought record. Response: engaged. Plan: weekly — next visit 3/11; café homework.\n"
)


def _patient(guardian: Guardian | None = None) -> Patient:
    return Patient(
        mrn="MRN000123",
        first_name="Ana",
        last_name="Núñez",
        birth_date=date(2011, 6, 2) if guardian else date(1988, 6, 2),
        gender="female",
        address_line="12 Elm St",
        city="Springfield",
        state="IL",
        postal_code="62701",
        phone="217-555-0142",
        guardian=guardian,
        created_at=datetime(2024, 1, 5, 10, 0, tzinfo=CST),
    )


def _guardian() -> Guardian:
    return Guardian(first_name="Maria", last_name="Núñez", birth_date=date(1980, 2, 1), gender="female")


def _clinician(credential: str = "LCSW") -> Clinician:
    return Clinician(
        npi=NPI,
        first_name="Sam",
        last_name="Okafor",
        gender="male",
        credential=credential,
        taxonomy="1041C0700X",
        weekly_capacity=25,
        telehealth_share=0.4,
        doc_habit={},
        note_lag_median_hours=6.0,
        note_lag_sigma=0.5,
        effectiveness=1.0,
        demand=1.0,
        sees_minors=True,
        does_family=False,
        does_group=False,
        denial_logit=0.0,
        length_drift=0.0,
        modifier_miss=0.0,
        started_on=date(2020, 1, 1),
    )


def _appointment(modality: str = "telehealth", signed: bool = True) -> Appointment:
    start = datetime(2025, 3, 4, 9, 0, tzinfo=CST)
    return Appointment(
        appointment_id="A-2025-000042",
        patient_mrn="MRN000123",
        clinician_npi=NPI,
        booked_at=datetime(2025, 2, 20, 14, 5, tzinfo=CST),
        scheduled_start=start,
        scheduled_minutes=53,
        cpt_code="90837",
        modality=modality,
        status="completed",
        status_at=start,
        referral_id=None,
        updated_at=start,
        encounter_start=start,
        encounter_end=start + timedelta(minutes=53, microseconds=120_000),
        note_text=NOTE,
        note_signed_at=datetime(2025, 3, 4, 17, 30, 12, 999_999, tzinfo=CST) if signed else None,
    )


ENCOUNTER_ID = encounter_id_for("A-2025-000042")


def _condition() -> Condition:
    return Condition(
        condition_id="C-000007",
        patient_mrn="MRN000123",
        icd10="F33.1",
        display="Major depressive disorder, recurrent, moderate",
        recorded_at=datetime(2025, 3, 4, 9, 50, tzinfo=CST),
        encounter_id=ENCOUNTER_ID,
    )


def _observation(loinc: str, value: int) -> Observation:
    return Observation(
        observation_id=f"O-{loinc}",
        patient_mrn="MRN000123",
        loinc=loinc,
        value=value,
        effective_at=datetime(2025, 3, 4, 8, 55, 30, tzinfo=CST),
        encounter_id=ENCOUNTER_ID,
    )


BUILDERS = {
    "patient-adult": lambda: patient_resource(_patient(), MRN_SYSTEM),
    "patient-minor": lambda: patient_resource(_patient(_guardian()), MRN_SYSTEM),
    **{
        f"practitioner-{c}": (lambda c=c: practitioner_resource(_clinician(c)))
        for c in ("LCSW", "LPC", "LMFT", "PhD", "PsyD", "MD", "NP")
    },
    "encounter-telehealth": lambda: encounter_resource(_appointment("telehealth"), ENCOUNTER_ID),
    "encounter-office": lambda: encounter_resource(_appointment("office"), ENCOUNTER_ID),
    "condition": lambda: condition_resource(_condition()),
    "observation-phq9": lambda: observation_resource(_observation("44261-6", 14)),
    "observation-gad7": lambda: observation_resource(_observation("70274-6", 9)),
    "note-signed": lambda: document_reference_resource(_appointment(), "D-000042"),
    "note-unsigned": lambda: document_reference_resource(_appointment(signed=False), "D-000043"),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_every_resource_validates_as_r4b(name: str) -> None:
    resource = BUILDERS[name]()
    assert validate_fhir_resource(resource) == []
    # the model class named directly, so the helper's class lookup is not the only thing vouching
    R4B_MODELS[resource["resourceType"]].model_validate(resource)


def test_validator_reports_what_is_wrong() -> None:
    encounter = encounter_resource(_appointment(), ENCOUNTER_ID)
    del encounter["class"]
    encounter["period"]["start"] = "2025-03-04T09:00:00"  # a time without an offset is not a FHIR dateTime
    errors = validate_fhir_resource(encounter)
    assert any(e.startswith("Encounter.class:") for e in errors)
    assert any(e.startswith("Encounter.period.start:") for e in errors)
    assert validate_fhir_resource({"resourceType": "Coding"}) == ["unknown resourceType 'Coding'"]
    assert validate_fhir_resource({"id": "x"}) == ["missing resourceType"]


def test_patient_carries_the_mrn_identifier() -> None:
    resource = patient_resource(_patient(), MRN_SYSTEM)
    assert resource["id"] == patient_id("MRN000123") != "MRN000123"
    [identifier] = resource["identifier"]
    assert identifier["type"]["coding"] == [
        {"system": MR_TYPE_SYSTEM, "code": "MR", "display": "Medical record number"}
    ]
    assert (identifier["system"], identifier["value"]) == (MRN_SYSTEM, "MRN000123")
    assert resource["birthDate"] == "1988-06-02"
    assert resource["gender"] == "female"
    assert resource["address"][0]["postalCode"] == "62701"
    assert "contact" not in resource


def test_minor_names_the_guardian_as_parent() -> None:
    [contact] = patient_resource(_patient(_guardian()), MRN_SYSTEM)["contact"]
    codes = {(c["coding"][0]["system"].rsplit("/", 1)[1], c["coding"][0]["code"]) for c in contact["relationship"]}
    assert codes == {("v2-0131", "N"), ("v3-RoleCode", "PRN")}
    assert contact["name"] == {"family": "Núñez", "given": ["Maria"]}


def test_practitioner_carries_the_npi_and_credential() -> None:
    assert is_valid_npi(NPI)
    resource = practitioner_resource(_clinician("PhD"))
    assert resource["id"] == practitioner_id(NPI)
    assert resource["identifier"] == [{"system": NPI_SYSTEM, "value": NPI}]
    [qualification] = resource["qualification"]
    assert qualification["code"]["text"] == "PhD"
    assert qualification["code"]["coding"][0]["system"] == "http://terminology.hl7.org/CodeSystem/v2-0360|2.7"
    assert qualification["code"]["coding"][0]["code"] == "PHD"
    lcsw = practitioner_resource(_clinician("LCSW"))["qualification"][0]["code"]
    assert (lcsw["coding"][0]["system"], lcsw["coding"][0]["code"], lcsw["text"]) == (
        "urn:lantern:credential",
        "LCSW",
        "LCSW",
    )
    with pytest.raises(ValueError, match="credential"):
        practitioner_resource(_clinician("RN"))


def test_encounter_links_appointment_patient_clinician_and_cpt() -> None:
    resource = encounter_resource(_appointment("telehealth"), ENCOUNTER_ID)
    assert resource["id"] == ENCOUNTER_ID
    assert resource["status"] == "finished"
    assert resource["class"]["code"] == "VR"
    assert resource["type"][0]["coding"] == [{"system": CPT_SYSTEM, "code": "90837"}]
    assert resource["subject"] == {"reference": f"Patient/{patient_id('MRN000123')}"}
    assert resource["participant"][0]["individual"] == {"reference": f"Practitioner/{practitioner_id(NPI)}"}
    assert resource["appointment"] == [{"reference": "Appointment/A-2025-000042"}]
    # to the second, offset kept: the 0.12 s of the record are dropped
    assert resource["period"] == {"start": "2025-03-04T09:00:00-06:00", "end": "2025-03-04T09:53:00-06:00"}
    assert encounter_resource(_appointment("office"), ENCOUNTER_ID)["class"]["code"] == "AMB"


def test_encounter_refuses_a_session_that_was_not_held() -> None:
    appointment = _appointment()
    appointment.encounter_start = appointment.encounter_end = None
    with pytest.raises(ValueError, match="not a held session"):
        encounter_resource(appointment, ENCOUNTER_ID)


def test_naive_timestamps_are_refused() -> None:
    appointment = _appointment()
    appointment.encounter_start = appointment.encounter_start.replace(tzinfo=None)
    with pytest.raises(ValueError, match="no UTC offset"):
        encounter_resource(appointment, ENCOUNTER_ID)


def test_condition_is_an_icd10cm_encounter_diagnosis() -> None:
    resource = condition_resource(_condition())
    assert resource["code"]["coding"][0]["system"] == ICD10CM_SYSTEM
    assert resource["code"]["coding"][0]["code"] == "F33.1"
    assert resource["clinicalStatus"]["coding"][0]["code"] == "active"
    assert resource["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert resource["category"][0]["coding"][0]["code"] == "encounter-diagnosis"
    assert resource["encounter"] == {"reference": f"Encounter/{ENCOUNTER_ID}"}
    assert resource["recordedDate"] == resource["onsetDateTime"] == "2025-03-04T09:50:00-06:00"


@pytest.mark.parametrize(("loinc", "value"), [("44261-6", 14), ("70274-6", 9)])
def test_observation_is_a_loinc_score(loinc: str, value: int) -> None:
    resource = observation_resource(_observation(loinc, value))
    assert resource["code"]["coding"][0]["system"] == LOINC_SYSTEM
    assert resource["code"]["coding"][0]["code"] == loinc
    assert resource["valueInteger"] == value and type(resource["valueInteger"]) is int
    assert resource["category"][0]["coding"][0]["code"] == "survey"
    assert resource["effectiveDateTime"] == "2025-03-04T08:55:30-06:00"
    assert resource["encounter"] == {"reference": f"Encounter/{ENCOUNTER_ID}"}


def test_document_reference_carries_the_signed_note() -> None:
    resource = document_reference_resource(_appointment(), "D-000042")
    assert (resource["status"], resource["docStatus"]) == ("current", "final")
    assert resource["type"]["coding"][0]["code"] == "11506-3"
    assert resource["date"] == "2025-03-04T17:30:12-06:00"
    assert resource["author"] == [{"reference": f"Practitioner/{practitioner_id(NPI)}"}]
    assert resource["context"]["encounter"] == [{"reference": f"Encounter/{ENCOUNTER_ID}"}]
    assert resource["context"]["period"]["start"] == "2025-03-04T09:00:00-06:00"
    attachment = resource["content"][0]["attachment"]
    assert attachment["contentType"].split(";")[0] == "text/plain"
    assert base64.b64decode(attachment["data"], validate=True).decode("utf-8") == NOTE


def test_unsigned_note_is_preliminary_and_undated() -> None:
    resource = document_reference_resource(_appointment(signed=False), "D-000043", encounter_id="E-1")
    assert resource["docStatus"] == "preliminary"
    assert "date" not in resource
    assert resource["context"]["encounter"] == [{"reference": "Encounter/E-1"}]


def test_bad_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="not a FHIR id"):
        encounter_resource(_appointment(), "enc 1")


def test_resources_do_not_share_mutable_parts() -> None:
    first = observation_resource(_observation("44261-6", 14))
    first["category"][0]["coding"][0]["code"] = "vital-signs"
    first["subject"]["reference"] = "Patient/other"
    second = observation_resource(_observation("44261-6", 14))
    assert second["category"][0]["coding"][0]["code"] == "survey"
    assert second["subject"]["reference"] == f"Patient/{patient_id('MRN000123')}"


@pytest.mark.parametrize("name", BUILDERS)
def test_ndjson_line_is_one_deterministic_line(name: str) -> None:
    resource = BUILDERS[name]()
    line = ndjson_line(resource)
    assert line.endswith("\n") and line.count("\n") == 1
    assert line.isascii()
    assert line.startswith('{"resourceType":')
    assert json.loads(line) == resource
    # built again from equal records: byte-identical, so reruns of the generator diff clean
    assert ndjson_line(BUILDERS[name]()).encode() == line.encode()


def test_ndjson_line_is_compact() -> None:
    assert ndjson_line({"resourceType": "Basic", "id": "b", "code": {"text": "a, b: c"}}) == (
        '{"resourceType":"Basic","id":"b","code":{"text":"a, b: c"}}\n'
    )


def test_ids_are_deterministic() -> None:
    assert patient_id("MRN000123") == patient_id("MRN000123") != patient_id("MRN000124")
    assert encounter_id_for("A-1") == encounter_id_for("A-1") != encounter_id_for("A-2")
    assert practitioner_id(NPI) != patient_id(NPI)
    # the fast UUIDv5 is the standard one, so anyone can recompute an id from an MRN, NPI or appointment id
    assert patient_id("MRN000123") == str(uuid.uuid5(ID_NAMESPACE, "Patient|MRN000123"))
    assert practitioner_id(NPI) == str(uuid.uuid5(ID_NAMESPACE, f"Practitioner|{NPI}"))
    for appointment_id in ("A-1", "A-2025-000042", "Ü-7", *(f"A{i}" for i in range(200))):
        assert encounter_id_for(appointment_id) == str(uuid.uuid5(ID_NAMESPACE, f"Encounter|{appointment_id}"))


@pytest.mark.real
def test_validator_accepts_the_real_us_core_phq9_example(real_fixtures) -> None:
    resource = json.loads((real_fixtures / REAL_PHQ9).read_text(encoding="utf-8"))
    assert resource["code"]["coding"][0]["code"] == "44261-6"
    assert validate_fhir_resource(resource) == []
    FhirObservation.model_validate(resource)
    # and the validator is not a rubber stamp on that same file
    resource["status"] = ["final"]
    assert validate_fhir_resource(resource) != []
