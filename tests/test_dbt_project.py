"""The warehouse's dbt project, built over a tiny raw layer made by hand.

The raw tables are created from `connectors.raw_tables` (through `connectors.raw_ddl`) and
filled with a handful of rows written out below: a paid claim reversed and paid again, a denial
recovered by a corrected claim, a zero-paid CLP02 1 denial that becomes final, a claim that goes
wholly to the deductible, a Medicare claim with sequestration, a voided claim, patient payments,
appointments, referrals, encounters, notes and PHQ-9 / GAD-7 scores. `dbt build` (models, seeds,
data tests and unit tests) runs once over them; every figure asserted here was worked out by hand
from kpis.md, with the arithmetic in the comments. Money is compared to the cent as Decimal.

The practice is in America/Chicago (CST -06:00 until 2025-03-09, CDT -05:00 after). The newest
delivery is 2025-07-01, so that is the as-of date.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
import yaml
from dbt.cli.main import dbtRunner

from connectors.raw_ddl import create_raw_schema
from connectors.raw_tables import ALL_TABLES, BY_NAME, LEDGER, QUARANTINE

PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"
TZ = ZoneInfo("America/Chicago")
AS_OF = date(2025, 7, 1)

C1 = "1000000001"  # Ava Stone, LCSW
C2 = "1000000002"  # Ben Ortiz, PhD
BILLING_NPI = "1999999999"
GAD7 = "70274-6"
PHQ9 = "44261-6"

D = Decimal


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


def iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="seconds")


def delivery_after(day: date) -> str:
    """Monthly deliveries: the first day of the month after the one a record belongs to."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1).isoformat()


# ---- the raw layer, by hand -------------------------------------------------------------------------


class Raw:
    """Rows for the raw tables, with lineage filled in: a file's sha256 is the hash of its name
    (unless it repeats another file), positions count up within a file."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self._positions: dict[str, int] = defaultdict(int)
        self._sha: dict[str, str] = {}

    def sha(self, file: str) -> str:
        return self._sha.setdefault(file, hashlib.sha256(file.encode()).hexdigest())

    def position(self, file: str) -> int:
        self._positions[file] += 1
        return self._positions[file]

    def add(self, table: str, file: str, position: int | None = None, **values) -> dict:
        delivery = file.split("/")[1]
        row = dict(values, _delivery=delivery, _source_file=file, _file_sha256=self.sha(file),
                   _position=self.position(file) if position is None else position)
        unknown = set(row) - set(BY_NAME.get(table, LEDGER).column_names)
        assert not unknown, f"{table} has no columns {unknown}"
        self.rows[table].append(row)
        return row

    def resend(self, file: str, as_file: str) -> None:
        """The same bytes delivered again under another name (a clearinghouse re-send)."""
        self._sha[as_file] = self.sha(file)
        delivery = as_file.split("/")[1]
        for rows in self.rows.values():
            for row in [r for r in rows if r["_source_file"] == file]:
                rows.append(dict(row, _source_file=as_file, _delivery=delivery))

    def load(self, con: duckdb.DuckDBPyConnection) -> None:
        create_raw_schema(con)
        for name, rows in self.rows.items():
            table = BY_NAME.get(name, LEDGER)
            columns = table.column_names
            placeholders = ", ".join("?" for _ in columns)
            con.executemany(f"insert into raw.{name} values ({placeholders})",
                            [[row.get(c) for c in columns] for row in rows])


def claim_837(raw: Raw, file: str, claim_id: str, *, frequency: str = "1", payer: str, charge: str, cpt: str,
              dos: date, submitted: datetime, npi: str, pos: str = "11") -> None:
    """One 2300 loop with one service line; `submitted` is the BHT04/BHT05 wall-clock time."""
    clm = raw.position(file)
    key = f"{raw.sha(file)}:{clm}"
    raw.add("x12_claims", file, clm, claim_key=key, claim_id=claim_id, frequency_code=frequency,
            place_of_service=pos, total_charge=D(charge), diagnosis_codes="F411", payer_id=payer,
            payer_name=payer, claim_filing_code="CI", member_id=f"MEM{claim_id}", relationship="18",
            billing_npi=BILLING_NPI, rendering_npi=npi, submitted_at_local=submitted.replace(tzinfo=None),
            transaction_control="0001", interchange_control="000000001")
    raw.add("x12_claim_lines", file, claim_key=key, line_number=1, procedure_code=cpt, modifiers="",
            charge=D(charge), units=D("1"), place_of_service=pos, service_date=dos)


def remittance_835(raw: Raw, file: str, payer: str, paid_on: date, clps: list[dict]) -> None:
    """One 835 transaction. Each CLP: claim, status, charge, paid, resp, claim/service-level CAS
    as (group, reason, amount) triplets (one CAS segment per group), remarks."""
    st = raw.position(file)
    remittance_key = f"{raw.sha(file)}:{st}"
    total = sum(D(c["paid"]) for c in clps)
    raw.add("x12_remittances", file, st, remittance_key=remittance_key, payer_id=payer, payer_name=payer,
            payment_amount=total, credit_debit="C", payment_method="ACH", payment_date=paid_on,
            trace_number=f"TRN{payer}{paid_on:%Y%m%d}", payee_npi=BILLING_NPI, transaction_control="0001",
            interchange_control="000000002")
    for c in clps:
        p = raw.position(file)
        clp_key = f"{raw.sha(file)}:{p}"
        raw.add("x12_claim_payments", file, p, claim_payment_key=clp_key, remittance_key=remittance_key,
                claim_id=c["claim"], status_code=c["status"], charge=D(c["charge"]), paid=D(c["paid"]),
                patient_responsibility=D(c.get("resp", "0")), claim_filing_code="CI",
                payer_claim_control_number=f"ICN{c['claim']}{p}", rendering_npi=None, service_date=None)
        for group in sorted({g for g, _, _ in c.get("claim_cas", ())}):
            seg = raw.position(file)
            for g, reason, amount in c["claim_cas"]:
                if g == group:
                    raw.add("x12_adjustments", file, seg, claim_payment_key=clp_key, service_payment_key=None,
                            level="claim", group_code=g, reason_code=reason, amount=D(amount))
        for remark in c.get("claim_remarks", ()):
            raw.add("x12_remarks", file, claim_payment_key=clp_key, service_payment_key=None, level="claim",
                    remark_code=remark)
        svc = raw.position(file)
        svc_key = f"{raw.sha(file)}:{svc}"
        raw.add("x12_service_payments", file, svc, service_payment_key=svc_key, claim_payment_key=clp_key,
                procedure_code="90834", modifiers="", charge=D(c["charge"]), paid=D(c["paid"]), units=D("1"),
                service_date=None)
        for group in sorted({g for g, _, _ in c.get("service_cas", ())}):
            seg = raw.position(file)
            for g, reason, amount in c["service_cas"]:
                if g == group:
                    raw.add("x12_adjustments", file, seg, claim_payment_key=clp_key, service_payment_key=svc_key,
                            level="service", group_code=g, reason_code=reason, amount=D(amount))
        for remark in c.get("service_remarks", ()):
            raw.add("x12_remarks", file, claim_payment_key=clp_key, service_payment_key=svc_key,
                    level="service", remark_code=remark)


# Appointments: id, MRN, clinician, local start, scheduled minutes, CPT, status, referral,
# Encounter minutes (held sessions), note lag in hours (None: no final note).
SESSIONS = [
    ("A1", "M001", C1, local(2025, 1, 6, 9), 45, "90834", "completed", "R1", 45, 12),
    ("A2", "M002", C1, local(2025, 1, 13, 10), 60, "90837", "completed", None, 60, 48),
    ("A3", "M003", C1, local(2025, 1, 20, 11), 45, "90834", "completed", None, 45, 100),
    ("A4", "M003", C1, local(2025, 1, 27, 11), 45, "90834", "completed", None, 45, 2),
    ("A5", "M003", C1, local(2025, 2, 3, 11), 45, "90834", "completed", None, 45, None),  # preliminary note
    ("A6", "M004", C2, local(2025, 2, 10, 10), 60, "90837", "completed", None, 55, 5),  # amended: 5 h, then 50 h
    ("A7", "M005", C2, local(2025, 2, 17, 13), 45, "90834", "completed", None, 45, 24),
    ("A8", "M004", C2, local(2025, 1, 8, 14), 30, "90832", "completed", "R2", 30, 30),
    ("A9", "M006", C2, local(2025, 5, 5, 9), 60, "90791", "completed", "R5", 60, 3),
    ("A10", "M006", C2, local(2025, 6, 23, 9), 45, "90834", "completed", None, 45, None),
    ("A11", "M001", C1, local(2025, 3, 3, 9), 30, "90832", "completed", None, 30, "dst"),
    ("A12", "M001", C1, local(2025, 3, 4, 9), 30, "90832", "completed", None, 30, None),
    ("A13", "M002", C1, local(2025, 1, 20, 10), 60, "90837", "no_show", None, None, None),
    ("A14", "M003", C1, local(2025, 2, 10, 11), 45, "90834", "late_cancelled", None, None, None),
    ("A15", "M005", C2, local(2025, 2, 24, 13), 45, "90834", "cancelled", None, None, None),
    ("A16", "M001", C1, local(2025, 7, 7, 9), 45, "90834", "scheduled", None, None, None),
    ("A17", "M002", C1, local(2025, 2, 17, 10), 60, "90837", "completed", None, 60, 80),  # never billed
    ("A18", "M001", C1, local(2024, 12, 16, 9), 45, "90791", "no_show", "R1", None, None),
] + [
    # Ten more adolescents with an anxiety disorder for C1 (so C1's leadership group is 11),
    # each seen first on 2025-01-(10+i), referred on 2025-01-01 09:00.
    (f"A1{i:02d}", f"M1{i:02d}", C1, local(2025, 1, 10 + i, 9), 45, "90834", "completed", f"R1{i:02d}", 45, None)
    for i in range(1, 11)
]

PATIENTS = {  # MRN: (birth date, ICD-10-CM code)
    "M001": (date(2010, 5, 10), "F41.1"),
    "M002": (date(1985, 3, 1), "F32.1"),
    "M003": (date(1990, 7, 15), "F43.23"),
    "M004": (date(2011, 2, 1), "F93.0"),  # 13 at 2025-01-08: adolescent, anxiety through F93.0
    "M005": (date(1950, 6, 1), "F33.1"),
    "M006": (date(2011, 5, 6), "F93.8"),  # 13 on 2025-05-05 (14 the next day); F93.8 is not F93.0
    **{f"M1{i:02d}": (date(2010, 1, 1), "F41.9") for i in range(1, 11)},
}


def build_raw() -> Raw:
    raw = Raw()

    # -- EHR ------------------------------------------------------------------------------------
    for npi, family, given, credential in ((C1, "Stone", "Ava", "LCSW"), (C2, "Ortiz", "Ben", "PhD")):
        raw.add("fhir_practitioners", "ehr/2025-01-01/Practitioner.ndjson", resource_id=f"prac-{npi}", npi=npi,
                family_name=family, given_name=given, credential=credential)
    for mrn, (birth, _) in PATIENTS.items():
        raw.add("fhir_patients", "ehr/2025-01-01/Patient.ndjson", resource_id=f"pat-{mrn}", mrn=mrn,
                family_name=f"Family{mrn}", given_name=f"Given{mrn}", birth_date=birth, gender="female",
                postal_code="78701")
    # M001 exported again, corrected, in a later delivery: the later copy wins.
    raw.add("fhir_patients", "ehr/2025-03-01/Patient.ndjson", resource_id="pat-M001", mrn="M001",
            family_name="FamilyM001", given_name="Given-corrected", birth_date=date(2010, 5, 10), gender="female",
            postal_code="78702")
    for mrn, (_, icd10) in PATIENTS.items():
        raw.add("fhir_conditions", "ehr/2025-02-01/Condition.ndjson", resource_id=f"cond-{mrn}",
                patient_ref=f"pat-{mrn}", encounter_ref=None, icd10_code=icd10, recorded_at=local(2025, 1, 6))

    for appt, mrn, npi, start, minutes, cpt, status, _, enc_minutes, lag in SESSIONS:
        if status != "completed":
            continue
        end = start + timedelta(minutes=enc_minutes)
        ehr = f"ehr/{delivery_after(start.date())}"
        raw.add("fhir_encounters", f"{ehr}/Encounter.ndjson", resource_id=f"enc-{appt}", status="finished",
                class_code="AMB", cpt_code=cpt, patient_ref=f"pat-{mrn}", practitioner_ref=f"prac-{npi}",
                appointment_id=appt, period_start=start, period_end=end)
        if lag == "dst":
            # Ends 2025-03-03 09:30 CST (15:30Z); signed 2025-03-10 09:30 CDT (14:30Z): 167 h between
            # the instants, though the wall clock says 168.
            signed = datetime(2025, 3, 10, 9, 30, tzinfo=TZ)
        elif lag is not None:
            signed = end + timedelta(hours=lag)
        else:
            signed = None
        if signed is not None or appt == "A5":
            raw.add("fhir_document_references", f"{ehr}/DocumentReference.ndjson", resource_id=f"doc-{appt}",
                    status="current", doc_status="final" if signed else "preliminary", signed_at=signed,
                    author_ref=f"prac-{npi}", patient_ref=f"pat-{mrn}", encounter_ref=f"enc-{appt}",
                    content_type="text/plain", note_text="Session note.")
    # A6's note amended 50 h after the session: the first final note (5 h) is its note lag.
    raw.add("fhir_document_references", "ehr/2025-03-01/DocumentReference.ndjson", resource_id="doc-A6-amended",
            status="current", doc_status="final", signed_at=local(2025, 2, 10, 10, 55) + timedelta(hours=50),
            author_ref=f"prac-{C2}", patient_ref="pat-M004", encounter_ref="enc-A6", content_type="text/plain",
            note_text="Amended note.")

    def score(mrn: str, loinc: str, at: datetime, value: float, status: str = "final") -> None:
        raw.add("fhir_observations", f"ehr/{delivery_after(at.date())}/Observation.ndjson",
                resource_id=f"obs-{mrn}-{loinc}-{at:%Y%m%d%H%M}", status=status, loinc_code=loinc,
                patient_ref=f"pat-{mrn}", encounter_ref=None, effective_at=at, value=value)

    # M001, first completed session 2025-01-06 09:00 (A1).
    score("M001", GAD7, local(2024, 12, 20, 8, 55), 18)  # 17 days before: not a baseline
    score("M001", GAD7, local(2025, 1, 6, 8, 55), 15)  # baseline
    score("M001", GAD7, local(2025, 1, 20, 8, 55), 14)
    score("M001", GAD7, local(2025, 2, 3, 8, 55), 12)  # exactly 28 days after the baseline: a candidate
    score("M001", GAD7, local(2025, 3, 3, 8, 55), 10)  # latest
    score("M001", PHQ9, local(2025, 1, 6, 8, 55), 8)
    score("M001", PHQ9, local(2025, 3, 3, 8, 55), 3)
    # M004, first completed session 2025-01-08 14:00 (A8): baseline 28 days later (within 30),
    # nothing 28 days after it (the 2025-03-10 score was entered in error).
    score("M004", GAD7, local(2025, 2, 5, 13, 55), 12)
    score("M004", GAD7, local(2025, 2, 20, 13, 55), 8)
    score("M004", GAD7, local(2025, 3, 10, 13, 55), 2, status="entered-in-error")
    # M002, first completed session 2025-01-13 10:00 (A2).
    score("M002", PHQ9, local(2025, 1, 13, 9, 55), 20)
    score("M002", PHQ9, local(2025, 2, 17, 9, 55), 4)
    # M1nn: GAD-7 baseline 14; for i <= 9 a latest 40 days later of 14 - (i - 1).
    for i in range(1, 11):
        first = local(2025, 1, 10 + i, 8, 55)
        score(f"M1{i:02d}", GAD7, first, 14)
        if i <= 9:
            score(f"M1{i:02d}", GAD7, first + timedelta(days=40), 14 - (i - 1))

    # -- PM -------------------------------------------------------------------------------------
    for payer, name, kind in (("PBH01", "Prairie Blue Health", "commercial"), ("SUM02", "Summit Health Plans",
                              "commercial"), ("LSM05", "Lone Star Medicaid Partners", "medicaid"),
                              ("HMC06", "Heartland Medicare", "medicare")):
        raw.add("pm_payers", "pm/2025-01-01/payers.csv", payer_id=payer, payer_name=name, payer_type=kind,
                updated_at="2024-12-01T08:00:00-06:00")

    for appt, mrn, npi, start, minutes, cpt, status, referral, _, _ in SESSIONS:
        row = dict(appointment_id=appt, patient_mrn=mrn, clinician_npi=npi, booked_at=iso(start - timedelta(days=7)),
                   scheduled_start=iso(start), scheduled_minutes=str(minutes), cpt_code=cpt, modality="office",
                   status=status, status_at=iso(start + timedelta(hours=1)), referral_id=referral or "",
                   updated_at=iso(start + timedelta(hours=1)))
        booked = dict(row, status="scheduled", status_at=row["booked_at"], updated_at=row["booked_at"])
        if appt == "A13":
            # booked in one delivery, a no-show in the next: the later updated_at wins
            raw.add("pm_appointments", "pm/2025-01-01/appointments.csv", **booked)
            raw.add("pm_appointments", "pm/2025-02-01/appointments.csv", **row)
        elif appt == "A14":
            # two versions with the same updated_at: the later delivery wins (late_cancelled)
            raw.add("pm_appointments", "pm/2025-03-01/appointments.csv", **row)
            raw.add("pm_appointments", "pm/2025-02-01/appointments.csv", **dict(booked, updated_at=row["updated_at"]))
        elif appt == "A16":
            raw.add("pm_appointments", "pm/2025-07-01/appointments.csv", **booked)
        else:
            raw.add("pm_appointments", f"pm/{delivery_after(start.date())}/appointments.csv", **row)

    def referral(rid: str, received: datetime, mrn: str, status: str, first_contact: datetime | None,
                 birth: date, lost_reason: str = "", channel: str = "phone") -> None:
        file = f"pm/{delivery_after(received.date())}/referrals.csv"
        raw.add("pm_referrals", file, referral_id=rid, received_at=iso(received), channel=channel, source="self",
                patient_mrn="", birth_date=birth.isoformat(), requested_service="individual", first_contact_at="",
                intake_sent_at="", intake_completed_at="", status="open", lost_reason="", updated_at=iso(received))
        raw.add("pm_referrals", "pm/2025-06-01/referrals.csv", referral_id=rid, received_at=iso(received),
                channel=channel, source="self", patient_mrn=mrn, birth_date=birth.isoformat(),
                requested_service="individual", first_contact_at=iso(first_contact), intake_sent_at="",
                intake_completed_at="", status=status, lost_reason=lost_reason,
                updated_at=iso(received + timedelta(days=30)))

    referral("R1", local(2024, 12, 2, 9), "M001", "converted", local(2024, 12, 2, 13, 30), date(2010, 5, 10))
    referral("R2", local(2024, 12, 10, 15), "M004", "converted", local(2024, 12, 11, 9), date(2011, 2, 1),
             channel="web_form")
    referral("R3", local(2024, 12, 20, 11), "", "lost", None, date(1970, 1, 1), lost_reason="no_response",
             channel="fax")
    referral("R4", local(2024, 12, 15, 10), "", "waitlisted", None, date(1999, 9, 9), channel="email")
    referral("R5", local(2025, 4, 10, 8), "M006", "converted", local(2025, 4, 10, 10), date(2011, 5, 6))
    for i in range(1, 11):
        referral(f"R1{i:02d}", local(2025, 1, 1, 9), f"M1{i:02d}", "converted", local(2025, 1, 1, 12),
                 date(2010, 1, 1))

    def payment(pid: str, mrn: str, appt: str, received: datetime, amount: str, file: str | None = None,
                updated: datetime | None = None) -> None:
        raw.add("pm_patient_payments", file or f"pm/{delivery_after(received.date())}/patient_payments.csv",
                payment_id=pid, patient_mrn=mrn, appointment_id=appt, received_at=iso(received), amount=amount,
                method="card", updated_at=iso(updated or received))

    payment("P1", "M001", "A1", local(2025, 1, 6, 9, 50), "25.00")  # copay at the visit, before submission
    payment("P2", "M002", "A2", local(2025, 4, 1, 10), "33.00")  # the coinsurance, after the 835
    payment("P3", "M004", "A6", local(2025, 3, 20, 10), "90.00")  # corrected to 100.00 in the next delivery
    payment("P3", "M004", "A6", local(2025, 3, 20, 10), "100.00", file="pm/2025-04-01/patient_payments.csv",
            updated=local(2025, 3, 31, 10, 15))
    payment("P4", "M001", "A11", local(2025, 3, 3, 9, 35), "15.00")
    payment("P5", "M003", "", local(2025, 2, 1, 12), "20.00")  # on account, no claim named

    # -- Payer: 837P ------------------------------------------------------------------------------------
    def b837(day: date) -> str:
        return f"payer/{delivery_after(day)}/B{day:%Y%m%d}.837"

    for claim_id, payer, charge, cpt, dos, submitted, npi in (
        ("A1", "PBH01", "160.00", "90834", date(2025, 1, 6), local(2025, 1, 8, 16, 30), C1),
        ("A8", "PBH01", "110.00", "90832", date(2025, 1, 8), local(2025, 1, 10, 16, 30), C2),
        ("A2", "SUM02", "210.00", "90837", date(2025, 1, 13), local(2025, 1, 15, 16, 30), C1),
        ("A3", "LSM05", "160.00", "90834", date(2025, 1, 20), local(2025, 1, 22, 16, 30), C1),
        # 20:00 CST on Jan 31 is already Feb 1 in UTC: the claim belongs to January.
        ("A4", "LSM05", "160.00", "90834", date(2025, 1, 27), local(2025, 1, 31, 20, 0), C1),
        # rejected by the 277CA, sent again with frequency 1 two days later: the first is the original
        ("A5", "LSM05", "160.00", "90834", date(2025, 2, 3), local(2025, 2, 5, 16, 30), C1),
        ("A5", "LSM05", "160.00", "90834", date(2025, 2, 3), local(2025, 2, 7, 16, 30), C1),
        ("A6", "PBH01", "210.00", "90837", date(2025, 2, 10), local(2025, 2, 12, 16, 30), C2),
        ("A7", "HMC06", "160.00", "90834", date(2025, 2, 17), local(2025, 2, 19, 16, 30), C2),
        ("A11", "PBH01", "110.00", "90832", date(2025, 3, 3), local(2025, 3, 5, 16, 30), C1),
        ("A12", "PBH01", "110.00", "90832", date(2025, 3, 4), local(2025, 3, 5, 16, 30), C1),
        ("A9", "PBH01", "250.00", "90791", date(2025, 5, 5), local(2025, 5, 7, 16, 30), C2),
        ("A10", "PBH01", "160.00", "90834", date(2025, 6, 23), local(2025, 6, 25, 16, 30), C2),
    ):
        claim_837(raw, b837(submitted.date()), claim_id, payer=payer, charge=charge, cpt=cpt, dos=dos,
                  submitted=submitted, npi=npi)
    claim_837(raw, b837(date(2025, 2, 19)), "A2", frequency="7", payer="SUM02", charge="210.00", cpt="90837",
              dos=date(2025, 1, 13), submitted=local(2025, 2, 19, 16, 30), npi=C1)
    claim_837(raw, b837(date(2025, 2, 7)), "A8", frequency="8", payer="PBH01", charge="110.00", cpt="90832",
              dos=date(2025, 1, 8), submitted=local(2025, 2, 7, 16, 30), npi=C2)
    raw.add("x12_claim_acks", "payer/2025-03-01/B20250205PBH01.277", claim_id="A5", status_category="A7",
            status_code="562", action_code="U", status_date=date(2025, 2, 6), charge=D("160.00"),
            service_date=date(2025, 2, 3), payer_id="LSM05", payer_name="LSM05")

    # -- Payer: 835 -----------------------------------------------------------------------------------------
    def e835(payer: str, day: date) -> str:
        return f"payer/{delivery_after(day)}/{payer}{day:%Y%m%d}.835"

    remittance_835(raw, e835("PBH01", date(2025, 1, 22)), "PBH01", date(2025, 1, 22), [
        dict(claim="A1", status="1", charge="160.00", paid="95.00", resp="25.00",
             service_cas=[("CO", "45", "40.00"), ("PR", "3", "25.00")])])
    remittance_835(raw, e835("PBH01", date(2025, 1, 24)), "PBH01", date(2025, 1, 24), [
        dict(claim="A8", status="1", charge="110.00", paid="70.00", resp="15.00",
             service_cas=[("CO", "45", "25.00"), ("PR", "3", "15.00")])])
    # Summit denies with a zero-paid CLP02 1: CO-16 10.00 at claim level, CO-50 200.00 at service level.
    remittance_835(raw, e835("SUM02", date(2025, 2, 5)), "SUM02", date(2025, 2, 5), [
        dict(claim="A2", status="1", charge="210.00", paid="0.00", resp="0.00", claim_cas=[("CO", "16", "10.00")],
             service_cas=[("CO", "50", "200.00")], claim_remarks=["M25", "N29"])])
    remittance_835(raw, e835("LSM05", date(2025, 2, 10)), "LSM05", date(2025, 2, 10), [
        dict(claim="A3", status="1", charge="160.00", paid="0.00", resp="0.00", service_cas=[("CO", "197", "160.00")],
             service_remarks=["M62"])])
    remittance_835(raw, e835("LSM05", date(2025, 2, 17)), "LSM05", date(2025, 2, 17), [
        dict(claim="A4", status="1", charge="160.00", paid="75.00", resp="0.00", service_cas=[("CO", "45", "85.00")])])
    # ... re-sent under another name in the next delivery: the same rows must not count twice.
    raw.resend(e835("LSM05", date(2025, 2, 17)), "payer/2025-04-01/LSM0520250217_resent.835")
    remittance_835(raw, e835("PBH01", date(2025, 2, 19)), "PBH01", date(2025, 2, 19), [
        dict(claim="A8", status="22", charge="-110.00", paid="-70.00", resp="-15.00",
             service_cas=[("CO", "45", "-25.00"), ("PR", "3", "-15.00")])])
    remittance_835(raw, e835("LSM05", date(2025, 2, 24)), "LSM05", date(2025, 2, 24), [
        dict(claim="A5", status="1", charge="160.00", paid="80.00", resp="0.00", service_cas=[("CO", "45", "80.00")])])
    # Wholly to the deductible: nothing paid, but patient responsibility 180, so not a denial.
    remittance_835(raw, e835("PBH01", date(2025, 3, 3)), "PBH01", date(2025, 3, 3), [
        dict(claim="A6", status="1", charge="210.00", paid="0.00", resp="180.00",
             service_cas=[("CO", "45", "30.00"), ("PR", "1", "180.00")])])
    # The payer reverses A1's payment and pays again 10% less, in one 835 (reversal first).
    remittance_835(raw, e835("PBH01", date(2025, 3, 5)), "PBH01", date(2025, 3, 5), [
        dict(claim="A1", status="22", charge="-160.00", paid="-95.00", resp="-25.00",
             service_cas=[("CO", "45", "-40.00"), ("PR", "3", "-25.00")]),
        dict(claim="A1", status="1", charge="160.00", paid="85.50", resp="25.00",
             service_cas=[("CO", "45", "49.50"), ("PR", "3", "25.00")])])
    # Medicare: allowed 102.00, 20% coinsurance 20.40, 2% sequestration of 81.60 = 1.63, paid 79.97.
    remittance_835(raw, e835("HMC06", date(2025, 3, 10)), "HMC06", date(2025, 3, 10), [
        dict(claim="A7", status="1", charge="160.00", paid="79.97", resp="20.40",
             claim_cas=[("CO", "45", "58.00"), ("PR", "2", "20.40"), ("CO", "253", "1.63")])])
    remittance_835(raw, e835("SUM02", date(2025, 3, 12)), "SUM02", date(2025, 3, 12), [
        dict(claim="A2", status="1", charge="210.00", paid="132.00", resp="33.00",
             claim_cas=[("CO", "45", "45.00"), ("PR", "2", "33.00")])])
    remittance_835(raw, e835("PBH01", date(2025, 3, 19)), "PBH01", date(2025, 3, 19), [
        dict(claim="A11", status="1", charge="110.00", paid="70.00", resp="15.00",
             service_cas=[("CO", "45", "25.00"), ("PR", "3", "15.00")]),
        dict(claim="A12", status="4", charge="110.00", paid="0.00", resp="0.00", service_cas=[("CO", "50", "110.00")])])
    remittance_835(raw, e835("PBH01", date(2025, 5, 21)), "PBH01", date(2025, 5, 21), [
        dict(claim="A9", status="4", charge="250.00", paid="0.00", resp="0.00", service_cas=[("CO", "16", "250.00")],
             service_remarks=["N29"])])

    # -- Loader ---------------------------------------------------------------------------------------------
    raw.add("ledger", "payer/2025-07-01/ledger", source="payer", kind="835", bytes=100, status="loaded",
            duplicate_of=None, rows_read=1, rows_loaded=1, rows_quarantined=0)
    raw.add("ledger", "pm/batch-0007/appointments.csv", source="pm", kind="appointments.csv", bytes=10,
            status="quarantined", duplicate_of=None, rows_read=1, rows_loaded=0, rows_quarantined=1)
    return raw


# ---- the build ------------------------------------------------------------------------------------------


def run_dbt(args: list[str], tmp: Path) -> object:
    result = dbtRunner().invoke([
        *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR), "--target", "ci",
        "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"),
    ])
    return result


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("dbt")
    path = tmp / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        build_raw().load(con)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LANTERN_WAREHOUSE", str(path))
        mp.setenv("DO_NOT_TRACK", "1")
        result = run_dbt(["build"], tmp)
        failures = [f"{r.node.name}: {r.status} {r.message}" for r in (result.result or [])
                    if str(r.status) not in ("success", "pass")]
        assert result.success, result.exception or "\n".join(failures)
        assert not failures, "\n".join(failures)
        docs = run_dbt(["docs", "generate"], tmp)
        assert docs.success, docs.exception
    return path


def query(warehouse: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(warehouse)) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def by(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


# ---- claims ---------------------------------------------------------------------------------------------


def test_claim_history_and_money(warehouse: Path) -> None:
    claims = by(query(warehouse, "select * from marts.fct_claims"), "claim_id")
    assert set(claims) == {f"A{i}" for i in range(1, 13)}

    a1 = claims["A1"]  # paid 95.00, reversed (-95.00), paid again 85.50
    assert a1["payer_paid"] == D("85.50")  # 95.00 - 95.00 + 85.50
    assert a1["patient_responsibility"] == D("25.00")  # 25.00 - 25.00 + 25.00
    assert a1["contractual_adjustment"] == D("49.50")  # CO-45: 40.00 - 40.00 + 49.50
    assert a1["allowed"] == D("110.50")  # 160.00 - 49.50
    assert a1["patient_paid"] == D("25.00")
    assert a1["adjudication_count"] == 3 and not a1["is_denied_first_pass"]
    assert a1["first_paid_date"] == date(2025, 1, 22)
    assert a1["days_to_payment"] == 14  # 2025-01-08 -> 2025-01-22
    assert a1["claim_lag_days"] == 2  # 2025-01-06 -> 2025-01-08
    assert a1["last_adjudication_date"] == date(2025, 3, 5)
    assert a1["submitted_at"] == datetime(2025, 1, 8, 22, 30, tzinfo=ZoneInfo("UTC"))  # 16:30 CST
    assert a1["payer_type"] == "commercial" and a1["patient_mrn"] == "M001" and a1["clinician_npi"] == C1

    a2 = claims["A2"]  # denied (CO-16 10.00 claim level + CO-50 200.00 service level), corrected, paid
    assert a2["is_denied_first_pass"] and a2["first_denial_reason"] == "50"
    assert a2["is_resubmitted"] and a2["is_recovered_by_resubmission"] and not a2["is_first_pass_resolved"]
    assert a2["payer_paid"] == D("132.00") and a2["patient_responsibility"] == D("33.00")
    assert a2["contractual_adjustment"] == D("45.00") and a2["allowed"] == D("165.00")
    assert a2["days_to_payment"] == 56  # 2025-01-15 -> 2025-03-12
    assert a2["submitted_date"] == date(2025, 1, 15)  # the frequency-1 837, not the frequency-7 one

    a3 = claims["A3"]  # zero-paid CLP02 1 (Medicaid), never resubmitted; 141 days since -> final
    assert a3["is_denied_first_pass"] and a3["first_denial_reason"] == "197"
    assert a3["is_finally_denied"]
    # expected allowed of 90834 / LSM05 / 2025: the median of A4's 75.00 and A5's 80.00
    assert a3["expected_allowed"] == D("77.50")

    a4 = claims["A4"]  # its 835 was delivered twice under two names: counted once
    assert a4["payer_paid"] == D("75.00") and a4["adjudication_count"] == 1
    assert a4["submitted_month"] == date(2025, 1, 1)  # 20:00 CST on Jan 31 (02:00 UTC Feb 1)
    assert a4["days_to_payment"] == 17

    a5 = claims["A5"]  # 277CA-rejected, sent again: the original submission is the first 837
    assert a5["submitted_date"] == date(2025, 2, 5) and a5["has_277ca_rejection"]
    assert a5["submission_count"] == 2 and not a5["is_resubmitted"]

    a6 = claims["A6"]  # all to the deductible: not a denial, not finally denied
    assert not a6["is_denied_first_pass"] and not a6["is_finally_denied"]
    assert a6["payer_paid"] == D("0.00") and a6["patient_responsibility"] == D("180.00")
    assert a6["patient_paid"] == D("100.00")  # the corrected payment row wins over 90.00
    assert a6["first_paid_date"] is None and a6["days_to_payment"] is None

    a7 = claims["A7"]  # Medicare: CO-45 58.00 + CO-253 1.63 (sequestration) are contractual
    assert a7["contractual_adjustment"] == D("59.63")
    assert a7["allowed"] == D("100.37")  # 160.00 - 59.63
    assert a7["payer_paid"] == D("79.97") and a7["patient_responsibility"] == D("20.40")
    assert a7["payer_type"] == "medicare"

    a8 = claims["A8"]  # paid, voided, reversed: nothing paid, 132 days since, but voided -> not final
    assert a8["is_voided"] and a8["payer_paid"] == D("0.00") and not a8["is_finally_denied"]

    a9 = claims["A9"]  # CLP02 4 on 2025-05-21: only 41 days before the as-of date
    assert a9["is_denied_first_pass"] and a9["first_denial_reason"] == "16" and not a9["is_finally_denied"]

    a10 = claims["A10"]  # submitted, not adjudicated yet
    assert not a10["is_adjudicated"] and a10["adjudication_count"] == 0 and not a10["is_finally_denied"]
    assert claims["A12"]["expected_allowed"] == D("85.00")  # 90832 / PBH01 / 2025: only A11 (85.00) was paid
    assert all(c["as_of_date"] == AS_OF for c in claims.values())


def test_revenue_cycle_monthly(warehouse: Path) -> None:
    months = by(query(warehouse, "select * from marts.kpi_revenue_cycle_monthly"), "month_start")
    assert set(months) == {date(2025, m, 1) for m in (1, 2, 3, 5, 6)}

    jan = months[date(2025, 1, 1)]  # submitted in January: A1, A2, A3, A4, A8
    assert jan["claims_submitted"] == 5 and jan["claims_adjudicated"] == 5
    assert jan["first_pass_denials"] == 2  # A2 (zero-paid CLP02 1), A3
    assert jan["initial_denial_rate"] == pytest.approx(0.4)
    assert jan["first_pass_resolution_rate"] == pytest.approx(0.6)  # A1, A4, A8
    assert jan["resubmission_recovery_rate"] == pytest.approx(1.0)  # A2: resubmitted, paid 132.00
    # claim lag [2, 2, 2, 2, 4]: median 2; p90 at rank 3.6: 2 + 0.6 * (4 - 2) = 3.2
    assert jan["claim_lag_median_days"] == pytest.approx(2.0)
    assert jan["claim_lag_p90_days"] == pytest.approx(3.2)
    # days to payment [14 (A1), 14 (A8), 17 (A4), 56 (A2)]: median 15.5; p90 at rank 2.7: 17 + 0.7 * 39 = 44.3
    assert jan["days_to_payment_median"] == pytest.approx(15.5)
    assert jan["days_to_payment_p90"] == pytest.approx(44.3)
    # net collection, dates of service in January (all at least 120 days before 2025-07-01):
    #   collected = A1 85.50 + 25.00, A2 132.00 + 33.00, A3 0, A4 75.00, A8 0 = 350.50
    #   allowed   = A1 110.50, A2 165.00, A3 160.00, A4 75.00, A8 110.00 (its CO-45 was reversed) = 620.50
    assert jan["net_collection_collected"] == D("350.50")
    assert jan["net_collection_allowed"] == D("620.50")
    assert jan["net_collection_rate"] == pytest.approx(350.50 / 620.50)

    feb = months[date(2025, 2, 1)]  # A5, A6, A7: no denial, no resubmission
    assert feb["claims_adjudicated"] == 3 and feb["initial_denial_rate"] == 0
    assert feb["resubmission_recovery_rate"] is None
    assert feb["days_to_payment_median"] == pytest.approx(19.0)  # A5 and A7 both 19 days
    # collected 80.00 + (0 + 100.00) + 79.97 = 259.97; allowed 80.00 + 180.00 + 100.37 = 360.37
    assert feb["net_collection_collected"] == D("259.97")
    assert feb["net_collection_allowed"] == D("360.37")

    mar = months[date(2025, 3, 1)]  # A11 paid, A12 denied (CLP02 4)
    assert mar["initial_denial_rate"] == pytest.approx(0.5)
    assert mar["claim_lag_median_days"] == pytest.approx(1.5)  # [1, 2]
    assert mar["claim_lag_p90_days"] == pytest.approx(1.9)
    # the 120-day rule: 2025-07-01 - 120 days = 2025-03-03. A11 (DOS 03-03) counts, A12 (03-04) does not.
    assert mar["net_collection_claims"] == 1
    assert mar["net_collection_rate"] == pytest.approx(1.0)  # (70.00 + 15.00) / 85.00

    may = months[date(2025, 5, 1)]
    assert may["initial_denial_rate"] == pytest.approx(1.0) and may["net_collection_claims"] == 0
    assert may["net_collection_rate"] is None
    jun = months[date(2025, 6, 1)]
    assert jun["claims_submitted"] == 1 and jun["claims_adjudicated"] == 0 and jun["initial_denial_rate"] is None


def test_denial_reasons_monthly(warehouse: Path) -> None:
    rows = query(warehouse, "select * from marts.kpi_denial_reasons_monthly order by month_start, denial_reason")
    got = [(r["month_start"], r["denial_reason"], r["first_pass_denials"], r["claims_adjudicated"]) for r in rows]
    assert got == [
        (date(2025, 1, 1), "197", 1, 5),
        (date(2025, 1, 1), "50", 1, 5),
        (date(2025, 3, 1), "50", 1, 2),
        (date(2025, 5, 1), "16", 1, 1),
    ]
    assert rows[0]["denial_rate"] == pytest.approx(0.2)
    assert rows[0]["denial_category"] == "authorization"


def test_ar_daily(warehouse: Path) -> None:
    days = by(query(warehouse, "select * from marts.kpi_ar_daily"), "ar_date")
    # every day from the first original submission (A1, 2025-01-08) to the as-of date
    assert min(days) == date(2025, 1, 8) and max(days) == AS_OF
    assert len(days) == (AS_OF - date(2025, 1, 8)).days + 1

    # 2025-01-31: A1 160.00 - 25.00 (copay, counted from submission) - 95.00 - 40.00 = 0;
    # A2 210.00; A3 160.00; A4 160.00 (submitted 20:00 CST that day); A8 110.00 - 70.00 - 25.00 = 15.00
    jan31 = days[date(2025, 1, 31)]
    assert jan31["ar_balance"] == D("545.00")
    assert jan31["ar_over_90_balance"] == D("0.00")
    # charges submitted 2024-11-03..2025-01-31 = 160 + 110 + 210 + 160 + 160 = 800.00
    assert jan31["charges_last_90_days"] == D("800.00")
    assert jan31["days_in_ar"] == pytest.approx(545.00 / (800.00 / 90))

    # 2025-03-31:
    #   A1 0 (reversal and new payment net out); A2 210 - 210 (CO-16 + CO-50) - 132 - 45 = -177.00
    #   (its coinsurance is paid 04-01); A3 160 - 160 (CO-197) = 0; A4 0; A5 0;
    #   A6 210 - 30 - 100 = 80.00; A7 160 - 79.97 - 59.63 = 20.40; A8 0 (voided: kpis.md has no rule
    #   for voids, HFMA counts only open claims, so the void writes it off on its void date and the
    #   payer's later reversal does not bring it back); A11 0; A12 110 - 110 = 0
    #   -177.00 + 80.00 + 20.40 = -76.60 (A2's payer did not reverse its denial before paying the
    #   corrected claim, so kpis.md's formula takes both adjustments)
    mar31 = days[date(2025, 3, 31)]
    assert mar31["ar_balance"] == D("-76.60")
    assert mar31["charges_last_90_days"] == D("1550.00")  # everything submitted 2025-01-01..03-31
    assert mar31["days_in_ar"] == pytest.approx(-76.60 / (1550.00 / 90))

    # 2025-07-01: A2 -177 - 33 = -210.00; A6 80.00; A7 20.40; A8 0 (voided); A9 250 - 250 = 0; A10 160.00
    end = days[AS_OF]
    assert end["ar_balance"] == D("50.40")
    # over 90: dates of service before 2025-04-02, i.e. all but A9 and A10: -210 + 80 + 20.40 + 0
    assert end["ar_over_90_balance"] == D("-109.60")
    assert end["ar_over_90_share"] == pytest.approx(-109.60 / 50.40)
    assert end["charges_last_90_days"] == D("410.00")  # A9 250.00 + A10 160.00 (2025-04-03..07-01)


# ---- access, utilization -------------------------------------------------------------------------------


def test_access_monthly(warehouse: Path) -> None:
    months = by(query(warehouse, "select * from marts.kpi_access_monthly"), "month_start")

    dec = months[date(2024, 12, 1)]  # R1, R2 converted, R3 lost, R4 waitlisted
    assert dec["referrals_received"] == 4
    assert dec["referral_conversion_rate"] == pytest.approx(2 / 3)
    # first contact: R1 4.5 h, R2 18 h -> median 11.25, p90 4.5 + 0.9 * 13.5 = 16.65
    assert dec["first_contact_median_hours"] == pytest.approx(11.25)
    assert dec["first_contact_p90_hours"] == pytest.approx(16.65)
    # wait: R1 12-02 09:00 -> A1 01-06 09:00 = 35 days (A18, a no-show, does not count);
    #       R2 12-10 15:00 -> A8 01-08 14:00 = 28 days 23 h = 28.958333 days
    r2 = 28 + 23 / 24
    assert dec["wait_for_first_session_median_days"] == pytest.approx((35 + r2) / 2)
    assert dec["wait_for_first_session_p90_days"] == pytest.approx(r2 + 0.9 * (35 - r2))
    assert dec["no_show_rate"] == pytest.approx(1.0)  # A18

    jan = months[date(2025, 1, 1)]
    assert jan["referrals_received"] == 10 and jan["referral_conversion_rate"] == pytest.approx(1.0)
    # waits 10..19 days: median 14.5, p90 at rank 8.1: 18.1
    assert jan["wait_for_first_session_median_days"] == pytest.approx(14.5)
    assert jan["wait_for_first_session_p90_days"] == pytest.approx(18.1)
    # completed: A1, A2, A3, A4, A8 and ten M1nn sessions; no-show A13 (its later version wins)
    assert jan["appointments_completed"] == 15 and jan["appointments_no_show"] == 1
    assert jan["no_show_rate"] == pytest.approx(1 / 16)
    # note lags in hours: A1 12, A2 48, A3 100, A4 2, A8 30 -> [2, 12, 30, 48, 100]
    assert jan["notes_final"] == 5
    assert jan["note_lag_median_hours"] == pytest.approx(30)
    assert jan["note_lag_p90_hours"] == pytest.approx(48 + 0.6 * 52)  # rank 3.6
    assert jan["note_lag_share_within_24h"] == pytest.approx(0.4)
    assert jan["note_lag_share_within_72h"] == pytest.approx(0.8)

    feb = months[date(2025, 2, 1)]
    # completed A5, A6, A7, A17; late_cancelled A14 (same updated_at twice: the later delivery wins);
    # A15 cancelled does not count
    assert feb["appointments_completed"] == 4 and feb["appointments_late_cancelled"] == 1
    assert feb["no_show_rate"] == pytest.approx(0.0)
    # note lags: A6 5 h (its first final note, not the 50 h amendment), A7 24 h, A17 80 h; A5 preliminary
    assert feb["notes_final"] == 3
    assert feb["note_lag_median_hours"] == pytest.approx(24)
    assert feb["note_lag_share_within_24h"] == pytest.approx(2 / 3)

    mar = months[date(2025, 3, 1)]
    assert mar["note_lag_median_hours"] == pytest.approx(167)  # across the DST change

    apr = months[date(2025, 4, 1)]  # R5: 04-10 08:00 CDT -> 05-05 09:00 CDT
    assert apr["wait_for_first_session_median_days"] == pytest.approx(25 + 1 / 24)


def test_utilization_weekly(warehouse: Path) -> None:
    rows = query(warehouse, f"select * from marts.kpi_utilization_weekly where clinician_npi = '{C2}'")
    weeks = by(rows, "week_start")
    # C2 held sessions from the week of 2025-01-06 (A8) to the week of 2025-06-23 (A10): 25 weeks
    assert min(weeks) == date(2025, 1, 6) and max(weeks) == date(2025, 6, 23) and len(weeks) == 25
    assert weeks[date(2025, 2, 10)]["completed_session_hours"] == pytest.approx(55 / 60)  # A6's Encounter
    assert weeks[date(2025, 2, 10)]["utilization"] == pytest.approx(55 / 60 / 26)
    assert weeks[date(2025, 1, 13)]["utilization"] == 0


# ---- outcomes and the leadership question ------------------------------------------------------------------


def test_outcomes_patient(warehouse: Path) -> None:
    rows = query(warehouse, "select * from marts.kpi_outcomes_patient")
    outcomes = {(r["patient_mrn"], r["instrument"]): r for r in rows}
    assert len(outcomes) == 16 * 2  # every patient with a completed session, both instruments

    gad = outcomes[("M001", "GAD-7")]  # baseline 15 (01-06), latest 10 (03-03)
    assert (gad["baseline_score"], gad["latest_score"]) == (15, 10)
    assert gad["is_measurable"] and gad["is_reliably_improved"]  # 15 - 10 = 5 >= 4
    assert gad["is_response"] is False  # 10 > 7.5
    assert gad["is_remission"] is False  # 10 >= 5
    assert gad["is_adolescent"] and gad["has_anxiety_disorder"] and gad["clinician_npi"] == C1

    phq = outcomes[("M001", "PHQ-9")]  # 8 -> 3: 5 < 6; baseline under 10: no response/remission
    assert phq["is_measurable"] and phq["is_reliably_improved"] is False
    assert phq["is_response"] is None and phq["is_remission"] is None

    m002 = outcomes[("M002", "PHQ-9")]  # 20 -> 4
    assert m002["is_reliably_improved"] and m002["is_response"] and m002["is_remission"]

    m004 = outcomes[("M004", "GAD-7")]  # baseline 12 on day 28; no score 28 days after it that counts
    assert m004["baseline_score"] == 12 and not m004["is_measurable"] and m004["is_reliably_improved"] is None
    assert not outcomes[("M003", "GAD-7")]["is_measurable"]


def test_outcomes_clinician(warehouse: Path) -> None:
    rows = {(r["clinician_npi"], r["instrument"]): r
            for r in query(warehouse, "select * from marts.kpi_outcomes_clinician")}
    # C1's patients: M001, M002, M003 and M101..M110 = 13; C2's: M004, M005, M006 = 3 (suppressed)
    gad = rows[(C1, "GAD-7")]
    assert not gad["is_suppressed"] and gad["patients_seen"] == 13
    assert gad["share_measurable"] == pytest.approx(10 / 13)  # M001 and M101..M109
    assert gad["reliable_improvement_rate"] == pytest.approx(0.6)  # M001, M105..M109 of 10
    # baselines all >= 10; response (latest <= half the baseline): M108 (14 -> 7), M109 (14 -> 6)
    assert gad["response_rate"] == pytest.approx(0.2) and gad["remission_rate"] == pytest.approx(0.0)
    phq = rows[(C1, "PHQ-9")]  # measurable: M001 (8 -> 3), M002 (20 -> 4)
    assert phq["share_measurable"] == pytest.approx(2 / 13)
    assert phq["reliable_improvement_rate"] == pytest.approx(0.5)
    assert phq["response_rate"] == pytest.approx(1.0) and phq["remission_rate"] == pytest.approx(1.0)  # M002 only
    c2 = rows[(C2, "GAD-7")]
    assert c2["is_suppressed"] and c2["patients_seen"] is None and c2["share_measurable"] is None


def test_patients_and_cohorts(warehouse: Path) -> None:
    patients = by(query(warehouse, "select * from marts.dim_patients"), "patient_mrn")
    assert patients["M001"]["given_name"] == "Given-corrected"  # the later export wins
    assert patients["M004"]["is_adolescent"] and patients["M004"]["has_anxiety_disorder"]  # F93.0
    assert patients["M006"]["age_at_first_session"] == 13 and patients["M006"]["is_adolescent"]
    assert not patients["M006"]["has_anxiety_disorder"]  # F93.8 is not F93.0
    assert patients["M004"]["clinician_npi"] == C2


def test_leadership_adolescent_anxiety(warehouse: Path) -> None:
    rows = by(query(warehouse, "select * from marts.leadership_adolescent_anxiety"), "clinician_npi")
    assert set(rows) == {C1, C2}

    c1 = rows[C1]  # M001 and M101..M110: 11 adolescents with an anxiety disorder
    assert not c1["is_suppressed"] and c1["patients_seen"] == 11
    # measurable on GAD-7: M001 and M101..M109 = 10 of 11
    assert c1["gad7_share_measurable"] == pytest.approx(10 / 11)
    # reliably improved (>= 4 points): M001 (15 -> 10) and M105..M109 (drops of 4..8) = 6 of 10
    assert c1["gad7_reliable_improvement_rate"] == pytest.approx(0.6)
    # every note here reads "Session note.": none shows the elements its CPT code requires
    assert c1["note_completeness"] == 0.0
    # C1's claims for them: A1, A11 paid, A12 denied on first pass -> 1 / 3
    assert c1["initial_denial_rate"] == pytest.approx(1 / 3)
    # waits: M001 35 days, M1nn 10..19 days -> the middle of 11 values is 15
    assert c1["wait_for_first_session_median_days"] == pytest.approx(15)

    c2 = rows[C2]  # only M004: suppressed, never a number
    assert c2["is_suppressed"]
    assert all(c2[k] is None for k in ("patients_seen", "gad7_reliable_improvement_rate", "gad7_share_measurable",
                                       "initial_denial_rate", "wait_for_first_session_median_days"))


def test_unrecovered_denials(warehouse: Path) -> None:
    rows = query(warehouse, "select * from marts.kpi_unrecovered_denials")
    # only A3 is finally denied (A8 is voided, A9 is 41 days old): its expected allowed is 77.50
    assert rows == [dict(practice_id="default", clinician_npi=C1, service_year=2025, finally_denied_claims=1,
                         finally_denied_claims_with_expected_allowed=1, finally_denied_charges=D("160.00"),
                         unrecovered_denials=D("77.50"))]


# ---- the project itself ---------------------------------------------------------------------------------------


def test_schemas_and_docs(warehouse: Path) -> None:
    schemas = {r["schema_name"] for r in query(warehouse, "select distinct schema_name from duckdb_tables()")}
    assert {"raw", "intermediate", "marts", "seeds"} <= schemas
    views = {r["schema_name"] for r in query(warehouse, "select distinct schema_name from duckdb_views() "
                                                        "where not internal")}
    assert "staging" in views
    target = next(warehouse.parent.glob("target"))
    catalog = json.loads((target / "catalog.json").read_text())
    assert any(k.startswith("model.lantern.fct_claims") for k in catalog["nodes"])


def test_every_mart_column_is_described_and_contracted() -> None:
    spec = yaml.safe_load((PROJECT_DIR / "models" / "marts" / "_marts.yml").read_text())
    sql_models = {p.stem for p in (PROJECT_DIR / "models" / "marts").glob("*.sql")}
    python_models = {p.stem for p in (PROJECT_DIR / "models" / "marts").glob("*.py")}
    described = {m["name"]: m for m in spec["models"]}
    assert set(described) == sql_models | python_models
    for name, model in described.items():
        # dbt enforces contracts on SQL models only; a Python model's columns are checked by its own tests
        assert model["config"]["contract"]["enforced"] == (name in sql_models), name
        assert model.get("description"), name
        for column in model["columns"]:
            assert column.get("description") and column.get("data_type"), f"{name}.{column['name']}"


def test_sources_declare_every_raw_table_and_column() -> None:
    spec = yaml.safe_load((PROJECT_DIR / "models" / "staging" / "_sources.yml").read_text())
    tables = {t["name"]: [c["name"] for c in t["columns"]] for t in spec["sources"][0]["tables"]}
    expected = {t.name: list(t.column_names) for t in (*ALL_TABLES, QUARANTINE, LEDGER)}
    assert tables == expected
