"""The demo practice: it follows inputs.md to the letter, balances, joins, and looks like a real practice."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.fhir_validate import validate_fhir_resource
from connectors.npi import is_valid_npi
from connectors.x12_segments import iter_segments
from connectors.x12_validate import validate_x12
from synthetic.config import GeneratorConfig
from synthetic.generate import generate

# Columns exactly as ../shared/spec/inputs.md lists them (written out here, not imported from the writer).
PM_COLUMNS = {
    "payers.csv": "payer_id,payer_name,payer_type,updated_at",
    "coverages.csv": "coverage_id,patient_mrn,payer_id,member_id,start_date,end_date,updated_at",
    "referrals.csv": "referral_id,received_at,channel,source,patient_mrn,birth_date,requested_service,"
                     "first_contact_at,intake_sent_at,intake_completed_at,status,lost_reason,updated_at",
    "eligibility_checks.csv": "check_id,patient_mrn,payer_id,checked_at,result,copay,deductible_remaining,"
                              "auth_required,updated_at",
    "authorizations.csv": "auth_id,patient_mrn,payer_id,requested_at,decided_at,status,approved_visits,start_date,"
                          "end_date,auth_number,updated_at",
    "appointments.csv": "appointment_id,patient_mrn,clinician_npi,booked_at,scheduled_start,scheduled_minutes,"
                        "cpt_code,modality,status,status_at,referral_id,updated_at",
    "patient_payments.csv": "payment_id,patient_mrn,appointment_id,received_at,amount,method,updated_at",
}
FHIR_TYPES = {"Patient", "Practitioner", "Encounter", "Condition", "Observation", "DocumentReference"}


def _files(landing: Path, source: str, pattern: str) -> list[Path]:
    return sorted((landing / source).glob(f"*/{pattern}"))


def _csv_rows(landing: Path, name: str) -> list[dict]:
    rows = []
    for path in _files(landing, "pm", name):
        with path.open(newline="", encoding="utf-8") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def _latest(rows: list[dict], key: str) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for row in rows:
        current = latest.get(row[key])
        if current is None or datetime.fromisoformat(row["updated_at"]) >= datetime.fromisoformat(current["updated_at"]):
            latest[row[key]] = row
    return latest


def _segments(path: Path) -> list[list[str]]:
    return [fields for _, _, fields in iter_segments(path.read_text(encoding="utf-8"))]


def _resources(landing: Path, resource_type: str) -> list[dict]:
    out = []
    for path in sorted((landing / "ehr").glob(f"*/{resource_type}*.ndjson")):
        out.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    return out


# -- the landing zone follows inputs.md ----------------------------------------------------------------


def test_deliveries_are_monthly_and_named_by_date(small_practice):
    for source in ("ehr", "pm", "payer"):
        names = sorted(p.name for p in (small_practice.landing / source).iterdir())
        assert names == [f"2024-{m:02d}-01" for m in range(2, 13)] + ["2025-01-01"], source
    assert small_practice.figures["as_of"] == "2025-01-01"


def test_every_csv_has_exactly_the_columns_of_inputs_md(small_practice):
    for name, header in PM_COLUMNS.items():
        paths = _files(small_practice.landing, "pm", name)
        assert len(paths) == 12, name
        for path in paths:
            with path.open(newline="", encoding="utf-8") as handle:
                rows = list(csv.reader(handle))
            assert ",".join(rows[0]) == header, path
            assert all(len(row) == len(rows[0]) for row in rows[1:]), path
    assert not {p.name for p in (small_practice.landing / "pm").rglob("*.csv")} - set(PM_COLUMNS)


def test_csv_values_use_the_formats_of_inputs_md(small_practice):
    appointments = _csv_rows(small_practice.landing, "appointments.csv")
    for row in appointments[:500]:
        for column in ("booked_at", "scheduled_start", "status_at", "updated_at"):
            parsed = datetime.fromisoformat(row[column])
            assert parsed.utcoffset() is not None and row[column][-6] in "+-", row[column]
        assert row["status"] in {"scheduled", "completed", "no_show", "cancelled", "late_cancelled"}
        assert row["modality"] in {"office", "telehealth"}
    for row in _csv_rows(small_practice.landing, "patient_payments.csv"):
        assert Decimal(row["amount"]).as_tuple().exponent == -2, row
        assert row["method"] in {"card", "cash", "check", "ach"}
    payers = _csv_rows(small_practice.landing, "payers.csv")
    assert {p["payer_type"] for p in payers} == {"commercial", "medicaid", "medicare", "eap", "self_pay"}


def test_ehr_files_are_fhir_r4_that_validates(small_practice):
    names = {p.name for p in (small_practice.landing / "ehr").rglob("*.ndjson")}
    assert {n.split(".")[0] for n in names} == FHIR_TYPES
    checked = 0
    for resource_type in sorted(FHIR_TYPES):
        for resource in _resources(small_practice.landing, resource_type)[:: 97][:40]:
            assert resource["resourceType"] == resource_type
            assert validate_fhir_resource(resource) == [], resource
            checked += 1
    assert checked > 150


def test_x12_sample_passes_pyx12_5010_validation(small_practice):
    landing = small_practice.landing
    sample = []
    for suffix in ("837", "835", "277"):
        paths = _files(landing, "payer", f"*.{suffix}")
        assert paths, suffix
        sample += paths[:: max(1, len(paths) // 4)][:4]
    for path in sample:
        assert validate_x12(path.read_text(encoding="utf-8")) == [], path


def test_every_835_balances(small_practice):
    checked_claims = 0
    for path in _files(small_practice.landing, "payer", "*.835"):
        segments = _segments(path)
        bpr = next(s for s in segments if s[0] == "BPR")
        clp_paid = sum(Decimal(s[4]) for s in segments if s[0] == "CLP")
        plb = sum(Decimal(s[i + 1]) for s in segments if s[0] == "PLB" for i in range(3, len(s), 2))
        assert Decimal(bpr[2]) == clp_paid - plb, path
        claim = None
        for s in segments + [["SE"]]:
            if s[0] in ("CLP", "SE") and claim is not None:
                charge, paid, adjusted = claim
                assert charge - paid == adjusted, (path, clp)
                checked_claims += 1
                claim = None
            if s[0] == "CLP":
                clp = s
                claim = [Decimal(s[3]), Decimal(s[4]), Decimal(0)]
            elif s[0] == "CAS" and claim is not None:
                claim[2] += sum(Decimal(s[i]) for i in range(3, len(s), 3) if s[i])
    assert checked_claims > 1000


def test_claims_join_across_the_three_systems(small_practice):
    landing = small_practice.landing
    appointments = _latest(_csv_rows(landing, "appointments.csv"), "appointment_id")
    encounter_refs = {e["appointment"][0]["reference"] for e in _resources(landing, "Encounter")}
    assert encounter_refs <= {f"Appointment/{a}" for a in appointments}
    completed = {a for a, row in appointments.items() if row["status"] == "completed"}
    assert encounter_refs == {f"Appointment/{a}" for a in completed}

    claim_ids = {s[1] for path in _files(landing, "payer", "*.837") for s in _segments(path) if s[0] == "CLM"}
    assert claim_ids and claim_ids <= completed
    remitted = {s[1] for path in _files(landing, "payer", "*.835") for s in _segments(path) if s[0] == "CLP"}
    assert remitted <= claim_ids
    acknowledged = {s[2] for path in _files(landing, "payer", "*.277") for s in _segments(path)
                    if s[0] == "TRN" and s[1] == "2"}
    assert claim_ids <= acknowledged

    npis = {p["identifier"][0]["value"] for p in _resources(landing, "Practitioner")}
    assert all(is_valid_npi(n) for n in npis)
    assert {row["clinician_npi"] for row in appointments.values()} <= npis
    rendering = {s[9] for path in _files(landing, "payer", "*.837") for s in _segments(path)
                 if s[0] == "NM1" and s[1] == "82"}
    assert rendering <= npis


def test_minors_are_billed_under_a_guardian_subscriber(small_practice):
    patient_loops = [s for path in _files(small_practice.landing, "payer", "*.837") for s in _segments(path)
                     if s[0] == "PAT"]
    assert patient_loops and all(s[1] == "19" for s in patient_loops)
    births = [date.fromisoformat(p["birthDate"]) for p in _resources(small_practice.landing, "Patient")]
    ages = [(date(2024, 7, 1) - b).days // 365 for b in births]
    assert sum(13 <= a <= 17 for a in ages) / len(ages) > 0.08  # adolescents are a real share of the caseload


def test_telehealth_claims_carry_modifier_95_and_pos_02_or_10_mostly(small_practice):
    lines = Counter()
    for path in _files(small_practice.landing, "payer", "*.837"):
        pos = None
        for s in _segments(path):
            if s[0] == "CLM":
                pos = s[5].split(":")[0]
            if s[0] == "SV1":
                has_95 = "95" in s[1].split(":")[2:]
                lines[(pos in ("02", "10"), has_95)] += 1
    assert lines[(True, True)] > 200
    assert lines[(True, False)] == 0 and lines[(False, True)] == 0
    assert lines[(False, False)] > lines[(True, True)] * 0.5


def test_notes_are_signed_documents_with_free_text(small_practice):
    notes = _resources(small_practice.landing, "DocumentReference")
    texts = [base64.b64decode(n["content"][0]["attachment"]["data"]).decode("utf-8") for n in notes[:300]]
    assert all(n["docStatus"] == "final" and n["content"][0]["attachment"]["contentType"] == "text/plain"
               for n in notes[:300])
    assert len(set(texts)) == len(texts)
    assert statistics.median(len(t) for t in texts) > 200


# -- realistic figures --------------------------------------------------------------------------------


def test_headline_figures_land_in_realistic_ranges(small_practice):
    overall = small_practice.figures["overall"]
    assert 0.15 <= overall["initial_denial_rate"] <= 0.28
    assert 0.10 <= overall["no_show_rate"] <= 0.25
    assert 10 <= overall["wait_for_first_session_median_days"] <= 30
    assert overall["days_to_payment_min_by_payer_type"]["medicare"] >= 14
    by_type = overall["denial_rate_by_payer_type"]
    assert by_type["medicaid"] > by_type["commercial"]
    reasons = list(overall["denial_reasons"])
    assert reasons[0] == "50" and set(reasons[:4]) >= {"50", "16", "197"}


def test_some_first_sessions_wait_near_three_months(small_practice):
    landing = small_practice.landing
    referrals = _latest(_csv_rows(landing, "referrals.csv"), "referral_id")
    first_held: dict[str, datetime] = {}
    for row in _latest(_csv_rows(landing, "appointments.csv"), "appointment_id").values():
        if row["referral_id"] and row["status"] == "completed":
            start = datetime.fromisoformat(row["scheduled_start"])
            first_held[row["referral_id"]] = min(start, first_held.get(row["referral_id"], start))
    waits = [(first_held[r] - datetime.fromisoformat(referrals[r]["received_at"])).total_seconds() / 86400
             for r in first_held]
    assert len(waits) > 300
    assert 0.01 < sum(w > 60 for w in waits) / len(waits) < 0.15
    assert max(waits) > 75


def _claims_truth(practice) -> list[dict]:
    with (practice.truth / "claims.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_true_probabilities_drove_the_denials(small_practice):
    claims = [c for c in _claims_truth(small_practice) if c["denied_first_pass"] in ("true", "false")]
    expected = sum(float(c["true_denial_probability"]) for c in claims) / len(claims)
    observed = sum(c["denied_first_pass"] == "true" for c in claims) / len(claims)
    assert abs(expected - observed) < 0.02
    clean = [c for c in claims if not c["causes"]]
    late = [c for c in claims if "timely_filing" in c["causes"].split(";")]
    assert sum(c["denied_first_pass"] == "true" for c in clean) / len(clean) < 0.15
    assert late and sum(c["denied_first_pass"] == "true" for c in late) / len(late) > 0.7


def test_denials_depend_on_facts_known_before_submission(small_practice):
    claims = [c for c in _claims_truth(small_practice) if c["denied_first_pass"] in ("true", "false")]
    def rate(rows):
        return sum(r["denied_first_pass"] == "true" for r in rows) / len(rows)
    no_auth = [c for c in claims if c["auth_required"] == "true" and c["auth_on_file"] == "false"]
    with_auth = [c for c in claims if c["auth_required"] == "true" and c["auth_on_file"] == "true"]
    assert no_auth and rate(no_auth) > rate(with_auth) + 0.2
    short = [c for c in claims if c["length_fits"] == "false"]
    fits = [c for c in claims if c["length_fits"] == "true"]
    assert short and rate(short) > rate(fits) + 0.1
    missing = [c for c in claims if c["missing_elements"]]
    complete = [c for c in claims if not c["missing_elements"]]
    assert rate(missing) > rate(complete) + 0.1


def test_the_revenue_cycle_has_resubmissions_reversals_and_provider_adjustments(small_practice):
    landing = small_practice.landing
    frequencies = Counter(s[5].split(":")[2] for path in _files(landing, "payer", "*.837")
                          for s in _segments(path) if s[0] == "CLM")
    assert frequencies["1"] > 1000 and frequencies["7"] > 50 and frequencies["8"] >= 1
    statuses = Counter(s[2] for path in _files(landing, "payer", "*.835") for s in _segments(path) if s[0] == "CLP")
    assert statuses["22"] >= 5 and statuses["1"] > 1000
    assert statuses["4"] > 50  # payers that deny with CLP02 4 ...
    zero_paid = sum(1 for path in _files(landing, "payer", "*.835") for s in _segments(path)
                    if s[0] == "CLP" and s[2] == "1" and Decimal(s[4]) == 0 and not s[5])
    assert zero_paid > 50  # ... and payers that deny with a zero-paid CLP02 1
    adjustments = Counter((s[1], s[i]) for path in _files(landing, "payer", "*.835") for s in _segments(path)
                          if s[0] == "CAS" for i in range(2, len(s), 3))
    assert adjustments[("CO", "253")] > 20  # Medicare sequestration
    assert adjustments[("PR", "1")] > 20  # deductibles
    plb_reasons = {s[3].split(":")[0] for path in _files(landing, "payer", "*.835") for s in _segments(path)
                   if s[0] == "PLB"}
    assert "L6" in plb_reasons
    rejected = sum(1 for path in _files(landing, "payer", "*.277") for s in _segments(path)
                   if s[0] == "STC" and s[1].startswith("A7"))
    assert rejected > 5


def test_january_deductibles_make_patients_owe_more(small_practice):
    deductible_by_month: dict[int, Decimal] = defaultdict(Decimal)
    for path in _files(small_practice.landing, "payer", "*.835"):
        month, deductible = None, Decimal(0)
        for s in _segments(path) + [["CLP"]]:
            if s[0] == "CLP":
                if month is not None:
                    deductible_by_month[month] += deductible
                month, deductible = None, Decimal(0)
            elif s[0] == "DTM" and s[1] in ("232", "472"):
                month = int(s[2][4:6])
            elif s[0] == "CAS" and s[1] == "PR":
                deductible += sum(Decimal(s[i + 1]) for i in range(2, len(s) - 1, 3) if s[i] == "1")
    autumn = statistics.mean(deductible_by_month[m] for m in (9, 10, 11))
    assert deductible_by_month[1] > 2 * autumn


def test_no_sessions_on_christmas_or_thanksgiving(small_practice):
    appointments = _latest(_csv_rows(small_practice.landing, "appointments.csv"), "appointment_id")
    days = {datetime.fromisoformat(r["scheduled_start"]).date() for r in appointments.values()
            if r["status"] == "completed"}
    assert date(2024, 12, 25) not in days and date(2024, 11, 28) not in days
    assert not any(d.weekday() >= 5 for d in days)


# -- determinism and the messy option -----------------------------------------------------------------


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path):
    config = GeneratorConfig(clinicians=2, months=3, seed=3)
    for run in ("a", "b"):
        generate(config, tmp_path / run / "landing", tmp_path / run / "truth")
    first, second = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert len(first) > 30 and first == second
    generate(GeneratorConfig(clinicians=2, months=3, seed=4), tmp_path / "c" / "landing", tmp_path / "c" / "truth")
    assert _digest(tmp_path / "c") != first


def test_messy_deliveries_are_listed_in_the_ground_truth(messy_practice):
    landing = messy_practice.landing
    changes = {c["kind"]: c for c in messy_practice.messy}
    assert set(changes) == {"duplicate_file", "truncated_interchange", "other_separators", "bad_ndjson_line",
                            "malformed_csv_row", "missing_key_csv_row", "csv_row_updated"}
    duplicate = changes["duplicate_file"]
    assert (landing / duplicate["file"]).read_bytes() == (landing / duplicate["same_as"]).read_bytes()
    assert duplicate["file"] != duplicate["same_as"]

    truncated = (landing / changes["truncated_interchange"]["file"]).read_text()
    ids = [fields[0] for _, _, fields in iter_segments(truncated)]
    assert ids[0] == "ISA" and "IEA" not in ids and ids.count("ST") == ids.count("SE") + 1

    other = (landing / changes["other_separators"]["file"]).read_text()
    assert other.startswith("ISA|") and "\n" not in other
    assert validate_x12(other) == []

    bad = changes["bad_ndjson_line"]
    line = (landing / bad["file"]).read_text().splitlines()[bad["line"] - 1]
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)

    malformed = changes["malformed_csv_row"]
    with (landing / malformed["file"]).open(newline="") as handle:
        row = list(csv.DictReader(handle))[malformed["line"] - 2]
    assert row["appointment_id"] == "A99999901"
    with pytest.raises(ValueError):
        datetime.fromisoformat(row["scheduled_start"])

    keyless = changes["missing_key_csv_row"]
    with (landing / keyless["file"]).open(newline="") as handle:
        assert list(csv.DictReader(handle))[keyless["line"] - 2]["payment_id"] == ""

    updated = changes["csv_row_updated"]
    rows = [r for r in _csv_rows(landing, "patient_payments.csv") if r["payment_id"] == updated["payment_id"]]
    assert len(rows) == 2
    winner = _latest(rows, "payment_id")[updated["payment_id"]]
    assert round(Decimal(winner["amount"]) * 100) == updated["amount_cents_after"]


def test_clean_practice_has_no_messy_changes(small_practice):
    assert small_practice.messy == []
