"""The ground truth: what the generator knows that the landing zone only implies.

`claims.csv` has one row per claim with its true denial probability and the causes behind it (among
them `treatment_plan`: no plan review within the payer's interval, with the session's
`reviews_treatment_plan` and `plan_review_age_days`); `unbilled_sessions.csv` the sessions never billed;
`figures.json` has the measures of kpis.md that the generator can compute from its own records,
as of the last delivery, with exactly the definitions of kpis.md (medians and p90 interpolate
linearly, like DuckDB's quantile_cont); `messy.json` lists what `--messy` added.
Durations are measured between instants (UTC), so a daylight-saving change never adds an hour.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from synthetic.billing import Billing, ClaimState
from synthetic.calendar import local
from synthetic.clinic import Clinic
from synthetic.config import GeneratorConfig

CLAIM_COLUMNS = (
    "claim_id", "patient_mrn", "clinician_npi", "payer_id", "payer_type", "cpt_code", "modality",
    "date_of_service", "submitted_at", "true_denial_probability", "causes", "missing_elements",
    "reviews_treatment_plan", "plan_review_age_days", "length_fits", "session_minutes", "auth_required",
    "auth_on_file", "eligibility", "coverage_active", "late_filing", "telehealth_fault", "unsigned_at_submission",
    "rejected_277", "adjudicated", "denied_first_pass",
    "first_denial_reason", "denial_cause", "resubmitted", "voided", "charge", "payer_paid", "patient_responsibility",
)


def _quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (DuckDB quantile_cont, pandas' default)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _month(at: datetime | date) -> str:
    return f"{at.year:04d}-{at.month:02d}"


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _is_denial(payment) -> bool:
    return payment.status == "4" or (payment.status != "22" and payment.paid_cents == 0
                                     and payment.patient_resp_cents == 0)


def _latest_state(versions: list[tuple[datetime, dict]], as_of: datetime) -> dict:
    state: dict = {}
    for at, changes in versions:
        if at < as_of:
            state.update(changes)
            state["_seen"] = True
    return state


def _claim_row(state: ClaimState) -> tuple:
    s = state.session
    appt = s.appointment
    adjudicated = any(p.status != "22" for _, p in state.adjudications)
    paid = sum(p.paid_cents for _, p in state.adjudications)
    responsibility = sum(p.patient_resp_cents for _, p in state.adjudications)
    return (
        appt.appointment_id, s.patient.mrn, s.clinician.npi, s.payer.payer_id, s.payer.payer_type, appt.cpt_code,
        appt.modality, appt.encounter_start.date().isoformat(),
        state.submitted_at.isoformat(timespec="seconds") if state.submitted_at else "",
        f"{state.denial_probability:.6f}", ";".join(state.causes), ";".join(s.missing_elements),
        str(s.reviews_treatment_plan).lower(), s.plan_review_age_days, str(s.length_fits).lower(), s.minutes,
        str(s.auth_required).lower(), str(s.auth is not None).lower(),
        s.eligibility, str(s.coverage_active).lower(), str(state.late_filing).lower(),
        str(state.telehealth_fault).lower(), str(state.unsigned_at_submission).lower(),
        str(state.rejected_277).lower(), str(adjudicated).lower(),
        "" if state.denied_first_pass is None else str(state.denied_first_pass).lower(),
        state.first_denial_reason, state.denial_cause, str(state.resubmitted).lower(), str(state.voided).lower(),
        _money(state.submission.charge_cents), _money(paid), _money(responsibility),
    )


def compute_figures(as_of: date, as_of_dt: datetime, clinic: Clinic, billing: Billing,
                    corrections: dict[str, int]) -> dict:
    monthly: dict[str, dict[str, dict]] = defaultdict(dict)

    # Revenue cycle, by month of original submission.
    adjudicated_by_month: dict[str, int] = defaultdict(int)
    denied_by_month: dict[str, int] = defaultdict(int)
    payer_paid = 0
    days_to_payment: dict[str, list[float]] = defaultdict(list)
    for state in billing.claims.values():
        payer_paid += sum(p.paid_cents for _, p in state.adjudications)
        if state.submitted_at is None:
            continue
        real = [(d, p) for d, p in state.adjudications if p.status != "22"]
        first_paid = next((d for d, p in state.adjudications if p.paid_cents > 0), None)
        if first_paid is not None:
            days_to_payment[state.session.payer.payer_type].append(
                (first_paid - state.submitted_at.date()).days)
        if not real:
            continue
        month = _month(state.submitted_at)
        adjudicated_by_month[month] += 1
        denied_by_month[month] += _is_denial(state.adjudications[0][1])
    for month, n in sorted(adjudicated_by_month.items()):
        monthly[month]["claims_adjudicated"] = n
        monthly[month]["initial_denial_rate"] = denied_by_month[month] / n

    # No-shows, by month of scheduled start, with each appointment's status as of the as-of date.
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for appt in clinic.appointments:
        state = _latest_state(appt.versions, as_of_dt)
        if not state:
            continue
        status = state.get("status", appt.status)
        counts[_month(appt.scheduled_start)][status] += 1
    for month, c in sorted(counts.items()):
        denominator = c["completed"] + c["no_show"] + c["late_cancelled"]
        if denominator:
            monthly[month]["no_show_rate"] = c["no_show"] / denominator

    # Referrals: conversion and wait for the first session, by month received.
    first_completed: dict[str, datetime] = {}
    for appt in clinic.appointments:
        if appt.referral_id and appt.status == "completed" and appt.status_at < as_of_dt:
            previous = first_completed.get(appt.referral_id)
            if previous is None or appt.scheduled_start < previous:
                first_completed[appt.referral_id] = appt.scheduled_start
    converted: dict[str, int] = defaultdict(int)
    lost: dict[str, int] = defaultdict(int)
    waits: dict[str, list[float]] = defaultdict(list)
    all_waits: list[float] = []
    for r in clinic.referrals:
        state = _latest_state(r.versions, as_of_dt)
        if not state:
            continue
        month = _month(r.received_at)
        status = state.get("status", "open")
        converted[month] += status == "converted"
        lost[month] += status == "lost"
        if r.referral_id in first_completed:
            days = (first_completed[r.referral_id].timestamp() - r.received_at.timestamp()) / 86400
            waits[month].append(days)
            all_waits.append(days)
    for month in sorted(set(converted) | set(lost)):
        if converted[month] + lost[month]:
            monthly[month]["referral_conversion_rate"] = converted[month] / (converted[month] + lost[month])
        if waits[month]:
            monthly[month]["wait_for_first_session_median_days"] = _quantile(waits[month], 0.5)
            monthly[month]["wait_for_first_session_p90_days"] = _quantile(waits[month], 0.9)

    patient_paid = sum(corrections.get(p.payment_id, p.amount_cents) for p in billing.patient_payments)
    adjudicated_total = sum(adjudicated_by_month.values())
    appt_totals = defaultdict(int)
    for c in counts.values():
        for status, n in c.items():
            appt_totals[status] += n
    overall = {
        "claims": len(billing.claims),
        "claims_adjudicated": adjudicated_total,
        "initial_denial_rate": sum(denied_by_month.values()) / adjudicated_total if adjudicated_total else None,
        "no_show_rate": appt_totals["no_show"] / (appt_totals["completed"] + appt_totals["no_show"]
                                                   + appt_totals["late_cancelled"]),
        "wait_for_first_session_median_days": _quantile(all_waits, 0.5),
        "wait_for_first_session_p90_days": _quantile(all_waits, 0.9),
        "referral_conversion_rate": sum(converted.values()) / (sum(converted.values()) + sum(lost.values())),
        "payer_paid": _money(payer_paid),
        "patient_paid": _money(patient_paid),
        "days_to_payment_min_by_payer_type": {k: min(v) for k, v in sorted(days_to_payment.items())},
        "days_to_payment_median_by_payer_type": {k: _quantile(v, 0.5) for k, v in sorted(days_to_payment.items())},
        "denial_rate_by_payer_type": _denial_rate_by(billing, lambda s: s.session.payer.payer_type),
        "denial_reasons": _denial_reasons(billing),
    }
    return {"as_of": as_of.isoformat(), "overall": overall, "monthly": dict(sorted(monthly.items()))}


def _denial_rate_by(billing: Billing, key) -> dict[str, float]:
    n: dict[str, int] = defaultdict(int)
    d: dict[str, int] = defaultdict(int)
    for state in billing.claims.values():
        if state.submitted_at is None or not any(p.status != "22" for _, p in state.adjudications):
            continue
        n[key(state)] += 1
        d[key(state)] += _is_denial(state.adjudications[0][1])
    return {k: d[k] / n[k] for k in sorted(n)}


def _denial_reasons(billing: Billing) -> dict[str, int]:
    reasons: dict[str, int] = defaultdict(int)
    for state in billing.claims.values():
        if state.denied_first_pass:
            reasons[state.first_denial_reason] += 1
    return dict(sorted(reasons.items(), key=lambda kv: -kv[1]))


def write_truth(folder: Path, config: GeneratorConfig, as_of: date, clinic: Clinic, billing: Billing,
                messy: list[dict]) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    claims = sorted(billing.claims.values(), key=lambda s: s.session.appointment.appointment_id)
    with (folder / "claims.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CLAIM_COLUMNS)
        writer.writerows(_claim_row(state) for state in claims)
    with (folder / "unbilled_sessions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("appointment_id", "patient_mrn", "clinician_npi", "payer_id", "cpt_code",
                         "date_of_service", "missing_elements", "reviews_treatment_plan", "plan_review_age_days",
                         "note_signed"))
        for s in sorted(billing.unbilled, key=lambda s: s.appointment.appointment_id):
            appt = s.appointment
            writer.writerow((appt.appointment_id, s.patient.mrn, s.clinician.npi, s.payer.payer_id, appt.cpt_code,
                             appt.encounter_start.date().isoformat(), ";".join(s.missing_elements),
                             str(s.reviews_treatment_plan).lower(), s.plan_review_age_days,
                             str(appt.note_signed_at is not None).lower()))
    corrections = {c["payment_id"]: c["amount_cents_after"] for c in messy if c["kind"] == "csv_row_updated"}
    as_of_dt = local(as_of, 0, 0, ZoneInfo(config.timezone))
    figures = compute_figures(as_of, as_of_dt, clinic, billing, corrections)
    figures["config"] = {"clinicians": config.clinicians, "months": config.months, "seed": config.seed,
                         "start": config.start.isoformat(), "burn_in_months": config.burn_in_months,
                         "messy": config.messy}
    (folder / "figures.json").write_text(json.dumps(figures, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    (folder / "messy.json").write_text(json.dumps(messy, indent=2) + "\n", encoding="utf-8")
    return {
        "patients": len(clinic.patients),
        "referrals": len(clinic.referrals),
        "appointments": len(clinic.appointments),
        "sessions": len(clinic.sessions),
        "claims": len(billing.claims),
        "remittance claims": len(billing.payments),
    }
