"""Treatment-plan reviews in the demo practice: the intake establishes the plan, clinicians review it in notes
with the plan element, and a claim whose plan is older than its payer's interval carries the cause
"treatment_plan" (kpis.md, Documentation rulebook: the review interval is the practice's configuration)."""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from connectors.practice_config import read_practice_config
from synthetic import catalog
from synthetic.billing import CAUSE_LOGIT, RECOVER_CHANCE, RESUBMIT_CHANCE, BillingSimulator
from synthetic.calendar import add_months
from synthetic.clinic import ClinicSimulator
from synthetic.notes import PLAN_REVIEW, PLAN_REVIEW_DUE
from synthetic.practice import make_clinicians, make_payers


def _bank_pattern(bank: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    """Any sentence of a bank as written, its slots filled with anything short of a sentence end."""
    templates = [t for register in bank.values() for t in register]
    alternatives = [re.sub(r"\\\{\w+\\\}", r"[^.;\\n]+?", re.escape(t)) for t in templates]
    return re.compile("|".join(f"(?:{a})" for a in sorted(alternatives, key=len, reverse=True)))


REVIEW_SENTENCE = _bank_pattern(PLAN_REVIEW)
DUE_SENTENCE = _bank_pattern(PLAN_REVIEW_DUE)


@pytest.fixture(scope="module")
def simulated(small_practice):
    """The small practice's clinic and billing, simulated again in-process from its config exactly as
    `generate` does (same rng, same order of draws), for the facts the files do not carry (episodes,
    clinicians' habits, note elements). test_the_in_process_practice_is_the_generated_one ties the two."""
    config = small_practice.config
    tz = ZoneInfo(config.timezone)
    rng = random.Random(config.seed)
    sim_start = add_months(config.start, -config.burn_in_months)
    as_of = add_months(config.start, config.months)
    payers = make_payers(sim_start, tz)
    clinicians = make_clinicians(config.clinicians, rng, sim_start)
    clinic = ClinicSimulator(rng, tz, clinicians, payers, sim_start, as_of).run()
    billing = BillingSimulator(rng, tz, as_of).run(clinic.sessions)
    return clinic, billing


@pytest.fixture(scope="module")
def truth_claims(small_practice) -> dict[str, dict]:
    with (small_practice.truth / "claims.csv").open(newline="", encoding="utf-8") as handle:
        return {row["claim_id"]: row for row in csv.DictReader(handle)}


def _episodes(clinic) -> dict[str, list]:
    """Sessions per episode in date order. Each converted referral registers its own patient, so an episode
    is a patient; the simulation appends an episode's sessions in the order they happened."""
    by_patient: dict[str, list] = defaultdict(list)
    for s in clinic.sessions:
        by_patient[s.patient.mrn].append(s)
    return by_patient


def test_the_in_process_practice_is_the_generated_one(simulated, truth_claims):
    clinic, billing = simulated
    assert set(billing.claims) == set(truth_claims)
    for claim_id, state in billing.claims.items():
        row, s = truth_claims[claim_id], state.session
        assert row["reviews_treatment_plan"] == str(s.reviews_treatment_plan).lower(), claim_id
        assert int(row["plan_review_age_days"]) == s.plan_review_age_days, claim_id
        assert row["causes"] == ";".join(state.causes), claim_id


def test_clinicians_review_plans_on_their_own_habit():
    clinicians = make_clinicians(400, random.Random(3), date(2024, 1, 1))
    days = [c.plan_review_days for c in clinicians]
    assert all(55 <= d <= 85 or 100 <= d <= 170 for d in days)
    lax = sum(d >= 100 for d in days) / len(days)
    assert 0.14 < lax < 0.26  # about one in five; binomial sd at n=400 is 0.02


def test_intakes_establish_the_plan_with_age_zero(simulated):
    clinic, _ = simulated
    intakes = [s for s in clinic.sessions if s.appointment.cpt_code == "90791"]
    assert intakes
    assert all(s.plan_review_age_days == 0 and not s.reviews_treatment_plan for s in intakes)
    # Every episode starts with its intake, and only there.
    for sessions in _episodes(clinic).values():
        assert sessions[0].appointment.cpt_code == "90791"
        assert all(s.appointment.cpt_code != "90791" for s in sessions[1:])


def test_a_sessions_age_is_the_days_since_its_episodes_previous_review(simulated):
    clinic, _ = simulated
    eligible = reviewed = 0
    for sessions in _episodes(clinic).values():
        last = sessions[0].appointment.encounter_start.date()  # the intake
        previous_day = last
        for s in sessions[1:]:
            day = s.appointment.encounter_start.date()
            assert day >= previous_day
            previous_day = day
            since = (day - last).days
            habit = s.clinician.plan_review_days
            if s.reviews_treatment_plan:
                # A review happens only once the clinician's interval has passed, and resets the plan's age.
                assert since >= habit and s.plan_review_age_days == 0
                last = day
            else:
                assert s.plan_review_age_days == since
            if since >= habit and "plan" in s.appointment.note_elements:
                eligible += 1
                reviewed += s.reviews_treatment_plan
    # Due, with the plan element: reviewed with probability 0.85.
    assert eligible > 200
    assert abs(reviewed / eligible - 0.85) < 4 * (0.85 * 0.15 / eligible) ** 0.5


def test_reviews_are_written_only_in_notes_with_the_plan_element(simulated):
    clinic, _ = simulated
    reviews = [s for s in clinic.sessions if s.reviews_treatment_plan]
    assert len(reviews) > 150
    for s in reviews:
        assert "plan" in s.appointment.note_elements and "plan" not in s.missing_elements
        assert s.appointment.cpt_code != "90791"


def test_the_review_sentence_is_in_the_note_text_exactly_when_reviewed(simulated):
    clinic, _ = simulated
    due_notes = 0
    for s in clinic.sessions:
        text = s.appointment.note_text
        reviews = REVIEW_SENTENCE.findall(text)
        dues = DUE_SENTENCE.findall(text)
        assert len(reviews) == (1 if s.reviews_treatment_plan else 0), text
        if dues:
            # A review still to come: not reviewed today, plan element present, within 14 days of the
            # clinician's interval (or past it without a review).
            due_notes += 1
            assert len(dues) == 1 and not s.reviews_treatment_plan, text
            assert "plan" in s.appointment.note_elements
            assert s.plan_review_age_days >= s.clinician.plan_review_days - 14
        if (reviews or dues) and "\n" in text:
            # Written in the plan part: in a headed style (SOAP, DAP, BIRP), the P: section.
            line = next(line for line in text.split("\n") if (reviews or dues)[0] in line)
            assert line.startswith("P: "), text
    assert due_notes > 50


def test_the_treatment_plan_cause_is_exactly_age_over_the_payers_interval(small_practice, truth_claims):
    rules = read_practice_config(small_practice.practice_toml)
    with_cause = over_90_commercial_without = 0
    for claim_id, row in truth_claims.items():
        interval = rules.rule_for(row["payer_id"]).treatment_plan_review_days
        expected = row["cpt_code"] != "90791" and int(row["plan_review_age_days"]) > interval
        assert ("treatment_plan" in row["causes"].split(";")) == expected, claim_id
        with_cause += expected
        if row["payer_type"] == "commercial" and 90 < int(row["plan_review_age_days"]) <= 180:
            over_90_commercial_without += 1
    assert with_cause > 50
    assert over_90_commercial_without > 20  # 180 days for commercial payers: older than 90 is still fine there


def test_the_truth_agrees_with_the_catalog_interval(truth_claims):
    interval = {p["payer_id"]: p["plan_review"] for p in catalog.PAYERS}
    for claim_id, row in truth_claims.items():
        expected = row["cpt_code"] != "90791" and int(row["plan_review_age_days"]) > interval[row["payer_id"]]
        assert ("treatment_plan" in row["causes"].split(";")) == expected, claim_id
        if row["reviews_treatment_plan"] == "true":
            assert row["plan_review_age_days"] == "0" and "plan" not in row["missing_elements"].split(";")


def test_denials_for_the_treatment_plan_cause_are_documentation_denials(simulated):
    _, billing = simulated
    assert CAUSE_LOGIT["treatment_plan"] == 1.2
    assert RESUBMIT_CHANCE["treatment_plan"] == 0.65 and RECOVER_CHANCE["treatment_plan"] == 0.7
    assert catalog.DENIAL_REASONS["treatment_plan"] == catalog.DENIAL_REASONS["documentation"]
    carcs = {carc for carc, _, _ in catalog.DENIAL_REASONS["documentation"]}
    denied = [st for st in billing.claims.values() if st.denial_cause == "treatment_plan"]
    assert denied
    assert all(st.first_denial_reason in carcs for st in denied)


def test_the_practice_toml_has_the_commercial_payers_180_days(small_practice):
    text = small_practice.practice_toml.read_text(encoding="utf-8")
    rules = read_practice_config(small_practice.practice_toml)
    assert rules.default.treatment_plan_review_days == 90
    default_table = text.split("[payer_rules.default]")[1].split("\n\n")[0]
    assert "treatment_plan_review_days = 90" in default_table
    for payer in catalog.PAYERS:
        table = text.split(f'[payer_rules."{payer["payer_id"]}"]')[1].split("\n\n")[0]
        rule = rules.rule_for(payer["payer_id"])
        if payer["payer_type"] == "commercial":
            assert "treatment_plan_review_days = 180" in table
            assert rule.treatment_plan_review_days == 180
        else:  # Medicaid, Medicare, the EAP: the default's 90, inherited
            assert "treatment_plan_review_days" not in table
            assert rule.treatment_plan_review_days == 90
