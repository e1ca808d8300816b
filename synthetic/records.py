"""The demo practice's internal records: what the simulation decides, before any file is written.

Writers (X12, FHIR, CSV) turn these into the landing zone; the ground truth is computed from them.
Money is held in integer cents so that every sum is exact; writers format it.
Timestamps are timezone-aware datetimes in the practice's local time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(slots=True)
class Payer:
    payer_id: str  # X12 payer id (2010BB NM109, 835 REF*2U)
    name: str
    payer_type: str  # commercial, medicaid, medicare, eap, self_pay
    address: tuple[str, str, str, str]  # line, city, state, zip
    fee_schedule: dict[str, int]  # CPT -> allowed cents
    lag_median_days: float  # submission -> payment date
    lag_sigma: float
    payment_weekday: int  # 0 = Monday
    timely_filing_days: int
    auth_rule: str  # none, first_visit, after_n
    auth_after_visits: int
    cas_level: str  # claim or service: where the 835 puts its adjustments
    denial_style: str  # "4" (CLP02 = 4) or "zero_paid" (CLP02 = 1, nothing paid)
    denial_logit: float  # the payer's own propensity to deny
    copay_cents: int
    deductible_cents: int  # per calendar year; resets in January
    coinsurance: float  # share of allowed after the deductible
    sequestration: bool  # Medicare's 2% CO-253
    updated_at: datetime
    plan_review_days: int = 90  # a treatment plan must have been reviewed within this many days of a session


@dataclass(slots=True)
class Clinician:
    npi: str
    first_name: str
    last_name: str
    gender: str
    credential: str  # LCSW, LPC, LMFT, PhD, PsyD, MD, NP
    taxonomy: str  # NUCC taxonomy code for the 837 PRV segment
    weekly_capacity: int  # sessions a week when full
    telehealth_share: float
    doc_habit: dict[str, float]  # rulebook element -> probability the note shows it
    note_lag_median_hours: float
    note_lag_sigma: float
    effectiveness: float  # weekly symptom improvement factor (outcomes depend on the clinician)
    demand: float  # how sought-after: scales the wait for a first session
    sees_minors: bool
    does_family: bool
    does_group: bool
    denial_logit: float  # unexplained clinician effect (billing habits)
    length_drift: float  # tendency to run sessions short of the billed code's minutes
    modifier_miss: float  # chance to forget modifier 95 / POS on telehealth claims
    started_on: date
    mbc_adherence: float = 0.8  # chance a due PHQ-9 / GAD-7 is actually administered
    note_style: str = "SOAP"  # the note format the clinician usually writes: SOAP, DAP, BIRP, narrative
    terse_notes: bool = False  # writes in abbreviations (SI/HI, MSE, pt, f/u)
    plan_review_days: int = 70  # reviews a client's treatment plan once this many days passed since the last review


@dataclass(slots=True)
class Guardian:
    first_name: str
    last_name: str
    birth_date: date
    gender: str


@dataclass(slots=True)
class Patient:
    mrn: str
    first_name: str
    last_name: str
    birth_date: date
    gender: str  # male, female, other, unknown (FHIR AdministrativeGender)
    address_line: str
    city: str
    state: str
    postal_code: str
    phone: str
    guardian: Guardian | None  # set for minors: the subscriber on the 837 (2000C patient loop)
    created_at: datetime


@dataclass(slots=True)
class Coverage:
    coverage_id: str
    patient_mrn: str
    payer_id: str
    member_id: str
    start_date: date
    end_date: date | None
    relationship: str  # self or child (X12 PAT01 19)
    updated_at: datetime
    created_at: datetime | None = None  # set when a later change (an end date) moved updated_at on


@dataclass(slots=True)
class Referral:
    referral_id: str
    received_at: datetime
    channel: str
    source: str
    patient_mrn: str | None  # final value; versions below say when it was set
    birth_date: date
    requested_service: str
    first_contact_at: datetime | None
    intake_sent_at: datetime | None
    intake_completed_at: datetime | None
    status: str  # final status
    lost_reason: str
    # (updated_at, field overrides) snapshots: each PM delivery carries the newest one of its month
    versions: list[tuple[datetime, dict]] = field(default_factory=list)


@dataclass(slots=True)
class EligibilityCheck:
    check_id: str
    patient_mrn: str
    payer_id: str
    checked_at: datetime
    result: str  # active, inactive, error
    copay_cents: int | None
    deductible_remaining_cents: int | None
    auth_required: bool
    updated_at: datetime


@dataclass(slots=True)
class Authorization:
    auth_id: str
    patient_mrn: str
    payer_id: str
    requested_at: datetime
    decided_at: datetime | None
    status: str  # pending, approved, denied
    approved_visits: int | None
    start_date: date | None
    end_date: date | None
    auth_number: str | None
    updated_at: datetime


@dataclass(slots=True)
class Condition:
    condition_id: str
    patient_mrn: str
    icd10: str  # with the dot, e.g. F41.1
    display: str
    recorded_at: datetime
    encounter_id: str | None


@dataclass(slots=True)
class Appointment:
    appointment_id: str
    patient_mrn: str
    clinician_npi: str
    booked_at: datetime
    scheduled_start: datetime
    scheduled_minutes: int
    cpt_code: str
    modality: str  # office, telehealth
    status: str  # scheduled, completed, no_show, cancelled, late_cancelled
    status_at: datetime
    referral_id: str | None
    updated_at: datetime
    versions: list[tuple[datetime, dict]] = field(default_factory=list)
    # Filled for completed sessions:
    encounter_start: datetime | None = None
    encounter_end: datetime | None = None
    note_text: str | None = None
    note_elements: frozenset[str] = frozenset()
    note_signed_at: datetime | None = None  # None: never signed within the data window


@dataclass(slots=True)
class Observation:
    observation_id: str
    patient_mrn: str
    loinc: str  # 44261-6 PHQ-9 total, 70274-6 GAD-7 total
    value: int
    effective_at: datetime
    encounter_id: str | None


@dataclass(slots=True)
class ServiceLine:
    cpt: str
    modifiers: tuple[str, ...]
    charge_cents: int
    units: int
    service_date: date
    place_of_service: str
    diagnosis_pointers: tuple[int, ...] = (1,)


@dataclass(slots=True)
class ClaimSubmission:
    """One 2300 loop of an 837P."""

    claim_id: str  # CLM01 = appointment_id
    frequency: str  # 1 original, 7 replacement, 8 void
    patient: Patient
    coverage: Coverage
    payer: Payer
    rendering: Clinician
    diagnoses: tuple[str, ...]  # ICD-10-CM with dots; writers drop the dot
    place_of_service: str
    prior_auth: str | None  # REF*G1
    original_reference: str | None  # REF*F8 payer claim control number, for frequency 7/8
    lines: tuple[ServiceLine, ...]

    @property
    def charge_cents(self) -> int:
        return sum(line.charge_cents for line in self.lines)


@dataclass(slots=True)
class SubmissionBatch:
    """One 837P file: one interchange, one transaction per payer."""

    batch_id: str  # ISA13 / ST02 base, also the file name stem
    submitted_at: datetime  # BHT04 + BHT05
    claims: list[ClaimSubmission]


@dataclass(slots=True)
class Adjustment:
    group: str  # CO, PR, OA, PI, CR
    reason: str  # CARC
    amount_cents: int


@dataclass(slots=True)
class ServicePayment:
    """One SVC loop of an 835."""

    cpt: str
    modifiers: tuple[str, ...]
    charge_cents: int
    paid_cents: int
    units: int
    service_date: date
    adjustments: list[Adjustment]
    remarks: tuple[str, ...] = ()  # LQ*HE RARCs


@dataclass(slots=True)
class ClaimPayment:
    """One CLP loop of an 835."""

    claim_id: str  # CLP01
    status: str  # CLP02: 1, 2, 3, 4, 22
    charge_cents: int
    paid_cents: int
    patient_resp_cents: int
    payer_claim_control_number: str  # CLP07
    place_of_service: str  # CLP08
    frequency: str  # CLP09
    patient: Patient
    member_id: str
    rendering_npi: str
    claim_adjustments: list[Adjustment]  # claim-level CAS
    services: list[ServicePayment]
    remarks: tuple[str, ...] = ()  # MOA remarks when claim-level


@dataclass(slots=True)
class ProviderAdjustment:
    """One PLB adjustment: positive amounts reduce the payment, negative ones add to it."""

    reason: str  # L6 interest, WO overpayment recovery, FB forwarding balance, ...
    reference: str
    amount_cents: int


@dataclass(slots=True)
class Remittance:
    """One 835 transaction: one payment from one payer on one date."""

    remit_id: str
    payer: Payer
    payment_date: date  # BPR16
    method: str  # ACH or CHK
    trace_number: str  # TRN02
    claims: list[ClaimPayment]
    provider_adjustments: list[ProviderAdjustment]

    @property
    def total_cents(self) -> int:
        """BPR02 = sum of CLP04 minus sum of PLB amounts."""
        return sum(c.paid_cents for c in self.claims) - sum(p.amount_cents for p in self.provider_adjustments)


@dataclass(slots=True)
class ClaimAck:
    claim_id: str
    charge_cents: int
    category: str  # A1, A2 accepted; A3, A6, A7 rejected
    status_code: str  # code source 508, e.g. 20 accepted for processing, 562 NPI invalid
    payer_claim_control_number: str | None
    service_date: date
    patient: Patient
    member_id: str
    rendering_npi: str


@dataclass(slots=True)
class AckBatch:
    """One 277CA transaction answering one 837 batch for one payer."""

    ack_id: str
    payer: Payer
    received_at: datetime
    batch_id: str
    claims: list[ClaimAck]


@dataclass(slots=True)
class PatientPayment:
    payment_id: str
    patient_mrn: str
    appointment_id: str | None
    received_at: datetime
    amount_cents: int
    method: str
    updated_at: datetime


@dataclass(slots=True)
class Practice:
    """The billing provider (837 2010AA) and the organisation behind the exports."""

    name: str
    npi: str
    tax_id: str
    taxonomy: str
    address: tuple[str, str, str, str]
    contact_name: str
    contact_phone: str
    submitter_id: str
    timezone: str
