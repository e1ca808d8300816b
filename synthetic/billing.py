"""The revenue cycle of the demo practice: claims, acknowledgements, adjudications, payments.

Every completed session with an insurer becomes a claim. Whether the payer denies it depends on
facts a biller can know before submission (payer, CPT, note, treatment-plan review, session length,
authorization, eligibility, filing lag, telehealth coding, note signature, clinician) plus chance; the true
probability is recorded for every claim, so a model's quality can be judged against the best
achievable. Adjudications are processed in date order because deductibles are.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from synthetic import catalog
from synthetic.calendar import local, next_billing_day, next_weekday
from synthetic.clinic import Session
from synthetic.records import (
    AckBatch, Adjustment, ClaimAck, ClaimPayment, ClaimSubmission, PatientPayment, Payer, ProviderAdjustment,
    Remittance, ServiceLine, ServicePayment, SubmissionBatch,
)

# Logit contributions of each pre-submission fact to the chance of a first-pass denial.
INTERCEPT = -2.6
CPT_LOGIT = {"90791": 0.15, "90832": -0.1, "90834": 0.0, "90837": 0.35, "90846": 0.2, "90847": 0.1,
             "90853": 0.0, "90839": 0.45}
CAUSE_LOGIT = {
    "documentation": 1.05, "necessity": 1.05, "treatment_plan": 1.2, "length": 1.5, "authorization": 2.6,
    "auth_exhausted": 2.4, "coverage": 3.6, "eligibility": 0.45, "timely_filing": 4.6, "modifier": 1.7,
    "unsigned": 0.7,
}
RESUBMIT_CHANCE = {"documentation": 0.72, "necessity": 0.7, "treatment_plan": 0.65, "length": 0.6,
                   "authorization": 0.55, "auth_exhausted": 0.5, "coverage": 0.15, "eligibility": 0.5,
                   "timely_filing": 0.12, "modifier": 0.85, "unsigned": 0.8, "unexplained": 0.45}
RECOVER_CHANCE = {"documentation": 0.78, "necessity": 0.7, "treatment_plan": 0.7, "length": 0.55,
                  "authorization": 0.5, "auth_exhausted": 0.45, "coverage": 0.1, "eligibility": 0.6,
                  "timely_filing": 0.2, "modifier": 0.92, "unsigned": 0.85, "unexplained": 0.5}
FEE_ESCALATION = 0.025  # payers raise their fee schedules each January


@dataclass(slots=True)
class ClaimState:
    """Everything that happens to one claim (= one appointment_id), for the writers and the ground truth."""

    session: Session
    submission: ClaimSubmission
    causes: tuple[str, ...]
    denial_probability: float
    submitted_at: datetime | None = None  # the original submission (first 837 with frequency 1)
    rejected_277: bool = False
    adjudications: list[tuple[date, ClaimPayment]] = field(default_factory=list)
    denied_first_pass: bool | None = None  # None while no adjudication has arrived
    first_denial_reason: str = ""
    denial_cause: str = ""
    resubmitted: bool = False
    voided: bool = False
    unsigned_at_submission: bool = False
    late_filing: bool = False
    telehealth_fault: bool = False
    frequency: str = "1"  # the claim frequency the payer is adjudicating now (7 after a resubmission)


@dataclass
class Billing:
    claims: dict[str, ClaimState] = field(default_factory=dict)
    submissions: list[tuple[datetime, ClaimSubmission]] = field(default_factory=list)
    acks: list[tuple[datetime, str, ClaimAck, Payer]] = field(default_factory=list)  # (received, batch, ack, payer)
    payments: list[tuple[date, Payer, ClaimPayment]] = field(default_factory=list)
    provider_adjustments: list[tuple[date, Payer, ProviderAdjustment]] = field(default_factory=list)
    patient_payments: list[PatientPayment] = field(default_factory=list)
    unbilled: list[Session] = field(default_factory=list)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def fee_cents(payer: Payer, cpt: str, year: int) -> int:
    return round(payer.fee_schedule[cpt] * (1 + FEE_ESCALATION) ** (year - 2023))


def charge_cents(cpt: str, year: int) -> int:
    return round(catalog.CHARGE_CENTS[cpt] * 1.03 ** (year - 2023) / 100) * 100


class BillingSimulator:
    def __init__(self, rng: random.Random, tz: ZoneInfo, as_of: date):
        self.rng = rng
        self.tz = tz
        self.as_of = as_of
        self.as_of_dt = local(as_of, 0, 0, tz)
        self.out = Billing()
        self._events: list[tuple[date, int, str, str]] = []
        self._seq = 0
        self._icn = 0
        self._deductible: dict[tuple[str, str, int], int] = {}
        self._copay_collected: dict[str, int] = {}
        self._payment_counter = 0

    # -- the biller's desk ------------------------------------------------------------------------
    def run(self, sessions: list[Session], progress: Callable[[int, int], None] | None = None) -> Billing:
        ordered = sorted(sessions, key=lambda s: (s.appointment.encounter_end, s.appointment.appointment_id))
        for done, session in enumerate(ordered, start=1):
            if progress is not None and (done % 5000 == 0 or done == len(ordered)):
                progress(done, len(ordered))
            if session.payer.payer_type == "self_pay":
                self._self_pay(session)
                continue
            self._copay_at_visit(session)
            self._bill(session)
        while self._events:
            day, _, kind, claim_id = heapq.heappop(self._events)
            if day >= self.as_of:
                continue
            getattr(self, f"_on_{kind}")(day, self.out.claims[claim_id])
        self._stray_payments()
        return self.out

    def _push(self, day: date, kind: str, claim_id: str) -> None:
        self._seq += 1
        heapq.heappush(self._events, (day, self._seq, kind, claim_id))

    def _bill(self, s: Session) -> None:
        rng = self.rng
        appt = s.appointment
        end = appt.encounter_end
        signed = appt.note_signed_at
        early = rng.random() < 0.07
        if signed is None and not early:
            if rng.random() < 0.5:
                self.out.unbilled.append(s)
                return
            ready = end + timedelta(days=rng.randint(30, 60))
        else:
            ready = end if early or signed is None else max(end, signed)
        u = rng.random()
        if u < 0.10:
            ready += timedelta(hours=math.exp(rng.gauss(math.log(8 * 24), 0.6)))
        elif u < 0.118:
            ready += timedelta(days=rng.randint(60, 220))
        day = next_billing_day(ready)
        submitted = local(day, 16, 30, self.tz)
        if submitted >= self.as_of_dt:
            self.out.unbilled.append(s)
            return
        fault = appt.modality == "telehealth" and rng.random() < s.clinician.modifier_miss
        submission = self._submission(s, "1", None, fault)
        causes = self._causes(s, submitted, fault)
        logit = INTERCEPT + s.payer.denial_logit + s.clinician.denial_logit + CPT_LOGIT[appt.cpt_code]
        logit += sum(CAUSE_LOGIT[c] for c in causes)
        state = ClaimState(
            session=s, submission=submission, causes=causes, denial_probability=_sigmoid(logit),
            unsigned_at_submission="unsigned" in causes, late_filing="timely_filing" in causes,
            telehealth_fault=fault,
        )
        self.out.claims[appt.appointment_id] = state
        self._submit(state, submitted, submission)

    def _causes(self, s: Session, submitted: datetime, fault: bool) -> tuple[str, ...]:
        causes = []
        missing = s.missing_elements
        if missing:
            causes.append("necessity" if "necessity" in missing else "documentation")
        # The payer's treatment-plan rule: the plan reviewed within its interval (the intake establishes it).
        if s.appointment.cpt_code != "90791" and s.plan_review_age_days > s.payer.plan_review_days:
            causes.append("treatment_plan")
        if not s.length_fits:
            causes.append("length")
        if s.auth_required and s.auth is None:
            causes.append("auth_exhausted" if s.auth_exhausted else "authorization")
        if not s.coverage_active:
            causes.append("coverage")
        if s.eligibility in ("unchecked", "error"):
            causes.append("eligibility")
        if (submitted.date() - s.appointment.encounter_start.date()).days > s.payer.timely_filing_days:
            causes.append("timely_filing")
        if fault:
            causes.append("modifier")
        signed = s.appointment.note_signed_at
        if signed is None or signed > submitted:
            causes.append("unsigned")
        return tuple(causes)

    def _submission(self, s: Session, frequency: str, original_ref: str | None, fault: bool) -> ClaimSubmission:
        appt = s.appointment
        telehealth = appt.modality == "telehealth"
        if telehealth and not fault:
            pos, modifiers = ("10" if self.rng.random() < 0.8 else "02"), ("95",)
        else:
            pos, modifiers = "11", ()
        dos = appt.encounter_start.date()
        line = ServiceLine(cpt=appt.cpt_code, modifiers=modifiers, charge_cents=charge_cents(appt.cpt_code, dos.year),
                           units=1, service_date=dos, place_of_service=pos,
                           diagnosis_pointers=tuple(range(1, len(s.diagnoses) + 1)))
        return ClaimSubmission(
            claim_id=appt.appointment_id, frequency=frequency, patient=s.patient, coverage=s.coverage,
            payer=s.payer, rendering=s.clinician, diagnoses=s.diagnoses, place_of_service=pos,
            prior_auth=s.auth.auth_number if s.auth is not None else None, original_reference=original_ref,
            lines=(line,),
        )

    def _submit(self, state: ClaimState, at: datetime, submission: ClaimSubmission) -> None:
        rng = self.rng
        self.out.submissions.append((at, submission))
        if submission.frequency == "1" and state.submitted_at is None:
            state.submitted_at = at
        received = at + timedelta(hours=rng.randint(10, 20))
        claim_id = submission.claim_id
        dos = submission.lines[0].service_date
        if submission.frequency == "1" and not state.rejected_277 and rng.random() < 0.025:
            state.rejected_277 = True
            code = rng.choice(("33", "562", "21"))
            self.out.acks.append((received, _batch_id(at), ClaimAck(
                claim_id=claim_id, charge_cents=submission.charge_cents, category="A7", status_code=code,
                payer_claim_control_number=None, service_date=dos, patient=submission.patient,
                member_id=submission.coverage.member_id, rendering_npi=submission.rendering.npi,
            ), submission.payer))
            fixed = next_billing_day(received + timedelta(days=rng.randint(1, 6)))
            fixed_at = local(fixed, 16, 30, self.tz)
            if fixed_at < self.as_of_dt:
                self._submit(state, fixed_at, self._submission(state.session, "1", None, state.telehealth_fault))
            return
        self._icn += 1
        icn = f"{submission.payer.payer_id[:2]}{at.year % 100:02d}{self._icn:09d}"
        self.out.acks.append((received, _batch_id(at), ClaimAck(
            claim_id=claim_id, charge_cents=submission.charge_cents, category="A2", status_code="20",
            payer_claim_control_number=icn, service_date=dos, patient=submission.patient,
            member_id=submission.coverage.member_id, rendering_npi=submission.rendering.npi,
        ), submission.payer))
        if submission.frequency == "8":
            return
        payer = submission.payer
        if payer.payer_type == "medicare":
            lag = 14 + math.exp(rng.gauss(math.log(2.5), 0.6))  # Medicare's payment floor for clean e-claims
        else:
            lag = math.exp(rng.gauss(math.log(payer.lag_median_days), payer.lag_sigma))
        pay_day = next_weekday(at.date() + timedelta(days=math.ceil(lag)), payer.payment_weekday)
        self._push(pay_day, "adjudicate", claim_id)

    # -- the payer's desk -------------------------------------------------------------------------------
    def _on_adjudicate(self, day: date, state: ClaimState) -> None:
        rng = self.rng
        first = not state.adjudications
        if first:
            denied = rng.random() < state.denial_probability
            cause = self._denial_cause(state) if denied else ""
        else:
            cause = state.denial_cause
            denied = rng.random() >= RECOVER_CHANCE[cause]
            # A replacement claim (frequency 7) supersedes the original: the payer reverses its
            # earlier adjudication (CLP02 22) before it adjudicates the corrected claim.
            self._reverse(day, state, paid_only=False)
        payment = self._deny(state, cause) if denied else self._pay(state, day)
        state.adjudications.append((day, payment))
        self.out.payments.append((day, state.submission.payer, payment))
        if first:
            state.denied_first_pass = denied
            if denied:
                state.denial_cause = cause
                state.first_denial_reason = payment.claim_adjustments[0].reason if payment.claim_adjustments \
                    else payment.services[0].adjustments[0].reason
        if denied and first and rng.random() < RESUBMIT_CHANCE[cause]:
            resub_day = next_billing_day(local(day, 9, 0, self.tz) + timedelta(
                hours=math.exp(rng.gauss(math.log(16 * 24), 0.5))))
            at = local(resub_day, 16, 30, self.tz)
            if at < self.as_of_dt:
                state.resubmitted = True
                state.frequency = "7"
                self._submit(state, at, self._submission(state.session, "7", payment.payer_claim_control_number,
                                                          False))
        if not denied:
            self._after_payment(day, state, payment)

    def _denial_cause(self, state: ClaimState) -> str:
        weights = {c: math.exp(CAUSE_LOGIT[c]) - 1 for c in state.causes}
        weights["unexplained"] = 1.0
        names = list(weights)
        return self.rng.choices(names, [weights[n] for n in names])[0]

    def _claim_payment(self, state: ClaimState, status: str, paid: int, patient_resp: int,
                       adjustments: list[Adjustment], remarks: tuple[str, ...]) -> ClaimPayment:
        sub = state.submission
        line = sub.lines[0]
        self._icn += 1
        icn = f"{sub.payer.payer_id[:2]}{line.service_date.year % 100:02d}{self._icn:09d}"
        service_level = sub.payer.cas_level == "service"
        service = ServicePayment(
            cpt=line.cpt, modifiers=line.modifiers, charge_cents=line.charge_cents, paid_cents=paid,
            units=line.units, service_date=line.service_date,
            adjustments=adjustments if service_level else [], remarks=remarks if service_level else (),
        )
        return ClaimPayment(
            claim_id=sub.claim_id, status=status, charge_cents=sub.charge_cents, paid_cents=paid,
            patient_resp_cents=patient_resp, payer_claim_control_number=icn, place_of_service=sub.place_of_service,
            frequency=state.frequency, patient=sub.patient, member_id=sub.coverage.member_id,
            rendering_npi=sub.rendering.npi, claim_adjustments=[] if service_level else adjustments,
            services=[service], remarks=() if service_level else remarks,
        )

    def _deny(self, state: ClaimState, cause: str) -> ClaimPayment:
        options = catalog.DENIAL_REASONS[cause]
        carc, rarc, _ = options[0] if len(options) == 1 else self.rng.choices(options, [o[2] for o in options])[0]
        status = "4" if state.submission.payer.denial_style == "4" else "1"
        adjustments = [Adjustment("CO", carc, state.submission.charge_cents)]
        return self._claim_payment(state, status, 0, 0, adjustments, (rarc,) if rarc else ())

    def _pay(self, state: ClaimState, day: date) -> ClaimPayment:
        sub = state.submission
        payer = sub.payer
        line = sub.lines[0]
        year = line.service_date.year
        allowed = min(sub.charge_cents, fee_cents(payer, line.cpt, year))
        adjustments = []
        if sub.charge_cents > allowed:
            adjustments.append(Adjustment("CO", "45", sub.charge_cents - allowed))
        deductible = self._deductible_remaining(sub.patient.mrn, payer, year, line.service_date)
        pr1 = min(allowed, deductible)
        self._deductible[(sub.patient.mrn, payer.payer_id, year)] = deductible - pr1
        rest = allowed - pr1
        pr3 = min(payer.copay_cents, rest) if payer.copay_cents else 0
        pr2 = round(rest * payer.coinsurance) if payer.coinsurance else 0
        paid = allowed - pr1 - pr2 - pr3
        for reason, amount in (("1", pr1), ("2", pr2), ("3", pr3)):
            if amount:
                adjustments.append(Adjustment("PR", reason, amount))
        if payer.sequestration and paid:
            sequestration = round(paid * 0.02)
            paid -= sequestration
            adjustments.append(Adjustment("CO", "253", sequestration))
        return self._claim_payment(state, "1", paid, pr1 + pr2 + pr3, adjustments, ())

    def _deductible_remaining(self, mrn: str, payer: Payer, year: int, dos: date) -> int:
        key = (mrn, payer.payer_id, year)
        if key not in self._deductible:
            full = payer.deductible_cents
            if full < 0:
                full = catalog.MEDICARE_PART_B_DEDUCTIBLE.get(year, 25700)
            # Other care the patient had this year already counted toward the deductible.
            met = min(1.0, (dos.month - 1) / 12 * self.rng.uniform(0.3, 2.2) + self.rng.uniform(0, 0.15))
            self._deductible[key] = round(full * (1 - met))
        return self._deductible[key]

    def _after_payment(self, day: date, state: ClaimState, payment: ClaimPayment) -> None:
        rng = self.rng
        payer = state.submission.payer
        submitted = state.adjudications and state.submitted_at
        if payer.payer_type == "commercial" and submitted:
            late_days = (day - state.submitted_at.date()).days - 30
            if late_days > 0 and payment.paid_cents:
                interest = round(payment.paid_cents * 0.18 * late_days / 365)
                if interest >= 50:
                    self.out.provider_adjustments.append(
                        (day, payer, ProviderAdjustment("L6", payment.payer_claim_control_number, -interest)))
        u = rng.random()
        if u < 0.012:
            self._push(day + timedelta(days=rng.randint(21, 90)), "reprocess", state.submission.claim_id)
        elif u < 0.015:
            self._push(day + timedelta(days=rng.randint(20, 60)), "void", state.submission.claim_id)
        elif u < 0.018 and payment.paid_cents > 2000:
            recoup_day = next_weekday(day + timedelta(days=rng.randint(30, 120)), payer.payment_weekday)
            amount = round(payment.paid_cents * rng.uniform(0.1, 0.4))
            self.out.provider_adjustments.append(
                (recoup_day, payer, ProviderAdjustment("WO", payment.payer_claim_control_number, amount)))
        self._patient_balance(day, state, payment)

    def _reverse(self, day: date, state: ClaimState, paid_only: bool = True) -> ClaimPayment | None:
        """Reverse the latest adjudication that is not itself reversed (the latest paid one if `paid_only`)."""
        last_paid = next((p for _, p in reversed(state.adjudications)
                          if p.status != "22" and (p.paid_cents > 0 or not paid_only)), None)
        if last_paid is None:
            return None
        def negate(adjs: list[Adjustment]) -> list[Adjustment]:
            return [Adjustment(a.group, a.reason, -a.amount_cents) for a in adjs]
        service = last_paid.services[0]
        reversal = ClaimPayment(
            claim_id=last_paid.claim_id, status="22", charge_cents=-last_paid.charge_cents,
            paid_cents=-last_paid.paid_cents, patient_resp_cents=-last_paid.patient_resp_cents,
            payer_claim_control_number=last_paid.payer_claim_control_number,
            place_of_service=last_paid.place_of_service, frequency=last_paid.frequency, patient=last_paid.patient,
            member_id=last_paid.member_id, rendering_npi=last_paid.rendering_npi,
            claim_adjustments=negate(last_paid.claim_adjustments),
            services=[ServicePayment(
                cpt=service.cpt, modifiers=service.modifiers, charge_cents=-service.charge_cents,
                paid_cents=-service.paid_cents, units=service.units, service_date=service.service_date,
                adjustments=negate(service.adjustments), remarks=service.remarks,
            )],
            remarks=last_paid.remarks,
        )
        state.adjudications.append((day, reversal))
        self.out.payments.append((day, state.submission.payer, reversal))
        return last_paid

    def _on_reprocess(self, day: date, state: ClaimState) -> None:
        """A payer corrects its fee schedule: reverses the payment and pays again, 10% less."""
        previous = self._reverse(day, state)
        if previous is None:
            return
        sub = state.submission
        cut = round(previous.paid_cents * 0.10)
        adjustments = [Adjustment(a.group, a.reason, a.amount_cents + (cut if (a.group, a.reason) == ("CO", "45")
                                                                            else 0))
                       for a in (previous.claim_adjustments or previous.services[0].adjustments)]
        if not any((a.group, a.reason) == ("CO", "45") for a in adjustments):
            adjustments.insert(0, Adjustment("CO", "45", cut))
        payment = self._claim_payment(state, "1", previous.paid_cents - cut, previous.patient_resp_cents,
                                      adjustments, ())
        state.adjudications.append((day, payment))
        self.out.payments.append((day, sub.payer, payment))

    def _on_void(self, day: date, state: ClaimState) -> None:
        """The practice finds it billed a session in error: a frequency-8 claim, then the payer's reversal."""
        last = state.adjudications[-1][1]
        at = local(next_billing_day(local(day, 9, 0, self.tz) + timedelta(days=2)), 16, 30, self.tz)
        if at >= self.as_of_dt:
            return
        state.voided = True
        void = self._submission(state.session, "8", last.payer_claim_control_number, state.telehealth_fault)
        self._submit(state, at, void)
        payer = state.submission.payer
        reversal_day = next_weekday(at.date() + timedelta(days=self.rng.randint(10, 25)), payer.payment_weekday)
        if reversal_day < self.as_of:
            self._reverse(reversal_day, state)

    # -- patients' money ------------------------------------------------------------------------------------
    def _new_payment(self, mrn: str, appointment_id: str | None, at: datetime, cents: int, method: str) -> None:
        if at >= self.as_of_dt or cents <= 0:
            return
        self._payment_counter += 1
        self.out.patient_payments.append(PatientPayment(
            payment_id=f"P{self._payment_counter:08d}", patient_mrn=mrn, appointment_id=appointment_id,
            received_at=at, amount_cents=cents, method=method, updated_at=at,
        ))

    def _copay_at_visit(self, s: Session) -> None:
        if s.payer.copay_cents and s.eligibility == "active" and self.rng.random() < 0.82:
            appt = s.appointment
            self._copay_collected[appt.appointment_id] = s.payer.copay_cents
            method = self.rng.choices(("card", "cash", "check"), (78, 12, 10))[0]
            self._new_payment(appt.patient_mrn, appt.appointment_id, appt.encounter_end, s.payer.copay_cents, method)

    def _self_pay(self, s: Session) -> None:
        rng = self.rng
        appt = s.appointment
        if rng.random() < 0.9:
            fee = round(catalog.SELF_PAY_RATE_CENTS[appt.cpt_code] * rng.choice((1.0, 1.0, 0.8, 0.6)) / 500) * 500
            method = rng.choices(("card", "cash", "check", "ach"), (70, 12, 10, 8))[0]
            self._new_payment(appt.patient_mrn, appt.appointment_id, appt.encounter_end, fee, method)

    def _patient_balance(self, day: date, state: ClaimState, payment: ClaimPayment) -> None:
        rng = self.rng
        claim_id = payment.claim_id
        owed = payment.patient_resp_cents - self._copay_collected.get(claim_id, 0)
        if owed <= 0 or rng.random() >= 0.88:
            return  # some balances are never paid (they stay in A/R: inputs carry no bad-debt write-off)
        when = local(day, 10, 0, self.tz) + timedelta(hours=math.exp(rng.gauss(math.log(20 * 24), 0.7)))
        method = rng.choices(("card", "check", "ach"), (65, 20, 15))[0]
        if rng.random() < 0.85:
            self._new_payment(payment.patient.mrn, claim_id, when, owed, method)
            return
        first = round(owed * rng.uniform(0.3, 0.8))
        self._new_payment(payment.patient.mrn, claim_id, when, first, method)
        if rng.random() < 0.6:  # the second statement brings in the rest
            self._new_payment(payment.patient.mrn, claim_id, when + timedelta(days=rng.randint(25, 45)),
                              owed - first, method)

    def _stray_payments(self) -> None:
        """Payments on account that name no claim (prepayments, old balances)."""
        rng = self.rng
        claims = list(self.out.claims.values())
        for state in claims[:: max(1, len(claims) // max(1, len(claims) // 60))]:
            appt = state.session.appointment
            when = appt.encounter_end + timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 8))
            self._new_payment(appt.patient_mrn, None, when, rng.choice((2000, 2500, 5000, 7500, 10000)),
                              rng.choice(("card", "check")))


PLB_PAIRS = 6  # adjustments one PLB segment holds


def _fit_one_plb(remit: Remittance, limit: int) -> None:
    """Payers that pay interest on many claims at once total it in one adjustment, keeping one PLB segment.

    (The TR3 lets PLB repeat, but pyx12 4.0 rejects a second PLB, and each file must pass its validation.)
    """
    adjustments = remit.provider_adjustments
    if len(adjustments) <= limit:
        return
    interest = [a for a in adjustments if a.reason == "L6"]
    others = [a for a in adjustments if a.reason != "L6"]
    merged = [ProviderAdjustment("L6", f"INT{remit.trace_number}", sum(a.amount_cents for a in interest))] \
        if interest else []
    remit.provider_adjustments = others[: limit - len(merged)] + merged
    # Anything beyond six other adjustments would be carried by the payer to a later payment.


def _batch_id(at: datetime) -> str:
    return f"B{at:%Y%m%d}"


def batches(billing: Billing) -> list[SubmissionBatch]:
    """Group submissions into one 837 per billing afternoon."""
    by_day: dict[str, SubmissionBatch] = {}
    for at, submission in billing.submissions:
        batch_id = _batch_id(at)
        batch = by_day.get(batch_id)
        if batch is None:
            batch = by_day[batch_id] = SubmissionBatch(batch_id=batch_id, submitted_at=at, claims=[])
        batch.claims.append(submission)
    return [by_day[k] for k in sorted(by_day)]


def ack_batches(billing: Billing) -> list[AckBatch]:
    """One 277CA per payer per answered 837 batch."""
    grouped: dict[tuple[str, str], AckBatch] = {}
    for received, batch_id, ack, payer in billing.acks:
        key = (batch_id, payer.payer_id)
        group = grouped.get(key)
        if group is None:
            group = grouped[key] = AckBatch(ack_id=f"{batch_id}{payer.payer_id}", payer=payer, received_at=received,
                                            batch_id=batch_id, claims=[])
        group.claims.append(ack)
    return [grouped[k] for k in sorted(grouped)]


def remittances(billing: Billing, rng: random.Random) -> list[Remittance]:
    """One 835 per payer per payment date; provider adjustments ride on the payer's next payment."""
    grouped: dict[tuple[date, str], Remittance] = {}
    def remit(day: date, payer: Payer) -> Remittance:
        key = (day, payer.payer_id)
        r = grouped.get(key)
        if r is None:
            method = "CHK" if payer.payer_type == "eap" or (payer.payer_type == "commercial" and rng.random() < 0.08) \
                else "ACH"
            r = grouped[key] = Remittance(
                remit_id=f"{payer.payer_id}{day:%Y%m%d}", payer=payer, payment_date=day, method=method,
                trace_number=f"{rng.randrange(10**9, 10**10)}", claims=[], provider_adjustments=[],
            )
        return r
    for day, payer, payment in billing.payments:
        remit(day, payer).claims.append(payment)
    for day, payer, adjustment in billing.provider_adjustments:
        r = grouped.get((day, payer.payer_id))
        if r is not None:  # no payment that day to take a recoupment from: the payer waits (outside the window)
            r.provider_adjustments.append(adjustment)
    for r in grouped.values():
        _fit_one_plb(r, PLB_PAIRS - 2)  # room for the forwarding balances added below
    ordered = [grouped[k] for k in sorted(grouped, key=lambda k: (k[0], k[1]))]
    # A payment that nets negative (a reversal bigger than the week's payments) is carried to the
    # payer's next 835 as a forwarding balance (PLB FB), as payers do.
    owed: dict[str, int] = defaultdict(int)
    for r in ordered:
        pid = r.payer.payer_id
        if owed[pid]:
            recover = min(owed[pid], r.total_cents)
            if recover > 0:
                r.provider_adjustments.append(ProviderAdjustment("FB", f"FWD{r.remit_id}", recover))
                owed[pid] -= recover
        if r.total_cents < 0:
            owed[pid] += -r.total_cents
            r.provider_adjustments.append(ProviderAdjustment("FB", f"FWD{r.remit_id}", r.total_cents))
    return ordered
