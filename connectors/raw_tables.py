"""The raw layer: the tables the readers fill and the warehouse's dbt sources read.

One place names every raw table and column, so the readers, the loader, the data contracts and
`dbt_project/models/staging/_sources.yml` agree. Readers return rows as dicts keyed by these
column names (lineage columns included); values are Python types matching the DuckDB type
(str, int, Decimal, date, datetime with tzinfo for TIMESTAMPTZ, naive datetime for TIMESTAMP).

Every raw row carries its lineage: the delivery folder, the file path relative to the landing
zone, the file's sha256, and its position in the file (1-based line for NDJSON and CSV, 1-based
segment number for X12) so a quarantined or surprising row can be found by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

MONEY = "DECIMAL(18,2)"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True, slots=True)
class RawTable:
    name: str
    source: str  # ehr, pm, payer
    description: str
    columns: tuple[Column, ...]

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + LINEAGE

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.all_columns)


LINEAGE = (
    Column("_delivery", "VARCHAR", "delivery folder name (its date or batch id)"),
    Column("_source_file", "VARCHAR", "file path relative to the landing zone"),
    Column("_file_sha256", "VARCHAR", "sha256 of the file's bytes"),
    Column("_position", "INTEGER", "1-based line (NDJSON, CSV) or segment number (X12) the row starts at"),
)


def _cols(*spec: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in spec)


def _text_cols(names: str, what: str) -> tuple[Column, ...]:
    return tuple(Column(n.strip(), "VARCHAR", f"{what}: {n.strip()}, as written") for n in names.split(","))


FHIR_TABLES = (
    RawTable("fhir_patients", "ehr", "FHIR Patient resources", _cols(
        ("resource_id", "VARCHAR", "Patient.id"),
        ("mrn", "VARCHAR", "identifier whose type is v2-0203 MR (or whose system is the configured MRN system)"),
        ("family_name", "VARCHAR", "name[0].family"),
        ("given_name", "VARCHAR", "name[0].given[0]"),
        ("birth_date", "DATE", "birthDate"),
        ("gender", "VARCHAR", "gender"),
        ("postal_code", "VARCHAR", "address[0].postalCode"),
    )),
    RawTable("fhir_practitioners", "ehr", "FHIR Practitioner resources", _cols(
        ("resource_id", "VARCHAR", "Practitioner.id"),
        ("npi", "VARCHAR", "identifier with system http://hl7.org/fhir/sid/us-npi"),
        ("family_name", "VARCHAR", "name[0].family"),
        ("given_name", "VARCHAR", "name[0].given[0]"),
        ("credential", "VARCHAR", "qualification[0].code.text, else its first coding's code"),
    )),
    RawTable("fhir_encounters", "ehr", "FHIR Encounter resources", _cols(
        ("resource_id", "VARCHAR", "Encounter.id"),
        ("status", "VARCHAR", "status"),
        ("class_code", "VARCHAR", "class.code (AMB office, VR virtual)"),
        ("cpt_code", "VARCHAR", "type[].coding with system http://www.ama-assn.org/go/cpt"),
        ("patient_ref", "VARCHAR", "subject.reference id part (Patient/<id> -> <id>)"),
        ("practitioner_ref", "VARCHAR", "participant[0].individual.reference id part"),
        ("appointment_id", "VARCHAR", "appointment[0].reference id part (Appointment/<id> -> <id>)"),
        ("period_start", "TIMESTAMPTZ", "period.start"),
        ("period_end", "TIMESTAMPTZ", "period.end"),
    )),
    RawTable("fhir_conditions", "ehr", "FHIR Condition resources", _cols(
        ("resource_id", "VARCHAR", "Condition.id"),
        ("patient_ref", "VARCHAR", "subject.reference id part"),
        ("encounter_ref", "VARCHAR", "encounter.reference id part"),
        ("icd10_code", "VARCHAR", "code.coding with system http://hl7.org/fhir/sid/icd-10-cm"),
        ("recorded_at", "TIMESTAMPTZ", "recordedDate, else onsetDateTime"),
    )),
    RawTable("fhir_observations", "ehr", "FHIR Observation resources (every code; staging keeps PHQ-9 and GAD-7)", _cols(
        ("resource_id", "VARCHAR", "Observation.id"),
        ("status", "VARCHAR", "status"),
        ("loinc_code", "VARCHAR", "code.coding with system http://loinc.org"),
        ("patient_ref", "VARCHAR", "subject.reference id part"),
        ("encounter_ref", "VARCHAR", "encounter.reference id part"),
        ("effective_at", "TIMESTAMPTZ", "effectiveDateTime (or effectivePeriod.start)"),
        ("value", "DOUBLE", "valueInteger, valueQuantity.value, or a numeric valueString"),
    )),
    RawTable("fhir_document_references", "ehr", "FHIR DocumentReference resources: progress notes", _cols(
        ("resource_id", "VARCHAR", "DocumentReference.id"),
        ("status", "VARCHAR", "status"),
        ("doc_status", "VARCHAR", "docStatus"),
        ("signed_at", "TIMESTAMPTZ", "date"),
        ("author_ref", "VARCHAR", "author[0].reference id part"),
        ("patient_ref", "VARCHAR", "subject.reference id part"),
        ("encounter_ref", "VARCHAR", "context.encounter[0].reference id part"),
        ("content_type", "VARCHAR", "content[0].attachment.contentType"),
        ("note_text", "VARCHAR", "content[0].attachment.data, base64-decoded as UTF-8"),
    )),
)

PM_TABLES = (
    RawTable("pm_payers", "pm", "payers.csv", _text_cols("payer_id, payer_name, payer_type, updated_at", "column")),
    RawTable("pm_coverages", "pm", "coverages.csv", _text_cols(
        "coverage_id, patient_mrn, payer_id, member_id, start_date, end_date, updated_at", "column")),
    RawTable("pm_referrals", "pm", "referrals.csv", _text_cols(
        "referral_id, received_at, channel, source, patient_mrn, birth_date, requested_service, first_contact_at, "
        "intake_sent_at, intake_completed_at, status, lost_reason, updated_at", "column")),
    RawTable("pm_eligibility_checks", "pm", "eligibility_checks.csv", _text_cols(
        "check_id, patient_mrn, payer_id, checked_at, result, copay, deductible_remaining, auth_required, updated_at",
        "column")),
    RawTable("pm_authorizations", "pm", "authorizations.csv", _text_cols(
        "auth_id, patient_mrn, payer_id, requested_at, decided_at, status, approved_visits, start_date, end_date, "
        "auth_number, updated_at", "column")),
    RawTable("pm_appointments", "pm", "appointments.csv", _text_cols(
        "appointment_id, patient_mrn, clinician_npi, booked_at, scheduled_start, scheduled_minutes, cpt_code, "
        "modality, status, status_at, referral_id, updated_at", "column")),
    RawTable("pm_patient_payments", "pm", "patient_payments.csv", _text_cols(
        "payment_id, patient_mrn, appointment_id, received_at, amount, method, updated_at", "column")),
)

# The CSV file each PM table comes from.
PM_FILES = {t.name: t.description for t in PM_TABLES}

X12_TABLES = (
    RawTable("x12_claims", "payer", "837P claims: one row per 2300 loop", _cols(
        ("claim_key", "VARCHAR", "<file sha256>:<segment number of CLM>: unique per claim occurrence"),
        ("claim_id", "VARCHAR", "CLM01 patient control number (= appointment_id)"),
        ("frequency_code", "VARCHAR", "CLM05-3: 1 original, 7 replacement, 8 void"),
        ("place_of_service", "VARCHAR", "CLM05-1"),
        ("total_charge", MONEY, "CLM02"),
        ("prior_auth", "VARCHAR", "REF*G1"),
        ("original_reference", "VARCHAR", "REF*F8 payer claim control number being replaced or voided"),
        ("diagnosis_codes", "VARCHAR", "HI codes in order, comma separated, as written (no dot)"),
        ("payer_id", "VARCHAR", "2010BB NM109"),
        ("payer_name", "VARCHAR", "2010BB NM103"),
        ("claim_filing_code", "VARCHAR", "SBR09"),
        ("member_id", "VARCHAR", "2010BA NM109 subscriber member id"),
        ("relationship", "VARCHAR", "18 when the patient is the subscriber, else PAT01"),
        ("billing_npi", "VARCHAR", "2010AA NM109"),
        ("rendering_npi", "VARCHAR", "2310B NM109, else the billing NPI"),
        ("submitted_at_local", "TIMESTAMP", "BHT04 + BHT05 of the claim's transaction, local time of the submitter"),
        ("transaction_control", "VARCHAR", "ST02"),
        ("interchange_control", "VARCHAR", "ISA13"),
    )),
    RawTable("x12_claim_lines", "payer", "837P service lines (2400)", _cols(
        ("claim_key", "VARCHAR", "the claim the line belongs to"),
        ("line_number", "INTEGER", "LX01"),
        ("procedure_code", "VARCHAR", "SV101-2"),
        ("modifiers", "VARCHAR", "SV101-3..6, comma separated"),
        ("charge", MONEY, "SV102"),
        ("units", "DECIMAL(10,2)", "SV104"),
        ("place_of_service", "VARCHAR", "SV105 when given"),
        ("service_date", "DATE", "DTP*472 (the first date of a range)"),
    )),
    RawTable("x12_remittances", "payer", "835 transactions: one payment (or notice) from one payer", _cols(
        ("remittance_key", "VARCHAR", "<file sha256>:<segment number of ST>"),
        ("payer_id", "VARCHAR", "1000A REF*2U, else N1*PR N104, else the ISA sender"),
        ("payer_name", "VARCHAR", "1000A N1*PR N102"),
        ("payment_amount", MONEY, "BPR02"),
        ("credit_debit", "VARCHAR", "BPR03"),
        ("payment_method", "VARCHAR", "BPR04 (ACH, CHK, NON, ...)"),
        ("payment_date", "DATE", "BPR16"),
        ("trace_number", "VARCHAR", "TRN02"),
        ("payee_npi", "VARCHAR", "1000B N1*PE N104 when XX"),
        ("transaction_control", "VARCHAR", "ST02"),
        ("interchange_control", "VARCHAR", "ISA13"),
    )),
    RawTable("x12_claim_payments", "payer", "835 claim payments: one row per CLP", _cols(
        ("claim_payment_key", "VARCHAR", "<file sha256>:<segment number of CLP>"),
        ("remittance_key", "VARCHAR", "the 835 transaction"),
        ("claim_id", "VARCHAR", "CLP01"),
        ("status_code", "VARCHAR", "CLP02"),
        ("charge", MONEY, "CLP03"),
        ("paid", MONEY, "CLP04"),
        ("patient_responsibility", MONEY, "CLP05 (0 when empty)"),
        ("claim_filing_code", "VARCHAR", "CLP06"),
        ("payer_claim_control_number", "VARCHAR", "CLP07"),
        ("place_of_service", "VARCHAR", "CLP08"),
        ("frequency_code", "VARCHAR", "CLP09"),
        ("rendering_npi", "VARCHAR", "NM1*82 NM109"),
        ("service_date", "DATE", "DTM*232 (claim statement from), else the first SVC DTM*472"),
    )),
    RawTable("x12_service_payments", "payer", "835 service lines: one row per SVC", _cols(
        ("service_payment_key", "VARCHAR", "<file sha256>:<segment number of SVC>"),
        ("claim_payment_key", "VARCHAR", "the CLP it belongs to"),
        ("procedure_code", "VARCHAR", "SVC01-2"),
        ("modifiers", "VARCHAR", "SVC01-3..6, comma separated"),
        ("charge", MONEY, "SVC02"),
        ("paid", MONEY, "SVC03"),
        ("units", "DECIMAL(10,2)", "SVC05 (1 when empty)"),
        ("service_date", "DATE", "DTM*472 (or 150)"),
    )),
    RawTable("x12_adjustments", "payer", "835 CAS adjustments, claim and service level, one row per triplet", _cols(
        ("claim_payment_key", "VARCHAR", "the CLP"),
        ("service_payment_key", "VARCHAR", "the SVC, empty for claim-level adjustments"),
        ("level", "VARCHAR", "claim or service"),
        ("group_code", "VARCHAR", "CAS01: CO, PR, OA, PI, CR"),
        ("reason_code", "VARCHAR", "CARC"),
        ("amount", MONEY, "adjustment amount"),
        ("quantity", "DECIMAL(10,2)", "adjustment quantity, when given"),
    )),
    RawTable("x12_remarks", "payer", "835 remark codes (RARC): LQ*HE at service level, MOA at claim level", _cols(
        ("claim_payment_key", "VARCHAR", "the CLP"),
        ("service_payment_key", "VARCHAR", "the SVC, empty for claim-level remarks"),
        ("level", "VARCHAR", "claim or service"),
        ("remark_code", "VARCHAR", "RARC"),
    )),
    RawTable("x12_provider_adjustments", "payer", "835 PLB provider-level adjustments, one row per reason/amount pair", _cols(
        ("remittance_key", "VARCHAR", "the 835 transaction"),
        ("provider_id", "VARCHAR", "PLB01"),
        ("fiscal_period_date", "DATE", "PLB02"),
        ("reason_code", "VARCHAR", "adjustment reason (L6 interest, WO recoupment, FB forwarding balance, ...)"),
        ("reference", "VARCHAR", "adjustment identifier after the reason"),
        ("amount", MONEY, "positive reduces the payment, negative adds to it"),
    )),
    RawTable("x12_claim_acks", "payer", "277CA claim-level status (2200D)", _cols(
        ("claim_id", "VARCHAR", "TRN02 patient control number"),
        ("status_category", "VARCHAR", "STC01-1: A1/A2 accepted, A3/A6/A7 rejected"),
        ("status_code", "VARCHAR", "STC01-2"),
        ("entity_code", "VARCHAR", "STC01-3 when given"),
        ("action_code", "VARCHAR", "STC03 (WQ accepted, U rejected)"),
        ("status_date", "DATE", "STC02"),
        ("charge", MONEY, "STC04"),
        ("payer_claim_control_number", "VARCHAR", "REF*1K"),
        ("service_date", "DATE", "DTP*472 (first date of a range)"),
        ("payer_name", "VARCHAR", "2100A NM1*PR NM103"),
        ("payer_id", "VARCHAR", "2100A NM1*PR NM109"),
        ("transaction_control", "VARCHAR", "ST02"),
    )),
)

ALL_TABLES = FHIR_TABLES + PM_TABLES + X12_TABLES
BY_NAME = {t.name: t for t in ALL_TABLES}

QUARANTINE = RawTable("quarantine", "all", "rows, claims, transactions and files that broke a contract", _cols(
    ("source", "VARCHAR", "ehr, pm or payer"),
    ("table_name", "VARCHAR", "the raw table the rejected input was meant for, empty for a whole file"),
    ("location", "VARCHAR", "line N, segment N (with the segment id), or 'file'"),
    ("rule", "VARCHAR", "short rule name, e.g. invalid_json, missing_key, unparseable_timestamp, unbalanced_835"),
    ("reason", "VARCHAR", "what is wrong, in words a person understands"),
    ("record_key", "VARCHAR", "the rejected row's key when it has one (appointment_id, CLM01, ...)"),
    ("raw_text", "VARCHAR", "the rejected line or segments, as read"),
))

LEDGER = RawTable("ledger", "all", "every file of every delivery the loader has seen", _cols(
    ("source", "VARCHAR", "ehr, pm or payer"),
    ("kind", "VARCHAR", "resource type, CSV name, or X12 transaction set (837, 835, 277)"),
    ("bytes", "BIGINT", "file size"),
    ("status", "VARCHAR", "loaded, or quarantined (the whole file was rejected)"),
    ("duplicate_of", "VARCHAR", "when the file's bytes repeat an earlier file (by delivery, path): that file"),
    ("rows_read", "INTEGER", "records found in the file: NDJSON lines, CSV rows, X12 claims (CLM), claim payments (CLP), claim acks (277CA 2200D)"),
    ("rows_loaded", "INTEGER", "records that reached raw tables"),
    ("rows_quarantined", "INTEGER", "records sent to quarantine"),
    ("rows_skipped", "INTEGER", "records of a kind no raw table takes (e.g. a FHIR Immunization)"),
))
