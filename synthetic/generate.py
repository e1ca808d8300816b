"""`lantern generate`: simulate the demo practice and write its landing zone and ground truth.

The landing zone follows inputs.md: monthly deliveries `ehr/<date>/`, `pm/<date>/`, `payer/<date>/`,
each named by its delivery date (the first day of the month after the one it covers; the first
delivery also carries the burn-in history). The ground truth goes to a separate folder that the
pipeline never reads. The practice's configuration (`practice.toml`, its payer rules) goes to
`config/practice.toml` beside the landing zone unless another path is given.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from synthetic.billing import BillingSimulator, ack_batches, batches, remittances
from synthetic.calendar import add_months, local
from synthetic.clinic import ClinicSimulator
from synthetic.config import GeneratorConfig
from synthetic.messy import make_messy
from synthetic.practice import make_clinicians, make_payers, make_practice
from synthetic.truth import write_truth
from synthetic.writers import fhir, pm_csv
from synthetic.writers.practice_config import render_practice_toml
from synthetic.writers.x12 import Separators, render_277ca, render_835, render_837p

Progress = Callable[[str, int, int], None]

MRN_SYSTEM = "urn:oid:2.16.840.1.113883.3.9999.1"  # the demo EHR's MRN namespace (an example OID)
FHIR_FILE_LIMIT = 2000  # resources per NDJSON file before a bulk export splits a type (.000, .001, ...)


@dataclass
class GenerationSummary:
    config: GeneratorConfig
    landing: Path
    truth: Path
    as_of: date
    practice_config: Path | None = None
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)

    def as_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("practice", f"{self.config.clinicians} clinicians, {self.config.months} months from "
                         f"{self.config.start.isoformat()} (seed {self.config.seed})"),
            ("as-of date", self.as_of.isoformat()),
            ("landing zone", str(self.landing)),
            ("ground truth", str(self.truth)),
        ]
        if self.practice_config is not None:
            rows.append(("practice configuration", str(self.practice_config)))
        rows += [(name, f"{value:,}") for name, value in self.counts.items()]
        rows.append(("time", f"{self.seconds:.1f} s"))
        return rows


class _Deliveries:
    """Maps a timestamp to the delivery that carries it: the month after, never before the first."""

    def __init__(self, config: GeneratorConfig, tz: ZoneInfo):
        self.first = add_months(config.start, 1)
        self.as_of = add_months(config.start, config.months)
        self.as_of_dt = local(self.as_of, 0, 0, tz)
        self._cache: dict[tuple[int, int], str] = {}

    def of(self, at: datetime | date) -> str | None:
        if isinstance(at, datetime):
            if at >= self.as_of_dt:
                return None
        elif at >= self.as_of:
            return None
        key = (at.year, at.month)
        name = self._cache.get(key)
        if name is None:
            name = max(add_months(date(at.year, at.month, 1), 1), self.first).isoformat()
            self._cache[key] = name
        return name

    def names(self) -> list[str]:
        out, day = [], self.first
        while day <= self.as_of:
            out.append(day.isoformat())
            day = add_months(day, 1)
        return out


def generate(config: GeneratorConfig, landing: Path, truth: Path, progress: Progress | None = None,
             practice_config: Path | None = None) -> GenerationSummary:
    """Simulate the practice and write its landing zone, ground truth and `practice.toml`
    (`practice_config`, default `<landing>/../config/practice.toml`)."""
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    tz = ZoneInfo(config.timezone)
    rng = random.Random(config.seed)
    practice = make_practice(config.timezone)
    sim_start = add_months(config.start, -config.burn_in_months)
    payers = make_payers(sim_start, tz)
    clinicians = make_clinicians(config.clinicians, rng, sim_start)
    deliveries = _Deliveries(config, tz)

    clinic = ClinicSimulator(rng, tz, clinicians, payers, sim_start, deliveries.as_of).run(
        lambda done, total: report("simulating care (days)", done, total))
    billing = BillingSimulator(rng, tz, deliveries.as_of).run(
        clinic.sessions, lambda done, total: report("simulating billing", done, total))

    landing.mkdir(parents=True, exist_ok=True)
    files: dict[Path, str] = {}
    report("rendering EHR exports", 0, 3)
    _ehr_files(files, landing, clinic, clinicians, deliveries)
    report("rendering PM exports", 1, 3)
    _pm_files(files, landing, clinic, billing, payers, deliveries)
    report("rendering payer files", 2, 3)
    _payer_files(files, landing, practice, billing, rng, deliveries)
    messy = make_messy(files, landing, rng, deliveries.names()) if config.messy else []
    _write_all(files, report)
    config_path = practice_config if practice_config is not None else landing.parent / "config" / "practice.toml"
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(render_practice_toml(payers), encoding="utf-8")

    report("ground truth", 0, 1)
    counts = write_truth(truth, config, deliveries.as_of, clinic, billing, messy)
    report("ground truth", 1, 1)
    summary = GenerationSummary(config=config, landing=landing, truth=truth, as_of=deliveries.as_of,
                                practice_config=config_path, counts={
        "deliveries": len(deliveries.names()),
        "files": len(files),
        **counts,
    })
    summary.seconds = time.perf_counter() - started
    return summary


def _write_all(files: dict[Path, str], report: Progress) -> None:
    total = len(files)
    for done, (path, content) in enumerate(sorted(files.items()), start=1):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8"))
        if done % 50 == 0 or done == total:
            report("writing files", done, total)


def _ndjson_files(files: dict[Path, str], folder: Path, resource_type: str, lines: list[str]) -> None:
    if not lines:
        return
    if len(lines) <= FHIR_FILE_LIMIT:
        files[folder / f"{resource_type}.ndjson"] = "".join(lines)
        return
    for part, begin in enumerate(range(0, len(lines), FHIR_FILE_LIMIT)):
        files[folder / f"{resource_type}.{part:03d}.ndjson"] = "".join(lines[begin:begin + FHIR_FILE_LIMIT])


def _bucket(items: Iterable, when: Callable, line: Callable, deliveries: _Deliveries) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        delivery = deliveries.of(when(item))
        if delivery is not None:
            out.setdefault(delivery, []).append(line(item))
    return out


def _ehr_files(files, landing: Path, clinic, clinicians, deliveries: _Deliveries) -> None:
    ndjson = fhir.ndjson_line
    encounter_of = {}  # appointment id -> encounter id, for the resources that point at their encounter
    held = [a for a in clinic.appointments if a.encounter_start is not None]
    for a in held:
        encounter_of[a.appointment_id] = fhir.encounter_id_for(a.appointment_id)
    for record in (*clinic.observations, *clinic.conditions):
        if record.encounter_id in encounter_of:
            record.encounter_id = encounter_of[record.encounter_id]
    by_type = {
        "Practitioner": {deliveries.names()[0]: [ndjson(fhir.practitioner_resource(c)) for c in clinicians]},
        "Patient": _bucket(clinic.patients, lambda p: p.created_at,
                           lambda p: ndjson(fhir.patient_resource(p, MRN_SYSTEM)), deliveries),
        "Encounter": _bucket(held, lambda a: a.encounter_end,
                             lambda a: ndjson(fhir.encounter_resource(a, encounter_of[a.appointment_id])),
                             deliveries),
        "Condition": _bucket(clinic.conditions, lambda c: c.recorded_at,
                             lambda c: ndjson(fhir.condition_resource(c)), deliveries),
        "Observation": _bucket(clinic.observations, lambda o: o.effective_at,
                               lambda o: ndjson(fhir.observation_resource(o)), deliveries),
        "DocumentReference": _bucket(
            [a for a in held if a.note_signed_at is not None], lambda a: a.note_signed_at,
            lambda a: ndjson(fhir.document_reference_resource(a, f"note-{a.appointment_id}",
                                                              encounter_of[a.appointment_id])),
            deliveries),
    }
    for resource_type, per_delivery in by_type.items():
        for delivery, lines in per_delivery.items():
            _ndjson_files(files, landing / "ehr" / delivery, resource_type, lines)


def _pm_files(files, landing: Path, clinic, billing, payers, deliveries: _Deliveries) -> None:
    tables = {
        "payers.csv": (payers, pm_csv.payer_versions),
        "coverages.csv": (clinic.coverages, pm_csv.coverage_versions),
        "referrals.csv": (clinic.referrals, pm_csv.referral_versions),
        "eligibility_checks.csv": (clinic.eligibility_checks, pm_csv.eligibility_versions),
        "authorizations.csv": (clinic.authorizations, pm_csv.authorization_versions),
        "appointments.csv": (clinic.appointments, pm_csv.appointment_versions),
        "patient_payments.csv": (billing.patient_payments, pm_csv.payment_versions),
    }
    for name, (records, versions) in tables.items():
        per_delivery = pm_csv.latest_per_delivery(records, versions, deliveries.of)
        for delivery in deliveries.names():
            files[landing / "pm" / delivery / name] = pm_csv.render_csv(name, per_delivery.get(delivery, []))


def _payer_files(files, landing: Path, practice, billing, rng: random.Random, deliveries: _Deliveries) -> None:
    control = 0
    sep = Separators()
    for batch in batches(billing):
        delivery = deliveries.of(batch.submitted_at)
        if delivery is None:
            continue
        control += 1
        files[landing / "payer" / delivery / f"{batch.batch_id}.837"] = render_837p(batch, practice, control, sep)
    acks_by_batch: dict[str, list] = {}
    for ack in ack_batches(billing):
        acks_by_batch.setdefault(ack.batch_id, []).append(ack)
    for batch_id, acks in acks_by_batch.items():
        received = max(a.received_at for a in acks)
        delivery = deliveries.of(received)
        if delivery is None:
            continue
        control += 1
        files[landing / "payer" / delivery / f"{batch_id}.277"] = render_277ca(acks, practice, control, sep)
    for remit in remittances(billing, rng):
        delivery = deliveries.of(remit.payment_date)
        if delivery is None:
            continue
        control += 1
        files[landing / "payer" / delivery / f"{remit.remit_id}.835"] = render_835([remit], practice, control, sep)
