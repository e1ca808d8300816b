"""The clinical side of the demo practice: referrals, patients, appointments, sessions, notes, scores.

One pass per referral, in order of arrival. Billing (claims, remittances) is simulated afterwards
from the `Session` facts this module records for every completed appointment.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from synthetic import catalog
from synthetic.calendar import add_months, closed_days, is_open, local, next_open_day
from synthetic.notes import compose_note
from synthetic.records import (
    Appointment, Authorization, Clinician, Condition, Coverage, EligibilityCheck, Guardian, Observation, Patient,
    Payer, Referral,
)

LOINC_PHQ9 = "44261-6"
LOINC_GAD7 = "70274-6"


@dataclass(slots=True)
class Session:
    """A completed appointment with the facts billing needs, all known before a claim goes out."""

    appointment: Appointment
    patient: Patient
    clinician: Clinician
    coverage: Coverage | None  # None: self-pay
    payer: Payer
    diagnoses: tuple[str, ...]
    visit_number: int  # completed sessions with this payer so far, this one included
    auth_required: bool
    auth: Authorization | None  # the approved authorization covering this session, if any
    auth_exhausted: bool
    eligibility: str  # result of the last check before the session: active, inactive, error, unchecked
    coverage_active: bool  # the truth, whether or not the practice knows it
    minutes: int
    length_fits: bool
    missing_elements: tuple[str, ...]
    reviews_treatment_plan: bool  # the note documents a treatment-plan review done in this session
    plan_review_age_days: int  # days from the episode's last plan review (this session's included) to this session


@dataclass
class Clinic:
    patients: list[Patient] = field(default_factory=list)
    coverages: list[Coverage] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    eligibility_checks: list[EligibilityCheck] = field(default_factory=list)
    authorizations: list[Authorization] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _age_band(age: int) -> str:
    if age < 13:
        return "child"
    if age < 18:
        return "adolescent"
    if age < 65:
        return "adult"
    return "older"


def minutes_fit(cpt: str, minutes: int) -> bool:
    _, _, low, high, _ = catalog.CPT[cpt]
    return (low is None or minutes >= low) and (high is None or minutes <= high)


class ClinicSimulator:
    """Walks every referral from the front door to the last session of its episode."""

    def __init__(self, rng: random.Random, tz: ZoneInfo, clinicians: list[Clinician], payers: list[Payer],
                 sim_start: date, as_of: date):
        self.rng = rng
        self.tz = tz
        self.clinicians = clinicians
        self.payers = {p.payer_id: p for p in payers}
        self.sim_start = sim_start
        self.as_of = as_of
        self.as_of_dt = local(as_of, 0, 0, tz)
        self.horizon = as_of + timedelta(days=45)  # book a few weeks past the as-of date: the future schedule
        self.out = Clinic()
        self.counters: dict[str, int] = {}
        # Sessions booked per clinician per week (weeks counted from sim_start): a clinician whose week
        # is full takes no new patient that week, so caseloads stay near capacity and waits grow instead.
        self.booked: dict[str, dict[int, int]] = {c.npi: {} for c in clinicians}
        self.insured_ids = [p["payer_id"] for p in catalog.PAYERS]
        self.insured_shares = [p["share"] for p in catalog.PAYERS]

    # -- ids ------------------------------------------------------------------------------------
    def _next(self, kind: str) -> int:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return self.counters[kind]

    # -- the front door -------------------------------------------------------------------------
    def referral_rate_per_day(self) -> float:
        weekly_sessions = sum(c.weekly_capacity for c in self.clinicians) * 0.93
        sessions_per_patient = 8.3
        conversion = 0.60
        return weekly_sessions / sessions_per_patient / conversion / 5.0

    def run(self, progress: Callable[[int, int], None] | None = None) -> Clinic:
        base = self.referral_rate_per_day()
        day = self.sim_start
        total_days = (self.as_of - self.sim_start).days
        # An established practice: patients already in treatment when the data starts arrive
        # as a burst of referrals over the first weeks of the burn-in.
        warmup_end = self.sim_start + timedelta(days=42)
        while day < self.as_of:
            rate = base * _weekday_factor(day) * _season_factor(day)
            if day < warmup_end:
                rate *= 2.2
            if day in closed_days(day.year):
                rate *= 0.3
            for _ in range(_poisson(self.rng, rate)):
                self._referral(day)
            day += timedelta(days=1)
            if progress is not None and day.weekday() == 0:
                progress((day - self.sim_start).days, total_days)
        return self.out

    def _referral(self, day: date) -> None:
        rng = self.rng
        hour = rng.choices(range(7, 22), weights=(2, 5, 8, 9, 9, 8, 8, 8, 7, 6, 5, 4, 3, 2, 2))[0]
        received = local(day, hour, rng.randrange(60), self.tz)
        channel = rng.choices(("phone", "web_form", "fax", "email"), (42, 38, 9, 11))[0]
        source = rng.choices(("self", "pcp", "hospital", "school", "eap", "other"), (46, 24, 6, 9, 7, 8))[0]
        band = rng.choices(("child", "adolescent", "adult", "older"), (8, 16, 66, 10))[0]
        lo, hi = {"child": (6, 12), "adolescent": (13, 17), "adult": (18, 64), "older": (65, 84)}[band]
        birth = day - timedelta(days=rng.randint(lo * 365 + 10, hi * 365 + 350))
        service = self._requested_service(band, source)
        referral = Referral(
            referral_id=f"R{self._next('referral'):07d}", received_at=received, channel=channel, source=source,
            patient_mrn=None, birth_date=birth, requested_service=service, first_contact_at=None,
            intake_sent_at=None, intake_completed_at=None, status="open", lost_reason="",
        )
        referral.versions.append((received, {}))
        self.out.referrals.append(referral)
        self._front_desk(referral, band)

    def _requested_service(self, band: str, source: str) -> str:
        rng = self.rng
        if band in ("child", "adolescent"):
            return rng.choices(("individual", "family", "group", "testing"), (68, 24, 4, 4))[0]
        if band == "older":
            return rng.choices(("individual", "psychiatry", "group"), (82, 14, 4))[0]
        return rng.choices(("individual", "family", "group", "psychiatry", "testing"), (80, 6, 5, 6, 3))[0]

    def _front_desk(self, r: Referral, band: str) -> None:
        rng = self.rng
        payer_id = self._choose_payer(band, r.source)
        def lost(at: datetime, reason: str) -> None:
            r.status, r.lost_reason = "lost", reason
            r.versions.append((at, {"status": "lost", "lost_reason": reason}))

        if rng.random() > 0.94:
            lost(r.received_at + timedelta(days=rng.randint(10, 21)), "no_response")
            return
        contact_hours = math.exp(rng.gauss(math.log(18 if r.channel != "phone" else 5), 0.9))
        r.first_contact_at = _business_time(r.received_at + timedelta(hours=contact_hours), self.tz)
        r.versions.append((r.first_contact_at, {"first_contact_at": r.first_contact_at}))
        if payer_id == "SELF" and rng.random() < 0.35:
            lost(r.first_contact_at + timedelta(hours=rng.randint(1, 72)), "cost")
            return
        if payer_id != "SELF" and rng.random() < 0.05:
            lost(r.first_contact_at + timedelta(hours=rng.randint(1, 48)), "out_of_network")
            return
        if rng.random() > 0.92:
            lost(r.first_contact_at + timedelta(days=rng.randint(7, 20)), "no_response")
            return
        r.intake_sent_at = r.first_contact_at + timedelta(minutes=int(math.exp(rng.gauss(math.log(90), 1.0))))
        r.versions.append((r.intake_sent_at, {"intake_sent_at": r.intake_sent_at}))
        if rng.random() > 0.86:
            lost(r.intake_sent_at + timedelta(days=rng.randint(10, 25)), rng.choice(("no_response", "other")))
            return
        r.intake_completed_at = r.intake_sent_at + timedelta(minutes=int(math.exp(rng.gauss(math.log(2600), 0.9))))
        r.versions.append((r.intake_completed_at, {"intake_completed_at": r.intake_completed_at}))

        clinician = self._assign_clinician(r, band, r.intake_completed_at.date() + timedelta(days=10))
        wait_days = math.exp(rng.gauss(math.log(7.0 * clinician.demand * _load_factor(r.received_at.date())), 0.7))
        # A full week pushes the first session to the next week with room.
        while self._fullness(clinician, r.intake_completed_at.date() + timedelta(days=1 + wait_days)) >= 1.0 \
                and wait_days < 100:
            wait_days += 7
        wait_days = min(wait_days, rng.uniform(80, 100))  # a waitlist this long is worked down by hand
        if wait_days > 55 and rng.random() < 0.45:
            lost(r.intake_completed_at + timedelta(days=rng.randint(14, 40)), "no_availability")
            return
        first_day = next_open_day((r.intake_completed_at + timedelta(days=1 + wait_days)).date())
        if wait_days > 21:
            waitlisted_at = r.intake_completed_at + timedelta(hours=2)
            r.versions.append((waitlisted_at, {"status": "waitlisted"}))
            booked_at = max(waitlisted_at + timedelta(hours=1),
                            local(first_day, 10, 0, self.tz) - timedelta(days=rng.randint(5, 12)))
        else:
            booked_at = r.intake_completed_at + timedelta(hours=rng.randint(1, 30))
        booked_at = _business_time(booked_at, self.tz)
        patient = self._register(r, band, booked_at)
        r.patient_mrn, r.status = patient.mrn, "converted"
        r.versions.append((booked_at, {"status": "converted", "patient_mrn": patient.mrn}))
        coverage = self._cover(patient, payer_id, booked_at)
        self._episode(r, patient, clinician, coverage, first_day, booked_at, band)

    def _choose_payer(self, band: str, source: str) -> str:
        rng = self.rng
        if source == "eap" and band == "adult":
            return "HEA07" if rng.random() < 0.8 else rng.choices(self.insured_ids, self.insured_shares)[0]
        if rng.random() < 0.05:
            return "SELF"
        if band == "older":
            return "HMC06" if rng.random() < 0.85 else rng.choices(("PBH01", "SUM02", "MER03"), (5, 3, 2))[0]
        ids, shares = [], []
        for pid, share in zip(self.insured_ids, self.insured_shares):
            if pid == "HMC06" or pid == "HEA07":
                continue
            if pid == "LSM05" and band in ("child", "adolescent"):
                share *= 1.9  # CHIP and Medicaid cover many of the practice's minors
            ids.append(pid)
            shares.append(share)
        return rng.choices(ids, shares)[0]

    def _week(self, day: date) -> int:
        return (day - self.sim_start).days // 7

    def _fullness(self, clinician: Clinician, day: date) -> float:
        return self.booked[clinician.npi].get(self._week(day), 0) / clinician.weekly_capacity

    def _assign_clinician(self, r: Referral, band: str, around: date) -> Clinician:
        minor = band in ("child", "adolescent")
        def fits(c: Clinician) -> bool:
            if minor and not c.sees_minors:
                return False
            if r.requested_service == "family" and not c.does_family:
                return False
            if r.requested_service == "group" and not c.does_group:
                return False
            if r.requested_service == "psychiatry" and c.credential not in ("MD", "NP"):
                return False
            if r.requested_service == "testing" and c.credential not in ("PhD", "PsyD"):
                return False
            return True
        pool = [c for c in self.clinicians if fits(c)] or [c for c in self.clinicians if not minor or c.sees_minors] \
            or self.clinicians
        with_room = [c for c in pool if self._fullness(c, around) < 0.9]
        if not with_room:
            return min(pool, key=lambda c: (self._fullness(c, around), c.npi))
        return self.rng.choices(with_room, [c.weekly_capacity for c in with_room])[0]

    # -- registration -----------------------------------------------------------------------------
    def _register(self, r: Referral, band: str, at: datetime) -> Patient:
        rng = self.rng
        gender = rng.choices(("female", "male", "other"), (58, 40, 2))[0]
        names = catalog.FIRST_NAMES_F if gender == "female" else catalog.FIRST_NAMES_M if gender == "male" \
            else catalog.FIRST_NAMES_F + catalog.FIRST_NAMES_M
        last = rng.choice(catalog.LAST_NAMES)
        city, state, zips = rng.choices(catalog.CITIES, (60, 12, 8, 8, 6, 6))[0]
        guardian = None
        if band in ("child", "adolescent"):
            g_gender = "female" if rng.random() < 0.7 else "male"
            guardian = Guardian(
                first_name=rng.choice(catalog.FIRST_NAMES_F if g_gender == "female" else catalog.FIRST_NAMES_M),
                last_name=last, gender=g_gender,
                birth_date=r.birth_date - timedelta(days=rng.randint(20 * 365, 38 * 365)),
            )
        patient = Patient(
            mrn=f"{1000000 + self._next('patient'):07d}", first_name=rng.choice(names), last_name=last,
            birth_date=r.birth_date, gender=gender,
            address_line=f"{rng.randint(100, 9999)} {rng.choice(catalog.STREETS)}", city=city, state=state,
            postal_code=rng.choice(zips), phone=f"512555{rng.randrange(10000):04d}", guardian=guardian, created_at=at,
        )
        self.out.patients.append(patient)
        return patient

    def _cover(self, patient: Patient, payer_id: str, at: datetime) -> Coverage | None:
        if payer_id == "SELF":
            return None
        rng = self.rng
        prefix = {"PBH01": "PBH", "SUM02": "SHP", "MER03": "MCI", "CAR04": "CHA", "LSM05": "", "HMC06": "",
                  "HEA07": "HEA"}[payer_id]
        if payer_id == "HMC06":
            member = f"{rng.randint(1, 9)}{rng.choice('ACDEFGHJKMNPQRTUVWXY')}{rng.randrange(10):d}" \
                     f"{rng.choice('ACDEFGHJKMNPQRTUVWXY')}{rng.randrange(10**6):06d}"
        elif payer_id == "LSM05":
            member = f"{rng.randrange(10**9):09d}"
        else:
            member = f"{prefix}{rng.randrange(10**9):09d}"
        start = date(max(2015, at.year - rng.randint(0, 4)), rng.choice((1, 1, 1, 4, 7, 10)), 1)
        coverage = Coverage(
            coverage_id=f"C{self._next('coverage'):07d}", patient_mrn=patient.mrn, payer_id=payer_id,
            member_id=member, start_date=start, end_date=None,
            relationship="child" if patient.guardian is not None else "self", updated_at=at,
        )
        self.out.coverages.append(coverage)
        return coverage

    # -- the episode of care ------------------------------------------------------------------------
    def _episode(self, r: Referral, patient: Patient, clinician: Clinician, coverage: Coverage | None,
                 first_day: date, booked_at: datetime, band: str) -> None:
        rng = self.rng
        out = self.out
        payer = self.payers[coverage.payer_id] if coverage else self.payers["SELF"]
        service = r.requested_service
        planned = max(1, min(60, round(math.exp(rng.gauss(math.log(7.5), 0.75)))))
        if payer.payer_type == "eap":
            planned = min(planned, payer.auth_after_visits + (1 if rng.random() < 0.2 else 0))
        if service == "testing":
            planned = min(planned, rng.randint(2, 4))
        cadence = 7 if rng.random() < 0.68 else 14
        if service == "family" and rng.random() < 0.5:
            cadence = 14
        telehealth_pref = rng.random() < clinician.telehealth_share
        hour = rng.choices(range(8, 19), (4, 7, 8, 8, 6, 6, 7, 8, 9, 8, 5))[0]
        minute = rng.choice((0, 0, 30))
        weekday_shift = 0
        dx = self._diagnoses(band)
        regular_cpt = self._regular_cpt(service, clinician)
        ends_on = None  # coverage termination (truth), if any
        switch_to = None
        if coverage is not None and rng.random() < 0.05:
            ends_on = first_day + timedelta(days=rng.randint(20, 200))
            if rng.random() < 0.5:
                switch_to = rng.choices(("PBH01", "SUM02", "MER03", "LSM05"), (4, 3, 2, 3))[0]
        known_terminated = False
        last_check: str = "unchecked"
        auth_state = _AuthState()
        plan_state = _PlanState()  # the treatment plan is the episode's: it outlives a change of payer
        severity = self._severity(dx[0], rng)
        responsiveness = math.exp(rng.gauss(0, 0.45))
        completed = 0
        visit_with_payer = 0
        consecutive_no_show = 0
        first_session_at: datetime | None = None
        referral_open = True
        day = first_day
        booking = booked_at
        cpt_first = "90791"
        # Eligibility at intake: most front desks verify before the first visit.
        if coverage is not None and rng.random() < 0.93:
            check_at = _business_time(booked_at + timedelta(hours=rng.randint(1, 40)), self.tz)
            first_start = local(first_day, hour, minute, self.tz)
            if check_at >= first_start:  # a check the session counts on is done before it
                check_at = booked_at + (first_start - booked_at) / 2
            last_check = self._check(patient, coverage, payer, check_at, ends_on)
        if coverage is not None and payer.auth_rule == "first_visit":
            delay = rng.randint(0, 2) if rng.random() < 0.88 else rng.randint(10, 25)
            self._request_auth(auth_state, patient, payer, booked_at + timedelta(days=delay), first_day)

        while completed < planned:
            if day >= self.horizon:
                break
            start = local(day, hour, minute, self.tz)
            if booking >= self.as_of_dt:
                break
            cpt = cpt_first if completed == 0 else regular_cpt
            if completed > 0 and payer.payer_type != "self_pay" and rng.random() < 0.01 and severity > 0.7:
                cpt = "90839"
            modality = "telehealth" if (telehealth_pref if rng.random() < 0.85 else not telehealth_pref) else "office"
            if cpt == "90853":
                modality = "office"
            status, status_at = self._outcome(start, booking, payer, modality, completed == 0)
            appt = Appointment(
                appointment_id=f"A{self._next('appointment'):08d}", patient_mrn=patient.mrn,
                clinician_npi=clinician.npi, booked_at=booking, scheduled_start=start,
                scheduled_minutes=catalog.CPT[cpt][1], cpt_code=cpt, modality=modality, status=status,
                status_at=status_at, referral_id=r.referral_id if referral_open else None, updated_at=status_at,
            )
            appt.versions.append((booking, {"status": "scheduled", "status_at": booking}))
            if status != "cancelled":
                week = self._week(day)
                self.booked[clinician.npi][week] = self.booked[clinician.npi].get(week, 0) + 1
            if status != "scheduled":
                appt.versions.append((status_at, {"status": status, "status_at": status_at}))
            out.appointments.append(appt)
            next_booking = status_at if status == "completed" else status_at + timedelta(hours=rng.randint(2, 48))
            if status == "completed":
                referral_open = False
                consecutive_no_show = 0
                completed += 1
                # The payer the practice bills is the one it knows of.
                if ends_on is not None and not known_terminated and coverage is not None:
                    if (rng.random() < 0.06 or (day.month == 1 and day.day < 20 and rng.random() < 0.5)) \
                            and day >= ends_on:
                        check_at = start - timedelta(hours=rng.randint(2, 30))
                        last_check = self._check(patient, coverage, payer, check_at, ends_on)
                        if last_check == "inactive":
                            known_terminated = True
                            coverage, payer, last_check = self._switch(patient, coverage, switch_to, ends_on,
                                                                       check_at, start)
                            visit_with_payer = 0
                            auth_state = _AuthState()
                elif coverage is not None and day.month == 1 and day.day < 25 and rng.random() < 0.35:
                    check_at = start - timedelta(hours=rng.randint(2, 30))
                    last_check = self._check(patient, coverage, payer, check_at, ends_on)
                visit_with_payer += 1
                if first_session_at is None:
                    first_session_at = start
                self._session(appt, patient, clinician, coverage, payer, dx, visit_with_payer, auth_state,
                              plan_state, last_check, ends_on, known_terminated, service, band)
                self._scores(appt, patient, clinician, dx, severity, responsiveness, first_session_at, completed,
                             planned)
                if completed == 1:
                    self._conditions(patient, appt, dx, r)
            elif status in ("no_show", "late_cancelled"):
                consecutive_no_show += status == "no_show"
                if rng.random() < 0.12 * consecutive_no_show + (0.25 if completed == 0 else 0.03):
                    break  # the patient drops out
            if status == "scheduled":
                break
            if completed > 0 and rng.random() < 0.035:
                break  # stops coming without a word
            step = cadence if completed > 0 else rng.randint(3, 9)
            if rng.random() < 0.08:
                weekday_shift = rng.choice((-1, 1))
            day = _shift_to_open(day + timedelta(days=step + weekday_shift))
            weekday_shift = 0
            booking = max(next_booking, start + timedelta(minutes=50))
            if booking >= local(day, hour, minute, self.tz):
                booking = local(day, hour, minute, self.tz) - timedelta(days=1)

    def _regular_cpt(self, service: str, clinician: Clinician) -> str:
        rng = self.rng
        if service == "family":
            return rng.choices(("90847", "90846"), (80, 20))[0]
        if service == "group":
            return "90853"
        if clinician.credential in ("MD", "NP"):
            return rng.choices(("90832", "90834"), (60, 40))[0]
        return rng.choices(("90834", "90837", "90832"), (58, 30, 12))[0]

    def _diagnoses(self, band: str) -> tuple[str, ...]:
        rng = self.rng
        weights = catalog.DIAGNOSIS_WEIGHTS[band]
        codes = list(weights)
        primary = rng.choices(codes, [weights[c] for c in codes])[0]
        if rng.random() < 0.3:
            secondary = rng.choices(codes, [weights[c] for c in codes])[0]
            if secondary != primary:
                return (primary, secondary)
        return (primary,)

    @staticmethod
    def _severity(dx: str, rng: random.Random) -> float:
        return min(1.0, max(0.0, rng.gauss(0.55 if dx.startswith(("F32", "F33", "F41", "F43.1")) else 0.4, 0.2)))

    def _outcome(self, start: datetime, booking: datetime, payer: Payer, modality: str,
                 first: bool) -> tuple[str, datetime]:
        rng = self.rng
        if start >= self.as_of_dt:
            return "scheduled", booking
        no_show = 0.125
        if payer.payer_type == "medicaid":
            no_show *= 1.6
        if modality == "telehealth":
            no_show *= 0.7
        if start.weekday() == 0:
            no_show *= 1.15
        if first:
            no_show *= 1.4
        cancel = 0.075 * (1.5 if start.month in (6, 7, 8, 12) else 1.0)
        late = 0.035
        u = rng.random()
        if u < no_show:
            return "no_show", start + timedelta(minutes=15)
        if u < no_show + late:
            at = start - timedelta(hours=rng.randint(1, 20))
            return "late_cancelled", max(at, booking + timedelta(minutes=30))
        if u < no_show + late + cancel:
            at = start - timedelta(hours=rng.randint(25, 120))
            return "cancelled", max(at, booking + timedelta(minutes=30))
        return "completed", start  # refined to the encounter end in _session

    def _check(self, patient: Patient, coverage: Coverage, payer: Payer, at: datetime,
               ends_on: date | None) -> str:
        rng = self.rng
        if rng.random() < 0.02:
            result = "error"
        else:
            result = "inactive" if ends_on is not None and at.date() >= ends_on else "active"
        deductible = payer.deductible_cents
        if deductible < 0:
            deductible = catalog.MEDICARE_PART_B_DEDUCTIBLE.get(at.year, 25700)
        remaining = None
        if result == "active":
            remaining = round(deductible * (1 - min(1.0, (at.timetuple().tm_yday / 365) * rng.uniform(0.5, 1.6))))
        check = EligibilityCheck(
            check_id=f"E{self._next('check'):08d}", patient_mrn=patient.mrn, payer_id=payer.payer_id,
            checked_at=at, result=result,
            copay_cents=payer.copay_cents if result == "active" else None,
            deductible_remaining_cents=remaining,
            auth_required=payer.auth_rule != "none", updated_at=at,
        )
        self.out.eligibility_checks.append(check)
        return result

    def _switch(self, patient: Patient, coverage: Coverage, switch_to: str | None, ends_on: date,
                learned_at: datetime, session_start: datetime) -> tuple[Coverage | None, Payer, str]:
        coverage.created_at = coverage.updated_at
        coverage.end_date = ends_on - timedelta(days=1)
        coverage.updated_at = learned_at
        if switch_to is None:
            return None, self.payers["SELF"], "unchecked"
        new = self._cover(patient, switch_to, learned_at)
        assert new is not None
        new.start_date = ends_on
        payer = self.payers[switch_to]
        result = self._check(patient, new, payer, learned_at + timedelta(minutes=20), None)
        return new, payer, result

    def _request_auth(self, state: "_AuthState", patient: Patient, payer: Payer, requested: datetime,
                      needed_from: date) -> None:
        rng = self.rng
        requested = _business_time(requested, self.tz)
        decided = _business_time(requested + timedelta(hours=rng.randint(20, 150)), self.tz)
        approved = rng.random() < (0.93 if state.count == 0 else 0.82)
        visits = payer.auth_after_visits if payer.auth_rule == "first_visit" else rng.choice((12, 20))
        start = min(requested.date(), needed_from)
        end = start + timedelta(days=90 if payer.payer_type == "eap" else 180)
        auth = Authorization(
            auth_id=f"AU{self._next('auth'):07d}", patient_mrn=patient.mrn, payer_id=payer.payer_id,
            requested_at=requested, decided_at=decided, status="approved" if approved else "denied",
            approved_visits=visits if approved else None, start_date=start if approved else None,
            end_date=end if approved else None,
            auth_number=f"{payer.payer_id[:2]}{rng.randrange(10**8):08d}" if approved else None,
            updated_at=decided,
        )
        self.out.authorizations.append(auth)
        state.add(auth)

    def _session(self, appt: Appointment, patient: Patient, clinician: Clinician, coverage: Coverage | None,
                 payer: Payer, dx: tuple[str, ...], visit: int, auth_state: "_AuthState", plan_state: "_PlanState",
                 eligibility: str, ends_on: date | None, known_terminated: bool, service: str, band: str) -> None:
        rng = self.rng
        cpt = appt.cpt_code
        minutes = _session_minutes(rng, cpt, clinician)
        begin = appt.scheduled_start + timedelta(minutes=rng.randint(0, 7))
        end = begin + timedelta(minutes=minutes)
        appt.encounter_start, appt.encounter_end = begin, end
        appt.status_at = appt.updated_at = end
        appt.versions[-1] = (end, {"status": "completed", "status_at": end})
        required = catalog.CPT[cpt][4]
        rushed = rng.random() < 0.08
        elements = []
        for element in catalog.ELEMENTS:
            if element == "participants" and cpt not in ("90846", "90847"):
                continue
            chance = clinician.doc_habit[element] * (0.6 if rushed else 1.0)
            if rng.random() < chance:
                elements.append(element)
        present = frozenset(elements)
        participants = ()
        if cpt in ("90846", "90847"):
            caregiver = rng.choice(("mother", "father", "grandmother", "stepfather", "aunt"))
            participants = (caregiver,) if cpt == "90846" else (caregiver, "patient")
        appt.note_elements = present
        session_date = begin.date()
        reviews_plan, review_age, review_due = self._plan_review(plan_state, clinician, cpt, present, session_date)
        # Clinicians keep to their own format, with the odd note in another (a template, a covering colleague).
        style = clinician.note_style if rng.random() < 0.85 else None
        appt.note_text = compose_note(rng, present, cpt, begin, end, dx[0], patient.first_name, participants,
                                      style=style, terse=clinician.terse_notes if style else None,
                                      reviews_treatment_plan=reviews_plan, review_due=review_due)
        if rng.random() < 0.012:
            appt.note_signed_at = None
        else:
            lag = math.exp(rng.gauss(math.log(clinician.note_lag_median_hours), clinician.note_lag_sigma))
            appt.note_signed_at = end + timedelta(seconds=int(min(lag, 24 * 120) * 3600) // 60 * 60)
        auth_required, auth, exhausted = False, None, False
        if coverage is not None and payer.auth_rule != "none":
            if payer.auth_rule == "first_visit" or visit > payer.auth_after_visits:
                auth_required = True
            # Ask for (more) visits when the practice notices it will need them.
            if payer.auth_rule == "after_n" and auth_state.count == 0 and \
                    visit == max(1, payer.auth_after_visits - 2 if rng.random() < 0.75 else payer.auth_after_visits + 2):
                self._request_auth(auth_state, patient, payer, end + timedelta(hours=2),
                                   session_date + timedelta(days=7))
            if auth_required:
                auth, exhausted = auth_state.use(session_date, begin)
                if auth is not None and auth_state.remaining(auth) <= 1 and not auth_state.extension_asked \
                        and rng.random() < 0.7:
                    auth_state.extension_asked = True
                    self._request_auth(auth_state, patient, payer, end + timedelta(hours=3), session_date)
        self.out.sessions.append(Session(
            appointment=appt, patient=patient, clinician=clinician, coverage=coverage, payer=payer, diagnoses=dx,
            visit_number=visit, auth_required=auth_required, auth=auth, auth_exhausted=exhausted,
            eligibility=eligibility, coverage_active=ends_on is None or known_terminated or session_date < ends_on,
            minutes=minutes, length_fits=minutes_fit(cpt, minutes),
            missing_elements=tuple(e for e in required if e not in present),
            reviews_treatment_plan=reviews_plan, plan_review_age_days=review_age,
        ))

    def _plan_review(self, plan_state: "_PlanState", clinician: Clinician, cpt: str, present: frozenset[str],
                     day: date) -> tuple[bool, int, bool]:
        """(the note documents a plan review, days since the last review, the note says a review is due).

        The intake establishes the plan: it counts as a review on its date (its note says nothing of one).
        Later, once the clinician's own interval has passed, a note with the plan element reviews the plan
        (written in the plan part, so the rulebook elements stay as drawn) with probability 0.85; a note
        with the plan element whose review falls due within 14 days (or is overdue and was not done)
        says it is still to come with probability 0.3. The rng is drawn only in those cases.
        """
        if cpt == "90791" or plan_state.last_review is None:
            plan_state.last_review = day
            return False, 0, False
        age = (day - plan_state.last_review).days
        if "plan" not in present:
            return False, age, False
        if age >= clinician.plan_review_days and self.rng.random() < 0.85:
            plan_state.last_review = day
            return True, 0, False
        if age >= clinician.plan_review_days - 14 and self.rng.random() < 0.3:
            return False, age, True
        return False, age, False

    def _scores(self, appt: Appointment, patient: Patient, clinician: Clinician, dx: tuple[str, ...],
                severity: float, responsiveness: float, first_at: datetime, completed: int, planned: int) -> None:
        rng = self.rng
        if _age(patient.birth_date, appt.scheduled_start.date()) < 12:
            return
        due = completed == 1 or completed % 4 == 0 or completed == planned
        if not due:
            return
        weeks = (appt.scheduled_start - first_at).days / 7
        anxious = dx[0].startswith(catalog.ANXIETY_PREFIXES) or dx[0] in ("F43.22", "F43.23", "F43.10")
        depressed = dx[0].startswith(("F32", "F33")) or dx[0] in ("F43.21", "F43.23")
        rate = 0.045 * clinician.effectiveness * responsiveness
        decay = math.exp(-rate * weeks)
        for loinc, top, base in ((LOINC_PHQ9, 27, 6 + 14 * severity + (3 if depressed else -2)),
                                 (LOINC_GAD7, 21, 5 + 11 * severity + (3 if anxious else -2))):
            if rng.random() > clinician.mbc_adherence:
                continue
            value = round(base * decay + rng.gauss(0, 1.6))
            self.out.observations.append(Observation(
                observation_id=f"O{self._next('observation'):08d}", patient_mrn=patient.mrn, loinc=loinc,
                value=min(top, max(0, value)), effective_at=appt.encounter_start - timedelta(minutes=5),
                encounter_id=appt.appointment_id,
            ))

    def _conditions(self, patient: Patient, appt: Appointment, dx: tuple[str, ...], r: Referral) -> None:
        for code in dx:
            self.out.conditions.append(Condition(
                condition_id=f"D{self._next('condition'):07d}", patient_mrn=patient.mrn, icd10=code,
                display=catalog.DIAGNOSES[code], recorded_at=appt.encounter_start,
                encounter_id=appt.appointment_id,
            ))


class _PlanState:
    """The treatment plan of one episode: when it was last reviewed (the intake establishes it)."""

    __slots__ = ("last_review",)

    def __init__(self) -> None:
        self.last_review: date | None = None


class _AuthState:
    """The authorizations of one episode with one payer, and the visits each has used."""

    def __init__(self) -> None:
        self.auths: list[Authorization] = []
        self.used: dict[str, int] = {}
        self.extension_asked = False

    @property
    def count(self) -> int:
        return len(self.auths)

    def add(self, auth: Authorization) -> None:
        self.auths.append(auth)
        if auth.status == "approved":
            self.used[auth.auth_id] = 0
            self.extension_asked = False

    def remaining(self, auth: Authorization) -> int:
        return (auth.approved_visits or 0) - self.used[auth.auth_id]

    def use(self, day: date, at: datetime) -> tuple[Authorization | None, bool]:
        """The approved authorization that covers a session on `day` (decided before it), and whether one ran out."""
        exhausted = False
        for auth in self.auths:
            if auth.status != "approved" or auth.decided_at is None or auth.decided_at > at:
                continue
            if not (auth.start_date <= day <= auth.end_date):
                continue
            if self.remaining(auth) <= 0:
                exhausted = True
                continue
            self.used[auth.auth_id] += 1
            return auth, False
        return None, exhausted


def _session_minutes(rng: random.Random, cpt: str, clinician: Clinician) -> int:
    drift = clinician.length_drift
    mean, sd, lo, hi = {
        "90791": (58, 6, 40, 85), "90832": (30, 3.5, 18, 40), "90834": (47 - 5 * drift, 3, 33, 56),
        "90837": (57 - 6 * drift, 2.5, 45, 75), "90846": (52, 5, 30, 70), "90847": (52, 5, 30, 70),
        "90853": (88, 5, 60, 110), "90839": (62, 8, 35, 80),
    }[cpt]
    return int(min(hi, max(lo, round(rng.gauss(mean, sd)))))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def _weekday_factor(day: date) -> float:
    return (1.35, 1.2, 1.1, 1.05, 0.9, 0.25, 0.15)[day.weekday()]


def _season_factor(day: date) -> float:
    # Back-to-school and new-year surges, summer and December lulls.
    return {1: 1.2, 2: 1.05, 3: 1.05, 4: 1.0, 5: 0.95, 6: 0.85, 7: 0.8, 8: 0.95, 9: 1.2, 10: 1.15,
            11: 1.0, 12: 0.75}[day.month]


def _load_factor(day: date) -> float:
    return {1: 1.35, 2: 1.2, 3: 1.05, 4: 1.0, 5: 0.9, 6: 0.8, 7: 0.8, 8: 0.95, 9: 1.25, 10: 1.35,
            11: 1.15, 12: 0.95}[day.month]


def _shift_to_open(day: date) -> date:
    while not is_open(day):
        day += timedelta(days=1)
    return day


def _business_time(at: datetime, tz: ZoneInfo) -> datetime:
    """Move `at` into office hours (8:00-18:00 on an open day)."""
    day = at.date()
    if is_open(day) and 8 <= at.hour < 18:
        return at
    if is_open(day) and at.hour < 8:
        return local(day, 8, at.minute, tz)
    day = next_open_day(day + timedelta(days=1))
    return local(day, 8, at.minute, tz)


__all__ = ["Clinic", "ClinicSimulator", "Session", "minutes_fit", "add_months"]
