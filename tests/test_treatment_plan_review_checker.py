"""The treatment-plan review detector (models.documentation.plan_review): a review in the note's own session
counts; reviews to come, due, or not done, and mentions of the plan's goals, do not."""

import pytest

from models.documentation.checker import check_note
from models.documentation.plan_review import find_treatment_plan_review

REVIEWS = [
    ("Treatment plan reviewed with client and updated; client agrees with revised goals.", "Treatment plan reviewed"),
    ("90-day treatment plan review completed; goals 1-2 continued, goal 3 revised.",
     "90-day treatment plan review completed"),
    ("TP reviewed & updated w/ cl, signed.", "TP reviewed"),
    ("Reviewed the individualized treatment plan together; objectives updated.",
     "Reviewed the individualized treatment plan"),
    ("Tx plan updated today.", "Tx plan updated"),
    ("we went over her treatment goals and revised goal 2", "revised goal"),
    ("Initial treatment plan developed collaboratively with client.", "treatment plan developed"),
    ("Initial TP est. w/ pt", "TP est."),
    ("Treatment plan: [x] reviewed and updated this session", "Treatment plan: [x] reviewed"),
    # a quoted sentence before it ends its clause: its "not" is not the review's
    ('He said "I\'m not sure." We reviewed and updated his treatment plan.', "reviewed and updated his treatment plan"),
    # a review done now, with the next one due later in the same clause
    ("Treatment plan updated, next review due in 90 days.", "Treatment plan updated"),
]

NOT_REVIEWS = [
    "Treatment plan review due next session.",
    "Will update tx plan at next visit.",
    "TP review scheduled for next appt.",
    "Continue per treatment plan.",
    "Progress toward treatment plan goals: fair.",
    "Treatment plan not reviewed today.",
    "tx plan review due 3/14",
    "Plan to update TP next session",
    "Plan: RTC 1 wk, continue CBT per tx plan.",
    "Did not review the treatment plan (time).",
]


@pytest.mark.parametrize(("text", "evidence"), REVIEWS)
def test_a_review_in_this_session_is_found_with_its_evidence(text, evidence):
    found = find_treatment_plan_review(text)
    assert found is not None
    assert found.text == evidence
    assert text[found.start:found.end] == evidence


@pytest.mark.parametrize("text", NOT_REVIEWS)
def test_reviews_to_come_or_not_done_and_goal_progress_are_not_reviews(text):
    assert find_treatment_plan_review(text) is None


def test_check_note_reports_the_review_beside_the_rulebook_without_changing_it():
    text = "Seen 10:02-10:55. Denies SI/HI. CBT: cognitive restructuring; pt engaged. TP reviewed and updated. RTC 1 wk."
    check = check_note(text, cpt="90837", minutes=53)
    assert check.reviews_treatment_plan
    assert check.treatment_plan_review.text == "TP reviewed"
    assert check.missing_elements == ("necessity",)
    assert not check_note(text.replace("TP reviewed and updated. ", ""), "90837", 53).reviews_treatment_plan
