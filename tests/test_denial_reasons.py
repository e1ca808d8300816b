"""Reasons and fixes: contributions summed per fact, ranked, mapped to words a biller understands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.denial.dataset import FULL_FEATURES
from models.denial.reasons import (
    REASON_GROUPS, Row, group_contributions, group_membership, missing_elements, missing_elements_column, top_reasons,
)

FEATURES = ["payer_id", "cpt_code", "payer_cpt_prior_denial_rate", "payer_cpt_prior_claims",
            "is_without_required_authorization", "authorization_visits_remaining", "minutes_fit_cpt",
            "session_minutes", "days_left_to_file", "is_note_signed_before_submission", "doc_has_risk",
            "clinician_npi", "pos_matches_modality"]


def frame() -> pd.DataFrame:
    return pd.DataFrame({
        "payer_id": ["P1", "P1"], "cpt_code": ["90837", "90834"],
        "payer_cpt_prior_denial_rate": [0.31, 0.25], "payer_cpt_prior_claims": [120, 40],
        "is_without_required_authorization": pd.array([True, False], dtype="boolean"),
        "authorization_visits_remaining": pd.array([0, None], dtype="Int32"),
        "minutes_fit_cpt": pd.array([False, True], dtype="boolean"),
        "session_minutes": [48.0, 45.0], "cpt_min_minutes": pd.array([53, 38], dtype="Int32"),
        "cpt_max_minutes": pd.array([None, 52], dtype="Int32"),
        "days_left_to_file": pd.array([80, 12], dtype="Int32"), "timely_filing_days": pd.array([90, 90], dtype="Int32"),
        "filing_lag_days": pd.array([10, 78], dtype="Int32"),
        "is_note_signed_before_submission": pd.array([True, True], dtype="boolean"),
        "doc_has_risk": pd.array([False, True], dtype="boolean"),
        "clinician_npi": ["1111111111", "2222222222"],
        "pos_matches_modality": pd.array([True, True], dtype="boolean"),
    })


# One column per feature (FEATURES' order), then the expected value.
CONTRIBUTIONS = np.array([
    # payer, cpt, rate, claims | auth, visits | fits, minutes | left | signed | risk | clinician | pos | bias
    [0.2, 0.1, 0.0, 0.0, 1.2, 0.3, 0.5, 0.2, -0.1, 0.0, 0.4, -0.3, 0.0, -1.5],
    [0.1, 0.0, 0.25, -0.05, -0.2, 0.0, 0.0, 0.0, 0.5, 0.0, -0.1, 0.04, 0.9, -1.5],
])


def test_contributions_are_summed_per_fact():
    by_group = group_contributions(CONTRIBUTIONS, FEATURES)
    keys = [group.key for group in REASON_GROUPS]
    row = dict(zip(keys, by_group[0], strict=True))
    # authorization 1.2 + 0.3; session length 0.5 + 0.2; payer x CPT 0.2 + 0.1 + 0 + 0; the bias is left out.
    assert row["authorization"] == pytest.approx(1.5)
    assert row["session_length"] == pytest.approx(0.7)
    assert row["payer_cpt_history"] == pytest.approx(0.3)
    assert row["documentation"] == pytest.approx(0.4)
    assert row["clinician_history"] == pytest.approx(-0.3)
    assert by_group.sum(axis=1) == pytest.approx(CONTRIBUTIONS[:, :-1].sum(axis=1))


def test_every_model_feature_belongs_to_exactly_one_fact():
    membership = group_membership(list(FULL_FEATURES.names))
    assert (membership.sum(axis=1) == 1).all()
    with pytest.raises(ValueError, match="no reason group or in several: mystery"):
        group_membership(["payer_id", "mystery"])


def test_top_reasons_are_the_largest_positive_facts_with_a_fault():
    found = top_reasons(frame(), CONTRIBUTIONS, FEATURES)
    # Row 1: authorization 1.5 > session length 0.7 > documentation 0.4 > payer x CPT 0.3: the top 3.
    assert [(r.group, r.reason, r.fix) for r in found[0]] == [
        ("authorization", "the authorization's visits are used up", "obtain prior authorization: visits exhausted"),
        ("session_length", "a 48-minute session billed as 90837 (53+ minutes)",
         "session length does not fit the CPT code: check the code or the documented time"),
        ("documentation", "the note lacks: risk", "add a risk assessment (SI/HI asked and answered) to the note"),
    ]
    assert [r.contribution for r in found[0]] == pytest.approx([1.5, 0.7, 0.4])
    # Row 2: telehealth coding contributes 0.9 but the claim's coding is right: no reason. Filing 0.5 (12 days
    # left), payer x CPT 0.1 + 0.25 - 0.05 = 0.3; the clinician's 0.04 is under MIN_CONTRIBUTION (0.05): noise.
    assert [(r.group, r.reason, r.fix) for r in found[1]] == [
        ("filing", "12 days left of the payer's 90-day filing limit",
         "file now: 12 days left of the payer's filing limit"),
        ("payer_cpt_history", "payer P1 denies CPT 90834 often (25% of 40 claims before)", None),
    ]


def test_at_most_three_reasons():
    found = top_reasons(frame(), CONTRIBUTIONS, FEATURES, top=1)
    assert [[r.group for r in row] for row in found] == [["authorization"], ["filing"]]


def row(**values) -> Row:
    return Row({name: np.array([value], dtype=object) for name, value in values.items()}, 0)


def explain(key: str, **values):
    return next(group for group in REASON_GROUPS if group.key == key).explain(row(**values))


def test_the_wording_of_each_fact():
    assert explain("authorization", is_without_required_authorization=True, authorization_visits_remaining=None) == (
        "the payer requires prior authorization and none is on file", "obtain prior authorization before billing")
    assert explain("authorization", is_without_required_authorization=False) is None
    assert explain("telehealth_coding", pos_matches_modality=False, modality="telehealth", place_of_service="11",
                   modifiers="") == ("telehealth session billed with place of service 11 and modifiers none",
                                     "telehealth: add modifier 95 and place of service 02 or 10")
    assert explain("eligibility", is_eligibility_checked=False) == (
        "no eligibility check before the session", "verify eligibility")
    assert explain("eligibility", is_eligibility_checked=True, eligibility_result="inactive") == (
        "the last eligibility check answered 'inactive'", "verify eligibility and the payer on file")
    assert explain("eligibility", is_eligibility_checked=True, eligibility_result="active",
                   eligibility_age_days=45.0) == ("eligibility last checked 45 days before the session",
                                                  "verify eligibility")
    assert explain("eligibility", is_eligibility_checked=True, eligibility_result="active",
                   eligibility_age_days=3.0) is None
    assert explain("filing", days_left_to_file=-20, timely_filing_days=90, filing_lag_days=110) == (
        "filed 110 days after the session, past the payer's 90-day filing limit",
        "file now with proof of timely filing: 20 days past the payer's filing limit")
    assert explain("filing", days_left_to_file=31, timely_filing_days=90, filing_lag_days=59) is None
    assert explain("note_signature", is_note_signed_before_submission=False) == (
        "the note was not signed at submission", "sign the note before submitting")
    assert explain("session_length", minutes_fit_cpt=False, session_minutes=12.0, cpt_code="90832",
                   cpt_min_minutes=16, cpt_max_minutes=37) == (
        "a 12-minute session billed as 90832 (16-37 minutes)",
        "session length does not fit the CPT code: check the code or the documented time")
    assert explain("treatment_plan", is_treatment_plan_overdue=True, days_since_plan_review=131,
                   treatment_plan_review_days=90) == (
        "treatment plan last reviewed 131 days before the session; the payer requires a review every 90 days",
        "review and update the treatment plan with the client, and document the review in the note")
    assert explain("treatment_plan", is_treatment_plan_overdue=False, days_since_plan_review=40,
                   treatment_plan_review_days=90) is None
    assert explain("treatment_plan", is_treatment_plan_overdue=None, days_since_plan_review=None) is None
    assert explain("clinician_history", clinician_npi="1111111111", clinician_prior_denial_rate=None,
                   clinician_prior_claims=0) == ("clinician 1111111111's claims are denied often "
                                                 "(no claims adjudicated before)", None)


def test_missing_elements_are_the_cpt_codes_required_ones_the_signed_note_lacks():
    # 90837 requires time, risk, intervention, response, plan, necessity; mental status is not required.
    values = {"cpt_code": "90837", "is_note_signed_before_submission": True, "doc_has_time": True,
              "doc_has_risk": False, "doc_has_mental_status": False, "doc_has_intervention": True,
              "doc_has_response": True, "doc_has_plan": False, "doc_has_necessity": True}
    assert missing_elements(row(**values)) == ["risk", "plan"]
    assert explain("documentation", **values) == (
        "the note lacks: risk, plan",
        "add a risk assessment (SI/HI asked and answered) and the plan for the next session to the note")
    # An unsigned note was not checked: nothing is listed (the signature is the reason).
    assert missing_elements(row(**(values | {"is_note_signed_before_submission": False}))) == []
    assert missing_elements_column(pd.DataFrame([values, values | {"cpt_code": "90853"}])) == [
        ["risk", "plan"], ["plan"]]  # 90853 requires intervention, response, plan
