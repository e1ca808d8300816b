"""Practice-management CSV exports, with exactly the columns of inputs.md.

A row changes over time (a referral gets contacted, then converted; an appointment gets booked,
then held): each change is a version with its `updated_at`, and each monthly delivery carries
the newest version of every row that changed in its month.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime

from synthetic.records import (
    Appointment, Authorization, Coverage, EligibilityCheck, Payer, PatientPayment, Referral,
)

COLUMNS = {
    "payers.csv": ("payer_id", "payer_name", "payer_type", "updated_at"),
    "coverages.csv": ("coverage_id", "patient_mrn", "payer_id", "member_id", "start_date", "end_date", "updated_at"),
    "referrals.csv": ("referral_id", "received_at", "channel", "source", "patient_mrn", "birth_date",
                      "requested_service", "first_contact_at", "intake_sent_at", "intake_completed_at", "status",
                      "lost_reason", "updated_at"),
    "eligibility_checks.csv": ("check_id", "patient_mrn", "payer_id", "checked_at", "result", "copay",
                               "deductible_remaining", "auth_required", "updated_at"),
    "authorizations.csv": ("auth_id", "patient_mrn", "payer_id", "requested_at", "decided_at", "status",
                           "approved_visits", "start_date", "end_date", "auth_number", "updated_at"),
    "appointments.csv": ("appointment_id", "patient_mrn", "clinician_npi", "booked_at", "scheduled_start",
                         "scheduled_minutes", "cpt_code", "modality", "status", "status_at", "referral_id",
                         "updated_at"),
    "patient_payments.csv": ("payment_id", "patient_mrn", "appointment_id", "received_at", "amount", "method",
                             "updated_at"),
}

Row = tuple[str, ...]
Version = tuple[datetime, Row]


def ts(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(timespec="seconds")


def day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def money(cents: int | None) -> str:
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def text(value: object) -> str:
    return "" if value is None else str(value)


def payer_versions(p: Payer) -> Iterator[Version]:
    yield p.updated_at, (p.payer_id, p.name, p.payer_type, ts(p.updated_at))


def coverage_versions(c: Coverage) -> Iterator[Version]:
    if c.created_at is not None and c.created_at != c.updated_at:
        yield c.created_at, (c.coverage_id, c.patient_mrn, c.payer_id, c.member_id, day(c.start_date), "",
                             ts(c.created_at))
    yield c.updated_at, (c.coverage_id, c.patient_mrn, c.payer_id, c.member_id, day(c.start_date),
                         day(c.end_date), ts(c.updated_at))


def referral_versions(r: Referral) -> Iterator[Version]:
    state = {"patient_mrn": None, "first_contact_at": None, "intake_sent_at": None, "intake_completed_at": None,
             "status": "open", "lost_reason": ""}
    for at, changes in r.versions:
        state.update(changes)
        yield at, (r.referral_id, ts(r.received_at), r.channel, r.source, text(state["patient_mrn"]),
                   day(r.birth_date), r.requested_service, ts(state["first_contact_at"]),
                   ts(state["intake_sent_at"]), ts(state["intake_completed_at"]), state["status"],
                   state["lost_reason"], ts(at))


def eligibility_versions(e: EligibilityCheck) -> Iterator[Version]:
    yield e.updated_at, (e.check_id, e.patient_mrn, e.payer_id, ts(e.checked_at), e.result, money(e.copay_cents),
                         money(e.deductible_remaining_cents), "true" if e.auth_required else "false",
                         ts(e.updated_at))


def authorization_versions(a: Authorization) -> Iterator[Version]:
    if a.decided_at is not None and a.decided_at != a.requested_at:
        yield a.requested_at, (a.auth_id, a.patient_mrn, a.payer_id, ts(a.requested_at), "", "pending", "", "",
                               "", "", ts(a.requested_at))
    yield a.updated_at, (a.auth_id, a.patient_mrn, a.payer_id, ts(a.requested_at), ts(a.decided_at), a.status,
                         text(a.approved_visits), day(a.start_date), day(a.end_date), text(a.auth_number),
                         ts(a.updated_at))


def appointment_versions(a: Appointment) -> Iterator[Version]:
    for at, changes in a.versions:
        status = changes.get("status", a.status)
        status_at = changes.get("status_at", a.status_at)
        yield at, (a.appointment_id, a.patient_mrn, a.clinician_npi, ts(a.booked_at), ts(a.scheduled_start),
                   str(a.scheduled_minutes), a.cpt_code, a.modality, status, ts(status_at), text(a.referral_id),
                   ts(at))


def payment_versions(p: PatientPayment) -> Iterator[Version]:
    yield p.updated_at, (p.payment_id, p.patient_mrn, text(p.appointment_id), ts(p.received_at),
                         money(p.amount_cents), p.method, ts(p.updated_at))


def latest_per_delivery(records: Iterable, versions: Callable[[object], Iterator[Version]],
                        delivery_of: Callable[[datetime], str | None]) -> dict[str, list[Row]]:
    """For each delivery, the newest version of every row that changed in it, in record order."""
    out: dict[str, list[Row]] = {}
    for record in records:
        newest: dict[str, Row] = {}
        for at, row in versions(record):
            delivery = delivery_of(at)
            if delivery is not None:
                newest[delivery] = row
        for delivery, row in newest.items():
            out.setdefault(delivery, []).append(row)
    return out


def render_csv(name: str, rows: Iterable[Row]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line endings
    writer.writerow(COLUMNS[name])
    writer.writerows(rows)
    return buffer.getvalue()
