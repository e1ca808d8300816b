"""Hypothesis strategies for the readers' property tests: valid records the project's writers accept, and the
corruptions a landing zone sees.

The record strategies draw `synthetic.records` objects within what inputs.md and the writers allow (X12 element
sizes and repeat counts, FHIR ids and offsets, any Unicode in PM values and FHIR names), with the edges the writers
document: one line or fifty, zero-dollar lines, empty patient responsibility, reversals with negative money, a
remittance that pays nothing, separators other than ~ * : ^, segments ended by a line break alone.
"""

from __future__ import annotations

import string
from datetime import date, datetime, timedelta, timezone

from hypothesis import strategies as st

from connectors.npi import npi_check_digit
from synthetic.records import (
    AckBatch,
    Adjustment,
    Appointment,
    ClaimAck,
    ClaimPayment,
    ClaimSubmission,
    Clinician,
    Condition,
    Coverage,
    Guardian,
    Observation,
    Patient,
    Payer,
    Practice,
    ProviderAdjustment,
    Remittance,
    ServiceLine,
    ServicePayment,
    SubmissionBatch,
)
from synthetic.writers.pm_csv import COLUMNS as PM_COLUMNS
from synthetic.writers.x12 import Separators

ALNUM = string.ascii_letters + string.digits
DIGITS = string.digits
UPPER = string.ascii_uppercase
UPPER_DIGITS = UPPER + DIGITS
# Separator candidates: never a character that values hold (letters, digits, space, '.' and '-' of money and dates).
SEPARATOR_CHARS = "*|^~:>!`{}@#$%&+=;?<"
FHIR_ID_CHARS = ALNUM + "-."

# Any Unicode except lone surrogates, which UTF-8 cannot hold (so no valid file can carry them).
unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def chars(alphabet: str, min_size: int, max_size: int | None = None) -> st.SearchStrategy[str]:
    """Text of `alphabet`, min_size..max_size long (exactly min_size when no max): faster to draw than from_regex."""
    return st.text(alphabet, min_size=min_size, max_size=min_size if max_size is None else max_size)


def joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


def ids(min_size: int, max_size: int, alphabet: str = ALNUM) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=min_size, max_size=max_size)


def npis() -> st.SearchStrategy[str]:
    return joined(st.sampled_from("12"), chars(DIGITS, 8)).map(lambda nine: nine + npi_check_digit(nine))


def money_cents(low: int = 0, high: int = 10**10) -> st.SearchStrategy[int]:
    return st.one_of(st.integers(low, high), st.sampled_from(sorted({low, max(low, 0), min(high, 1), 5, 10, high})))


days = st.dates(date(1900, 1, 1), date(2099, 12, 31))
# FHIR and inputs.md write offsets as +hh:mm: whole minutes, within -14:00..+14:00.
offsets = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
aware_datetimes = st.datetimes(datetime(1900, 1, 2), datetime(2099, 12, 30), timezones=offsets)

cpt_codes = st.one_of(joined(chars(DIGITS, 4), chars(UPPER_DIGITS, 1)), joined(chars(UPPER, 1), chars(DIGITS, 4)),
                      st.sampled_from(["90791", "90832", "90834", "90837", "90846", "90847", "90853", "99214"]))
modifier_codes = chars(UPPER_DIGITS, 2)
icd10_codes = joined(chars(UPPER, 1), chars(DIGITS, 1), chars(UPPER_DIGITS, 1),
                     st.one_of(st.just(""), joined(st.just("."), chars(UPPER_DIGITS, 1, 4))))
place_codes = chars(DIGITS, 2)
carc_codes = st.one_of(chars(DIGITS, 1, 3), joined(chars(UPPER, 1), chars(DIGITS, 1, 2)))
rarc_codes = joined(chars(UPPER, 1, 2), chars(DIGITS, 1, 3))
taxonomies = joined(chars(DIGITS, 3), chars(UPPER_DIGITS, 6), st.just("X"))
states = chars(UPPER, 2)
claim_statuses = st.sampled_from(["1", "2", "3", "4", "19", "20", "21", "22", "23", "25"])
CLAIM_FILING_837 = {"commercial": "CI", "medicaid": "MC", "medicare": "MB", "eap": "CI"}
CLAIM_FILING_835 = {"commercial": "12", "medicaid": "MC", "medicare": "MB", "eap": "12"}


@st.composite
def separators(draw) -> Separators:
    """The writer's own separators, or any four distinct others, with or without line breaks after segments."""
    if draw(st.booleans()):
        return Separators(line_break=draw(st.booleans()))
    element, component, repetition = draw(st.lists(st.sampled_from(SEPARATOR_CHARS), min_size=3, max_size=3,
                                                   unique=True))
    terminator = draw(st.sampled_from([c for c in SEPARATOR_CHARS + "\n" if c not in (element, component, repetition)]))
    line_break = terminator != "\n" and draw(st.booleans())
    return Separators(element=element, component=component, repetition=repetition, terminator=terminator,
                      line_break=line_break)


@st.composite
def practices(draw) -> Practice:
    return Practice(
        name=draw(unicode_text), npi=draw(npis()),
        tax_id=draw(joined(chars(DIGITS, 2), st.just("-"), chars(DIGITS, 7))), taxonomy=draw(taxonomies),
        address=(draw(unicode_text), draw(unicode_text), draw(states), draw(chars(DIGITS, 5) | chars(DIGITS, 9))),
        contact_name=draw(unicode_text),
        contact_phone=draw(joined(st.just("("), chars(DIGITS, 3), st.just(") "), chars(DIGITS, 3), st.just("-"),
                                  chars(DIGITS, 4))),
        submitter_id=draw(ids(2, 15)), timezone="America/Chicago",
    )


@st.composite
def payers(draw) -> Payer:
    return Payer(
        payer_id=draw(ids(2, 20, UPPER_DIGITS)), name=draw(unicode_text),
        payer_type=draw(st.sampled_from(sorted(CLAIM_FILING_837))),
        address=(draw(unicode_text), draw(unicode_text), "IL", "60601"), fee_schedule={}, lag_median_days=14.0,
        lag_sigma=0.4, payment_weekday=2, timely_filing_days=90, auth_rule="none", auth_after_visits=0,
        cas_level="service", denial_style="4", denial_logit=0.0, copay_cents=0, deductible_cents=0, coinsurance=0.0,
        sequestration=False, updated_at=datetime(2024, 1, 1, tzinfo=timezone.utc),
    )


genders = st.sampled_from(["male", "female", "other", "unknown"])


@st.composite
def patients(draw, guardian: bool | None = None) -> Patient:
    has_guardian = draw(st.booleans()) if guardian is None else guardian
    return Patient(
        mrn=draw(unicode_text.filter(lambda s: s.strip() != "")), first_name=draw(unicode_text),
        last_name=draw(unicode_text), birth_date=draw(days), gender=draw(genders), address_line=draw(unicode_text),
        city=draw(unicode_text), state=draw(states),
        postal_code=draw(st.one_of(unicode_text, chars(DIGITS, 5), joined(chars(DIGITS, 5), st.just("-"),
                                                                          chars(DIGITS, 4)))),
        phone=draw(unicode_text),
        guardian=Guardian(draw(unicode_text), draw(unicode_text), draw(days), draw(genders)) if has_guardian else None,
        created_at=draw(aware_datetimes),
    )


CREDENTIALS = ("LCSW", "LPC", "LMFT", "PhD", "PsyD", "MD", "NP")


@st.composite
def clinicians(draw) -> Clinician:
    return Clinician(
        npi=draw(npis()), first_name=draw(unicode_text), last_name=draw(unicode_text), gender=draw(genders),
        credential=draw(st.sampled_from(CREDENTIALS)), taxonomy=draw(taxonomies),
        weekly_capacity=25, telehealth_share=0.3, doc_habit={}, note_lag_median_hours=12.0, note_lag_sigma=0.5,
        effectiveness=1.0, demand=1.0, sees_minors=True, does_family=False, does_group=False, denial_logit=0.0,
        length_drift=0.0, modifier_miss=0.0, started_on=date(2020, 1, 1),
    )


# ------------------------------------------------------------------------------------------------------- 837P


@st.composite
def service_lines(draw, n_diagnoses: int, claim_place: str, latest: date) -> ServiceLine:
    """A 2400 loop; its date of service on or before `latest` (the claim cannot bill a service not yet given)."""
    pointers = draw(st.lists(st.integers(1, n_diagnoses), min_size=1, max_size=min(4, n_diagnoses), unique=True))
    return ServiceLine(
        cpt=draw(cpt_codes), modifiers=tuple(draw(st.lists(modifier_codes, max_size=4))),
        charge_cents=draw(money_cents()), units=draw(st.one_of(st.integers(1, 99_999_999), st.just(1))),
        service_date=draw(st.dates(date(1900, 1, 1), latest)),
        place_of_service=draw(st.one_of(st.just(claim_place), place_codes)),
        diagnosis_pointers=tuple(pointers),
    )


@st.composite
def submission_batches(draw, max_claims: int = 6, max_lines: int = 50
                       ) -> tuple[SubmissionBatch, Practice, int, Separators]:
    """A SubmissionBatch the 837P writer accepts, with the practice, control number and separators to write it."""
    practice = draw(practices())
    sep = draw(separators())
    payer_pool = draw(st.lists(payers(), min_size=1, max_size=3, unique_by=lambda p: p.payer_id))
    patient_pool = draw(st.lists(patients(), min_size=1, max_size=4, unique_by=lambda p: p.mrn))
    clinician_pool = draw(st.lists(clinicians(), min_size=1, max_size=3))
    coverages = {}
    for patient in patient_pool:
        for payer in payer_pool:
            relationship = "child" if patient.guardian is not None and draw(st.booleans()) else "self"
            coverages[patient.mrn, payer.payer_id] = Coverage(
                coverage_id=f"COV{len(coverages)}", patient_mrn=patient.mrn, payer_id=payer.payer_id,
                member_id=draw(ids(2, 80)), start_date=date(2020, 1, 1), end_date=None, relationship=relationship,
                updated_at=datetime(2024, 1, 1, tzinfo=timezone.utc))
    submitted_at = draw(aware_datetimes)
    claim_ids = draw(st.lists(ids(1, 38), min_size=1, max_size=max_claims, unique=True))
    claims = []
    for claim_id in claim_ids:
        patient = draw(st.sampled_from(patient_pool))
        payer = draw(st.sampled_from(payer_pool))
        diagnoses = tuple(draw(st.lists(icd10_codes, min_size=1, max_size=12)))
        place = draw(place_codes)
        frequency = draw(st.sampled_from(["1", "7", "8"]))
        claims.append(ClaimSubmission(
            claim_id=claim_id, frequency=frequency, patient=patient, coverage=coverages[patient.mrn, payer.payer_id],
            payer=payer, rendering=draw(st.sampled_from(clinician_pool)), diagnoses=diagnoses,
            place_of_service=place, prior_auth=draw(st.one_of(st.none(), ids(1, 50))),
            original_reference=draw(ids(1, 50)) if frequency in ("7", "8") else None,
            lines=tuple(draw(st.lists(service_lines(len(diagnoses), place, submitted_at.date()), min_size=1,
                                      max_size=max_lines))),
        ))
    batch = SubmissionBatch(batch_id=draw(ids(1, 50)), submitted_at=submitted_at, claims=claims)
    return batch, practice, draw(st.integers(1, 999_999_999)), sep


# -------------------------------------------------------------------------------------------------------- 835


@st.composite
def adjustments_summing_to(draw, total: int, groups=("CO", "PR", "OA", "PI", "CR")) -> list[Adjustment]:
    """CAS adjustments whose amounts add up to `total` (none when total is 0, sometimes)."""
    count = draw(st.integers(0 if total == 0 else 1, 8))
    if count == 0:
        return []
    amounts = [draw(st.integers(-abs(total) - 100, abs(total) + 100)) for _ in range(count - 1)]
    amounts.append(total - sum(amounts))
    return [Adjustment(draw(st.sampled_from(groups)), draw(carc_codes), amount) for amount in amounts]


@st.composite
def claim_payments(draw, payer: Payer) -> ClaimPayment:
    """A balanced CLP loop: charge - paid = the sum of its CAS amounts, at service or at claim level."""
    status = draw(claim_statuses)
    sign = -1 if status == "22" else 1  # a reversal takes back a payment: negative money
    at_service_level = draw(st.booleans())
    services = []
    for _ in range(draw(st.integers(0, 6))):
        charge = draw(money_cents(0, 10**8))
        paid = draw(st.integers(0, charge))
        services.append(ServicePayment(
            cpt=draw(cpt_codes), modifiers=tuple(draw(st.lists(modifier_codes, max_size=4))),
            charge_cents=sign * charge, paid_cents=sign * paid, units=draw(st.integers(1, 999)),
            service_date=draw(days),
            adjustments=draw(adjustments_summing_to(sign * (charge - paid))) if at_service_level else [],
            remarks=tuple(draw(st.lists(rarc_codes, max_size=3))),
        ))
    if services:
        charge = sum(s.charge_cents for s in services)
        paid = sum(s.paid_cents for s in services)
    else:
        charge = sign * draw(money_cents(0, 10**8))
        paid = sign * draw(st.integers(0, abs(charge)))
    claim_level = [] if at_service_level and services else draw(adjustments_summing_to(charge - paid))
    patient_resp = sum(a.amount_cents for s in services for a in s.adjustments if a.group == "PR") + sum(
        a.amount_cents for a in claim_level if a.group == "PR")
    return ClaimPayment(
        claim_id=draw(ids(1, 38)), status=status, charge_cents=charge, paid_cents=paid,
        patient_resp_cents=patient_resp, payer_claim_control_number=draw(ids(1, 50)),
        place_of_service=draw(place_codes), frequency=draw(st.sampled_from(["1", "7", "8"])),
        patient=draw(patients(guardian=False)), member_id=draw(ids(2, 80)), rendering_npi=draw(npis()),
        claim_adjustments=claim_level, services=services, remarks=tuple(draw(st.lists(rarc_codes, max_size=5))),
    )


@st.composite
def remittances(draw, payer_pool: list[Payer], max_claims: int = 5) -> Remittance:
    payer = draw(st.sampled_from(payer_pool))
    claims = draw(st.lists(claim_payments(payer), max_size=max_claims))
    plbs = draw(st.lists(st.builds(ProviderAdjustment, st.sampled_from(["L6", "WO", "FB", "72", "CS", "J1"]),
                                   st.one_of(st.just(""), ids(1, 30)), st.integers(-10**7, 10**7)), max_size=8))
    total = sum(c.paid_cents for c in claims) - sum(p.amount_cents for p in plbs)
    if total < 0:  # the 835 cannot pay a negative amount: a forwarding balance carries the rest
        plbs.append(ProviderAdjustment("FB", draw(ids(1, 30)), total))
    return Remittance(
        remit_id=draw(ids(1, 20)), payer=payer, payment_date=draw(days), method=draw(st.sampled_from(["ACH", "CHK"])),
        trace_number=draw(ids(1, 50)), claims=claims, provider_adjustments=plbs,
    )


@st.composite
def remittance_files(draw, max_remittances: int = 3, max_claims: int = 5
                     ) -> tuple[list[Remittance], Practice, int, Separators]:
    practice = draw(practices())
    payer_pool = draw(st.lists(payers(), min_size=1, max_size=3, unique_by=lambda p: p.payer_id))
    return (draw(st.lists(remittances(payer_pool, max_claims), min_size=1, max_size=max_remittances)), practice,
            draw(st.integers(1, 999_999_999)), draw(separators()))


# ------------------------------------------------------------------------------------------------------ 277CA

ACCEPTED_CATEGORIES = frozenset({"A0", "A1", "A2", "A5"})


@st.composite
def claim_acks(draw) -> ClaimAck:
    return ClaimAck(
        claim_id=draw(ids(1, 38)), charge_cents=draw(money_cents()),
        category=draw(st.sampled_from(["A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"])),
        status_code=draw(chars(DIGITS, 1, 4)),
        payer_claim_control_number=draw(st.one_of(st.none(), ids(1, 50))), service_date=draw(days),
        patient=draw(patients(guardian=False)), member_id=draw(ids(2, 80)), rendering_npi=draw(npis()),
    )


@st.composite
def ack_files(draw, max_claims: int = 8) -> tuple[list[AckBatch], Practice, int, Separators]:
    practice = draw(practices())
    batches = draw(st.lists(st.builds(
        AckBatch, ack_id=ids(1, 50), payer=payers(), received_at=aware_datetimes, batch_id=ids(1, 50),
        claims=st.lists(claim_acks(), max_size=max_claims)), min_size=1, max_size=3))
    return batches, practice, draw(st.integers(1, 999_999_999)), draw(separators())


# ------------------------------------------------------------------------------------------------------- FHIR

fhir_ids = st.text(FHIR_ID_CHARS, min_size=1, max_size=64)
# Any Unicode but a leading U+FEFF: the reader drops a byte-order mark at the start of a note (documented).
note_texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=300).filter(
    lambda s: not s.startswith("\ufeff"))


@st.composite
def appointments(draw, signed: bool | None = None) -> Appointment:
    start = draw(aware_datetimes)
    end = start + draw(st.timedeltas(timedelta(0), timedelta(hours=6)))
    end = end.astimezone(draw(offsets))
    has_signature = draw(st.booleans()) if signed is None else signed
    return Appointment(
        appointment_id=draw(fhir_ids), patient_mrn=draw(unicode_text.filter(lambda s: s.strip() != "")),
        clinician_npi=draw(npis()), booked_at=start, scheduled_start=start, scheduled_minutes=53,
        cpt_code=draw(cpt_codes), modality=draw(st.sampled_from(["office", "telehealth"])), status="completed",
        status_at=start, referral_id=None, updated_at=start, encounter_start=start, encounter_end=end,
        note_text=draw(note_texts), note_signed_at=draw(aware_datetimes) if has_signature else None,
    )


conditions = st.builds(Condition, condition_id=fhir_ids, patient_mrn=unicode_text, icd10=icd10_codes,
                       display=unicode_text, recorded_at=aware_datetimes, encounter_id=st.one_of(st.none(), fhir_ids))
observations = st.builds(Observation, observation_id=fhir_ids, patient_mrn=unicode_text,
                         loinc=st.sampled_from(["44261-6", "70274-6"]),
                         value=st.one_of(st.integers(0, 27), st.integers(-(2**53), 2**53)),
                         effective_at=aware_datetimes, encounter_id=st.one_of(st.none(), fhir_ids))


# --------------------------------------------------------------------------------------------------------- PM

def _pm_value(column: str) -> st.SearchStrategy[str]:
    """What the PM writer puts in a column (timestamps, dates, money, codes), or any Unicode text at all."""
    if column.endswith("_at"):
        shaped = aware_datetimes.map(lambda d: d.isoformat(timespec="seconds"))
    elif column in ("start_date", "end_date", "birth_date"):
        shaped = days.map(date.isoformat)
    elif column in ("amount", "copay", "deductible_remaining"):
        shaped = st.integers(-10**9, 10**9).map(lambda c: f"{'-' if c < 0 else ''}{abs(c) // 100}.{abs(c) % 100:02d}")
    else:
        shaped = st.text(ALNUM + "_-", max_size=12)
    return st.one_of(st.just(""), shaped, st.text(st.characters(exclude_categories=("Cs",)), max_size=30))


@st.composite
def pm_files(draw) -> tuple[str, list[tuple[str, ...]]]:
    """A PM export's name and rows (keys non-blank and unique), any Unicode in the values, quotes and line
    breaks included."""
    name = draw(st.sampled_from(sorted(PM_COLUMNS)))
    columns = PM_COLUMNS[name]
    keys = draw(st.lists(st.one_of(ids(1, 12), unicode_text.filter(lambda s: s.strip() != "")), max_size=12,
                         unique=True))
    rows = [(key, *(draw(_pm_value(column)) for column in columns[1:])) for key in keys]
    return name, rows

