"""X12 5010 text for the demo practice's payer traffic: 837P claims, 835 remittances, 277CA acknowledgements.

Plain string building on purpose: a generator run writes ~150,000 claims, and each segment is one f-string.
Output depends only on the arguments (no clock, no randomness), so the same records give the same bytes.
Identifiers and codes (claim ids, member ids, NPIs, CPT, ICD-10, CARC, RARC) are written as given; free
text (names, addresses) is reduced to the X12 extended character set, minus the separators in use.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TypeVar

from synthetic.records import (
    AckBatch,
    Adjustment,
    ClaimAck,
    ClaimPayment,
    ClaimSubmission,
    Patient,
    Payer,
    Practice,
    ProviderAdjustment,
    Remittance,
    ServicePayment,
    SubmissionBatch,
)

CLEARINGHOUSE_NAME = "LANTERN CLEARINGHOUSE"
CLEARINGHOUSE_ID = "LANTERNCH"

VERSION_837P = "005010X222A1"
VERSION_835 = "005010X221A1"
VERSION_277CA = "005010X214"

_CLAIM_FILING_837 = {"commercial": "CI", "medicaid": "MC", "medicare": "MB", "eap": "CI"}
_CLAIM_FILING_835 = {"commercial": "12", "medicaid": "MC", "medicare": "MB", "eap": "12"}
_GENDER = {"male": "M", "female": "F"}
_ACCEPTED_CATEGORIES = frozenset({"A0", "A1", "A2", "A5"})

# X12 limits the writers must respect (TR3 repeat counts and element sizes).
_MAX_CLAIMS_PER_SUBSCRIBER = 100
_MAX_LINES_PER_CLAIM = 50
_MAX_DIAGNOSES = 12
_MAX_POINTERS = 4
_MAX_MOA_REMARKS = 5
_CAS_TRIPLETS = 6
_PLB_PAIRS = 6
_MAX_TRANSACTIONS = 9999

# The X12 extended character set as pyx12 checks it for AN/ID elements.
_EXTENDED_CHARSET = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    "!\"&'()*+,-./:;?= %~@[]_{}\\|<>#$"
)


@dataclass(frozen=True, slots=True)
class Separators:
    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    terminator: str = "~"
    line_break: bool = True  # write "\n" after each terminator

    def __post_init__(self) -> None:
        chars = (self.element, self.component, self.repetition, self.terminator)
        if any(len(ch) != 1 or ch.isalnum() or ch == " " for ch in chars):
            raise ValueError(f"separators must be single non-alphanumeric characters, got {chars!r}")
        if len(set(chars)) != 4:
            raise ValueError(f"separators must differ from each other, got {chars!r}")

    @property
    def segment_end(self) -> str:
        return self.terminator + "\n" if self.line_break else self.terminator


# ---------------------------------------------------------------------------------------------- 837P


def render_837p(
    batch: SubmissionBatch, practice: Practice, control_number: int, sep: Separators = Separators()
) -> str:
    """One interchange with one 837P transaction per payer, claims grouped by payer in the batch's order."""
    if not batch.claims:
        raise ValueError(f"batch {batch.batch_id} has no claims")
    text = _text_cleaner(sep)
    header = _submitter_segments(batch, practice, sep, text)
    transactions = [
        header + _billing_provider_segments(claims, practice, sep, text)
        for claims in _grouped(batch.claims, lambda claim: claim.payer.payer_id)
    ]
    return _interchange(
        sep,
        functional_id="HC",
        transaction_set="837",
        version=VERSION_837P,
        st03=True,
        sender=practice.submitter_id,
        receiver=CLEARINGHOUSE_ID,
        when=batch.submitted_at,
        control_number=control_number,
        transactions=transactions,
    )


def _submitter_segments(
    batch: SubmissionBatch, practice: Practice, sep: Separators, text: Callable[[str], str]
) -> list[str]:
    e = sep.element
    at = batch.submitted_at
    return [
        f"BHT{e}0019{e}00{e}{batch.batch_id}{e}{_d8(at)}{e}{at:%H%M}{e}CH",
        f"NM1{e}41{e}2{e}{text(practice.name)[:60]}{e}{e}{e}{e}{e}46{e}{practice.submitter_id}",
        f"PER{e}IC{e}{text(practice.contact_name)[:60]}{e}TE{e}{_digits_only(practice.contact_phone)}",
        f"NM1{e}40{e}2{e}{CLEARINGHOUSE_NAME}{e}{e}{e}{e}{e}46{e}{CLEARINGHOUSE_ID}",
    ]


def _billing_provider_segments(
    claims: list[ClaimSubmission], practice: Practice, sep: Separators, text: Callable[[str], str]
) -> list[str]:
    e = sep.element
    line, city, state, postal = practice.address
    out = [
        f"HL{e}1{e}{e}20{e}1",
        f"PRV{e}BI{e}PXC{e}{practice.taxonomy}",
        f"NM1{e}85{e}2{e}{text(practice.name)[:60]}{e}{e}{e}{e}{e}XX{e}{practice.npi}",
        f"N3{e}{text(line)[:55]}",
        f"N4{e}{text(city)[:30]}{e}{state}{e}{_digits_only(postal)}",
        f"REF{e}EI{e}{_digits_only(practice.tax_id)}",
    ]
    hl = 1
    for subscriber_claims in _grouped(claims, _subscriber_key, limit=_MAX_CLAIMS_PER_SUBSCRIBER):
        hl = _subscriber_segments(out, subscriber_claims, hl, sep, text)
    return out


def _subscriber_key(claim: ClaimSubmission) -> tuple[str, str, str]:
    return claim.coverage.member_id, claim.patient.mrn, claim.coverage.relationship


def _subscriber_segments(
    out: list[str], claims: list[ClaimSubmission], hl: int, sep: Separators, text: Callable[[str], str]
) -> int:
    """Append a 2000B subscriber (and a 2000C patient for a child) with its claims; return the last HL id."""
    e = sep.element
    first = claims[0]
    patient, coverage, payer = first.patient, first.coverage, first.payer
    is_child = _is_child(first)
    subscriber_hl = hl + 1
    filing = _claim_filing(_CLAIM_FILING_837, payer)
    if is_child:
        guardian = patient.guardian
        assert guardian is not None  # _is_child checked it
        out.append(f"HL{e}{subscriber_hl}{e}1{e}22{e}1")
        out.append(f"SBR{e}P{e}{e}{e}{e}{e}{e}{e}{e}{filing}")
        sub_last, sub_first, sub_birth, sub_gender = (
            guardian.last_name, guardian.first_name, guardian.birth_date, guardian.gender
        )
    else:
        out.append(f"HL{e}{subscriber_hl}{e}1{e}22{e}0")
        out.append(f"SBR{e}P{e}18{e}{e}{e}{e}{e}{e}{e}{filing}")
        sub_last, sub_first, sub_birth, sub_gender = (
            patient.last_name, patient.first_name, patient.birth_date, patient.gender
        )
    address = _patient_address(patient, sep, text)
    out.append(f"NM1{e}IL{e}1{e}{text(sub_last)[:60]}{e}{text(sub_first)[:35]}{e}{e}{e}{e}MI{e}{coverage.member_id}")
    out.extend(address)
    out.append(f"DMG{e}D8{e}{_d8(sub_birth)}{e}{_GENDER.get(sub_gender, 'U')}")
    out.append(f"NM1{e}PR{e}2{e}{text(payer.name)[:60]}{e}{e}{e}{e}{e}PI{e}{payer.payer_id}")
    last_hl = subscriber_hl
    if is_child:
        last_hl += 1
        out.append(f"HL{e}{last_hl}{e}{subscriber_hl}{e}23{e}0")
        out.append(f"PAT{e}19")
        out.append(f"NM1{e}QC{e}1{e}{text(patient.last_name)[:60]}{e}{text(patient.first_name)[:35]}")
        out.extend(address)
        out.append(f"DMG{e}D8{e}{_d8(patient.birth_date)}{e}{_GENDER.get(patient.gender, 'U')}")
    for claim in claims:
        _claim_segments(out, claim, sep, text)
    return last_hl


def _is_child(claim: ClaimSubmission) -> bool:
    relationship = claim.coverage.relationship
    if relationship == "self":
        return False
    if relationship == "child":
        if claim.patient.guardian is None:
            raise ValueError(f"claim {claim.claim_id}: child coverage but patient {claim.patient.mrn} has no guardian")
        return True
    raise ValueError(f"claim {claim.claim_id}: unsupported subscriber relationship {relationship!r}")


def _patient_address(patient: Patient, sep: Separators, text: Callable[[str], str]) -> list[str]:
    e = sep.element
    return [
        f"N3{e}{text(patient.address_line)[:55]}",
        f"N4{e}{text(patient.city)[:30]}{e}{patient.state}{e}{_digits_only(patient.postal_code)}",
    ]


def _claim_segments(out: list[str], claim: ClaimSubmission, sep: Separators, text: Callable[[str], str]) -> None:
    e, c = sep.element, sep.component
    lines = claim.lines
    if not lines or len(lines) > _MAX_LINES_PER_CLAIM:
        raise ValueError(f"claim {claim.claim_id}: {len(lines)} service lines (X12 allows 1 to {_MAX_LINES_PER_CLAIM})")
    charge = sum(line.charge_cents for line in lines)
    out.append(
        f"CLM{e}{claim.claim_id}{e}{_money(charge)}{e}{e}{e}"
        f"{claim.place_of_service}{c}B{c}{claim.frequency}{e}Y{e}A{e}Y{e}Y"
    )
    if claim.prior_auth:
        out.append(f"REF{e}G1{e}{claim.prior_auth}")
    if claim.frequency in ("7", "8"):
        if not claim.original_reference:
            raise ValueError(f"claim {claim.claim_id}: frequency {claim.frequency} needs original_reference (REF*F8)")
        out.append(f"REF{e}F8{e}{claim.original_reference}")
    out.append(_hi_segment(claim, sep))
    rendering = claim.rendering
    out.append(
        f"NM1{e}82{e}1{e}{text(rendering.last_name)[:60]}{e}{text(rendering.first_name)[:35]}"
        f"{e}{e}{e}{e}XX{e}{rendering.npi}"
    )
    out.append(f"PRV{e}PE{e}PXC{e}{rendering.taxonomy}")
    n_diagnoses = len(claim.diagnoses)
    for number, line in enumerate(lines, 1):
        pointers = line.diagnosis_pointers
        if not pointers or len(pointers) > _MAX_POINTERS or not all(1 <= p <= n_diagnoses for p in pointers):
            raise ValueError(f"claim {claim.claim_id} line {number}: bad diagnosis pointers {pointers!r}")
        procedure = c.join(("HC", line.cpt, *line.modifiers))
        line_pos = "" if line.place_of_service == claim.place_of_service else line.place_of_service
        out.append(f"LX{e}{number}")
        out.append(
            f"SV1{e}{procedure}{e}{_money(line.charge_cents)}{e}UN{e}{line.units}{e}{line_pos}{e}{e}"
            f"{c.join(map(str, pointers))}"
        )
        out.append(f"DTP{e}472{e}D8{e}{_d8(line.service_date)}")


def _hi_segment(claim: ClaimSubmission, sep: Separators) -> str:
    diagnoses = claim.diagnoses
    if not diagnoses or len(diagnoses) > _MAX_DIAGNOSES:
        raise ValueError(f"claim {claim.claim_id}: {len(diagnoses)} diagnoses (X12 allows 1 to {_MAX_DIAGNOSES})")
    e, c = sep.element, sep.component
    codes = [code.replace(".", "") for code in diagnoses]
    return f"HI{e}ABK{c}{codes[0]}" + "".join(f"{e}ABF{c}{code}" for code in codes[1:])


# ----------------------------------------------------------------------------------------------- 835


def render_835(
    remittances: list[Remittance], practice: Practice, control_number: int, sep: Separators = Separators()
) -> str:
    """One interchange with one 835 transaction per Remittance (one payment from one payer)."""
    if not remittances:
        raise ValueError("an 835 interchange needs at least one remittance")
    text = _text_cleaner(sep)
    payer_ids = {remit.payer.payer_id for remit in remittances}
    only_payer = next(iter(payer_ids))
    # The ISA sender is the payer when one payer sent everything (and its id fits ISA06).
    sender = only_payer if len(payer_ids) == 1 and len(only_payer) <= 15 else CLEARINGHOUSE_ID
    latest = max(remit.payment_date for remit in remittances)
    return _interchange(
        sep,
        functional_id="HP",
        transaction_set="835",
        version=VERSION_835,
        st03=False,  # ST03 is not used in X221A1
        sender=sender,
        receiver=practice.submitter_id,
        when=datetime(latest.year, latest.month, latest.day),
        control_number=control_number,
        transactions=[_remittance_segments(remit, practice, sep, text) for remit in remittances],
    )


def _remittance_segments(
    remit: Remittance, practice: Practice, sep: Separators, text: Callable[[str], str]
) -> list[str]:
    e = sep.element
    payer = remit.payer
    paid_on = _d8(remit.payment_date)
    payer_line, payer_city, payer_state, payer_zip = payer.address
    line, city, state, postal = practice.address
    out = [
        _bpr_segment(remit, practice, sep),
        f"TRN{e}1{e}{remit.trace_number}{e}1{_derived_digits('tax', payer.payer_id, 9)}",
        f"DTM{e}405{e}{paid_on}",
        f"N1{e}PR{e}{text(payer.name)[:60]}",
        f"N3{e}{text(payer_line)[:55]}",
        f"N4{e}{text(payer_city)[:30]}{e}{payer_state}{e}{_digits_only(payer_zip)}",
        f"REF{e}2U{e}{payer.payer_id}",
        f"PER{e}BL{e}EDI SUPPORT{e}TE{e}800{_derived_digits('phone', payer.payer_id, 7)}",
        f"N1{e}PE{e}{text(practice.name)[:60]}{e}XX{e}{practice.npi}",
        f"N3{e}{text(line)[:55]}",
        f"N4{e}{text(city)[:30]}{e}{state}{e}{_digits_only(postal)}",
        f"REF{e}TJ{e}{_digits_only(practice.tax_id)}",
    ]
    if remit.claims:
        out.append(f"LX{e}1")
        filing = _claim_filing(_CLAIM_FILING_835, payer)
        for claim in remit.claims:
            _claim_payment_segments(out, claim, filing, sep, text)
    if remit.provider_adjustments:
        _plb_segments(out, remit.provider_adjustments, practice.npi, remit.payment_date, sep)
    return out


def _bpr_segment(remit: Remittance, practice: Practice, sep: Separators) -> str:
    e = sep.element
    total = remit.total_cents
    paid_on = _d8(remit.payment_date)
    if total < 0:
        raise ValueError(f"remittance {remit.remit_id}: negative payment {total} cents (carry it forward in a PLB)")
    if total == 0:
        return f"BPR{e}H{e}0{e}C{e}NON{e * 12}{paid_on}"
    if remit.method == "CHK":
        return f"BPR{e}C{e}{_money(total)}{e}C{e}CHK{e * 12}{paid_on}"
    if remit.method != "ACH":
        raise ValueError(f"remittance {remit.remit_id}: unknown payment method {remit.method!r}")
    payer_id = remit.payer.payer_id
    return (
        f"BPR{e}I{e}{_money(total)}{e}C{e}ACH{e}CCP"
        f"{e}01{e}{_routing_number('payer', payer_id)}{e}DA{e}{_derived_digits('account', payer_id, 10)}"
        f"{e}1{_derived_digits('tax', payer_id, 9)}{e}"
        f"{e}01{e}{_routing_number('practice', practice.npi)}{e}DA{e}{_derived_digits('account', practice.npi, 12)}"
        f"{e}{paid_on}"
    )


def _claim_payment_segments(
    out: list[str], claim: ClaimPayment, filing: str, sep: Separators, text: Callable[[str], str]
) -> None:
    e = sep.element
    resp = _money(claim.patient_resp_cents) if claim.patient_resp_cents else ""
    out.append(
        f"CLP{e}{claim.claim_id}{e}{claim.status}{e}{_money(claim.charge_cents)}{e}{_money(claim.paid_cents)}"
        f"{e}{resp}{e}{filing}{e}{claim.payer_claim_control_number}{e}{claim.place_of_service}{e}{claim.frequency}"
    )
    _cas_segments(out, claim.claim_adjustments, sep)
    patient = claim.patient
    out.append(
        f"NM1{e}QC{e}1{e}{text(patient.last_name)[:60]}{e}{text(patient.first_name)[:35]}"
        f"{e}{e}{e}{e}MI{e}{claim.member_id}"
    )
    out.append(f"NM1{e}82{e}1{e}{e}{e}{e}{e}{e}XX{e}{claim.rendering_npi}")
    if claim.remarks:
        if len(claim.remarks) > _MAX_MOA_REMARKS:
            raise ValueError(f"claim {claim.claim_id}: {len(claim.remarks)} remarks, MOA holds {_MAX_MOA_REMARKS}")
        out.append(f"MOA{e}{e}{e}" + e.join(claim.remarks))
    if claim.services:
        out.append(f"DTM{e}232{e}{_d8(min(service.service_date for service in claim.services))}")
        for service in claim.services:
            _service_payment_segments(out, service, sep)


def _service_payment_segments(out: list[str], service: ServicePayment, sep: Separators) -> None:
    e, c = sep.element, sep.component
    procedure = c.join(("HC", service.cpt, *service.modifiers))
    out.append(
        f"SVC{e}{procedure}{e}{_money(service.charge_cents)}{e}{_money(service.paid_cents)}{e}{e}{service.units}"
    )
    out.append(f"DTM{e}472{e}{_d8(service.service_date)}")
    _cas_segments(out, service.adjustments, sep)
    for remark in service.remarks:
        out.append(f"LQ{e}HE{e}{remark}")


def _cas_segments(out: list[str], adjustments: Sequence[Adjustment], sep: Separators) -> None:
    """One CAS per group code (more only past six adjustments), adjustments in the order given."""
    if not adjustments:
        return
    e = sep.element
    triplet_gap = e + e  # the unused CAS quantity between one reason/amount pair and the next
    for group_adjustments in _grouped(adjustments, _adjustment_group, limit=_CAS_TRIPLETS):
        pairs = triplet_gap.join(f"{adj.reason}{e}{_money(adj.amount_cents)}" for adj in group_adjustments)
        out.append(f"CAS{e}{group_adjustments[0].group}{e}{pairs}")


def _adjustment_group(adjustment: Adjustment) -> str:
    return adjustment.group


def _plb_segments(
    out: list[str], adjustments: list[ProviderAdjustment], npi: str, paid_on: date, sep: Separators
) -> None:
    e, c = sep.element, sep.component
    fiscal_period_end = f"{paid_on.year:04d}1231"
    for start in range(0, len(adjustments), _PLB_PAIRS):
        pairs = e.join(
            f"{adj.reason}{c}{adj.reference}{e}{_money(adj.amount_cents)}" if adj.reference
            else f"{adj.reason}{e}{_money(adj.amount_cents)}"
            for adj in adjustments[start : start + _PLB_PAIRS]
        )
        out.append(f"PLB{e}{npi}{e}{fiscal_period_end}{e}{pairs}")


# --------------------------------------------------------------------------------------------- 277CA


def render_277ca(
    acks: list[AckBatch], practice: Practice, control_number: int, sep: Separators = Separators()
) -> str:
    """One interchange with one 277CA transaction per AckBatch (one payer's answer to one 837 batch)."""
    if not acks:
        raise ValueError("a 277CA interchange needs at least one acknowledgement batch")
    text = _text_cleaner(sep)
    return _interchange(
        sep,
        functional_id="HN",
        transaction_set="277",
        version=VERSION_277CA,
        st03=True,
        sender=CLEARINGHOUSE_ID,
        receiver=practice.submitter_id,
        when=max(ack.received_at for ack in acks),
        control_number=control_number,
        transactions=[_ack_segments(ack, practice, sep, text) for ack in acks],
    )


def _ack_segments(ack: AckBatch, practice: Practice, sep: Separators, text: Callable[[str], str]) -> list[str]:
    e = sep.element
    at = ack.received_at
    received_on = _d8(at)
    accepted = [claim for claim in ack.claims if claim.category in _ACCEPTED_CATEGORIES]
    rejected = [claim for claim in ack.claims if claim.category not in _ACCEPTED_CATEGORIES]
    totals = _ack_totals(accepted, rejected, ("90", "AA"), sep)
    out = [
        f"BHT{e}0085{e}08{e}{ack.ack_id}{e}{received_on}{e}{at:%H%M}{e}TH",
        f"HL{e}1{e}{e}20{e}1",
        f"NM1{e}PR{e}2{e}{text(ack.payer.name)[:60]}{e}{e}{e}{e}{e}PI{e}{ack.payer.payer_id}",
        f"TRN{e}1{e}{ack.ack_id}",
        f"DTP{e}050{e}D8{e}{received_on}",
        f"DTP{e}009{e}D8{e}{received_on}",
        f"HL{e}2{e}1{e}21{e}1",
        f"NM1{e}41{e}2{e}{text(practice.name)[:60]}{e}{e}{e}{e}{e}46{e}{practice.submitter_id}",
        f"TRN{e}2{e}{ack.batch_id}",
        _status(sep, "A1", "20", received_on, accepted=True, charge_cents=_charge(ack.claims)),
        *totals,
        f"HL{e}3{e}2{e}19{e}1",
        f"NM1{e}85{e}2{e}{text(practice.name)[:60]}{e}{e}{e}{e}{e}XX{e}{practice.npi}",
        f"TRN{e}1{e}{ack.batch_id}",
        _status(sep, "A1", "20", "", accepted=True, charge_cents=_charge(ack.claims)),
        *_ack_totals(accepted, rejected, ("QA", "QC"), sep),
    ]
    for hl, claim in enumerate(ack.claims, 4):
        _claim_ack_segments(out, claim, hl, received_on, sep, text)
    return out


def _claim_ack_segments(
    out: list[str], claim: ClaimAck, hl: int, received_on: str, sep: Separators, text: Callable[[str], str]
) -> None:
    e = sep.element
    patient = claim.patient
    out.append(f"HL{e}{hl}{e}3{e}PT")
    out.append(
        f"NM1{e}QC{e}1{e}{text(patient.last_name)[:60]}{e}{text(patient.first_name)[:35]}"
        f"{e}{e}{e}{e}MI{e}{claim.member_id}"
    )
    out.append(f"TRN{e}2{e}{claim.claim_id}")
    out.append(
        _status(
            sep, claim.category, claim.status_code, received_on,
            accepted=claim.category in _ACCEPTED_CATEGORIES, charge_cents=claim.charge_cents,
        )
    )
    if claim.payer_claim_control_number:
        out.append(f"REF{e}1K{e}{claim.payer_claim_control_number}")
    out.append(f"DTP{e}472{e}D8{e}{_d8(claim.service_date)}")


def _status(sep: Separators, category: str, code: str, on: str, *, accepted: bool, charge_cents: int) -> str:
    e = sep.element
    action = "WQ" if accepted else "U"
    return f"STC{e}{category}{sep.component}{code}{e}{on}{e}{action}{e}{_money(charge_cents)}"


def _ack_totals(
    accepted: list[ClaimAck], rejected: list[ClaimAck], quantity_codes: tuple[str, str], sep: Separators
) -> list[str]:
    """QTY and AMT totals of accepted and rejected claims (each only when there are some)."""
    e = sep.element
    out = []
    if accepted:
        out.append(f"QTY{e}{quantity_codes[0]}{e}{len(accepted)}")
    if rejected:
        out.append(f"QTY{e}{quantity_codes[1]}{e}{len(rejected)}")
    if accepted:
        out.append(f"AMT{e}YU{e}{_money(_charge(accepted))}")
    if rejected:
        out.append(f"AMT{e}YY{e}{_money(_charge(rejected))}")
    return out


def _charge(claims: Iterable[ClaimAck]) -> int:
    return sum(claim.charge_cents for claim in claims)


# ---------------------------------------------------------------------------------------- envelopes


def _interchange(
    sep: Separators,
    *,
    functional_id: str,
    transaction_set: str,
    version: str,
    st03: bool,
    sender: str,
    receiver: str,
    when: datetime,
    control_number: int,
    transactions: list[list[str]],
) -> str:
    """ISA/GS ... GE/IEA around `transactions`, each wrapped in ST/SE with its segment count."""
    if not 1 <= control_number <= 999_999_999:
        raise ValueError(f"control_number must be 1..999999999, got {control_number}")
    if len(transactions) > _MAX_TRANSACTIONS:
        raise ValueError(f"{len(transactions)} transactions in one group (at most {_MAX_TRANSACTIONS})")
    for party in (sender, receiver):
        if not 1 <= len(party) <= 15:
            raise ValueError(f"interchange id {party!r} must be 1 to 15 characters")
    e = sep.element
    gs06 = str(control_number)
    segments = [
        f"ISA{e}00{e}{' ' * 10}{e}00{e}{' ' * 10}{e}ZZ{e}{sender:<15}{e}ZZ{e}{receiver:<15}"
        f"{e}{when:%y%m%d}{e}{when:%H%M}{e}{sep.repetition}{e}00501{e}{control_number:09d}{e}0{e}P{e}{sep.component}",
        f"GS{e}{functional_id}{e}{sender}{e}{receiver}{e}{_d8(when)}{e}{when:%H%M}{e}{gs06}{e}X{e}{version}",
    ]
    st_version = f"{e}{version}" if st03 else ""
    for number, body in enumerate(transactions, 1):
        # Unique within the group and traceable to the interchange.
        st02 = f"{control_number % 100_000:05d}{number:04d}"
        segments.append(f"ST{e}{transaction_set}{e}{st02}{st_version}")
        segments.extend(body)
        segments.append(f"SE{e}{len(body) + 2}{e}{st02}")
    segments.append(f"GE{e}{len(transactions)}{e}{gs06}")
    segments.append(f"IEA{e}1{e}{control_number:09d}")
    end = sep.segment_end
    return end.join(segments) + end


# ------------------------------------------------------------------------------------------ values

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def _grouped(items: Iterable[T], key: Callable[[T], K], limit: int | None = None) -> Iterator[list[T]]:
    """Items grouped by key in order of first appearance, each group cut into chunks of at most `limit`."""
    groups: dict[K, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    for group in groups.values():
        if limit is None or len(group) <= limit:
            yield group
        else:
            for start in range(0, len(group), limit):
                yield group[start : start + limit]


def _claim_filing(codes: dict[str, str], payer: Payer) -> str:
    try:
        return codes[payer.payer_type]
    except KeyError:
        raise ValueError(f"payer {payer.payer_id}: no X12 claim filing code for type {payer.payer_type!r}") from None


def _money(cents: int) -> str:
    """Integer cents as an X12 decimal: no trailing zeros after the point, none at all for whole dollars."""
    if cents < 0:
        return "-" + _money(-cents)
    dollars, rest = divmod(cents, 100)
    if not rest:
        return str(dollars)
    if rest % 10:
        return f"{dollars}.{rest:02d}"
    return f"{dollars}.{rest // 10}"


def _d8(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _digits_only(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


@lru_cache(maxsize=1024)
def _derived_digits(kind: str, seed: str, length: int) -> str:
    """Stable made-up digits (bank accounts, tax ids) for parties the records carry no such number for."""
    digest = hashlib.blake2b(f"{kind}:{seed}".encode(), digest_size=16).digest()
    return str(int.from_bytes(digest, "big"))[-length:].zfill(length)


@lru_cache(maxsize=1024)
def _routing_number(kind: str, seed: str) -> str:
    """A made-up ABA routing number with a valid check digit."""
    first_eight = f"{int(_derived_digits('routing-district', seed, 2)) % 12 + 1:02d}" + _derived_digits(
        f"routing-{kind}", seed, 6
    )
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    total = sum(int(digit) * weight for digit, weight in zip(first_eight, weights))
    return first_eight + str((10 - total % 10) % 10)


@lru_cache(maxsize=8)
def _text_cleaner(sep: Separators) -> Callable[[str], str]:
    """A function that makes free text safe for one element: extended charset, no separators, ASCII only."""
    blocked = {sep.element, sep.component, sep.repetition, sep.terminator}
    table = {
        code: " " for code in range(128) if chr(code) not in _EXTENDED_CHARSET or chr(code) in blocked
    }

    def clean(value: str) -> str:
        if not value.isascii():
            value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
        return value.translate(table).strip()

    return clean
