"""Why a claim scores high, and what a biller can do about it: LightGBM's own contributions mapped to fixes.

LightGBM's `pred_contrib=True` splits each claim's raw score (log-odds) into one contribution per feature
(TreeSHAP). Features that describe one fact (the authorization: required, on file, visits left) are summed
into that fact's **reason group** (`REASON_GROUPS`, the one table from features to words), so a fact is named
once. A claim's reasons are its groups with a positive summed contribution, largest first, that describe a
fault of this claim (a group returns no text for a claim without its fault: a present risk assessment is no
reason); the top 3 are kept. A contribution under `MIN_CONTRIBUTION` is no reason.

Each reason has a text (what is wrong, with the claim's own values) and a fix a biller can act on; the history
groups (the clinician's and the payer × CPT pair's past denials, the diagnosis group) explain but have no fix.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.documentation.rulebook import cpt_rule

TOP_REASONS = 3
# A fact must add at least this much to the log-odds to count as a reason (about one percentage point at the
# demo's ~20% denial rate): smaller contributions are the trees' noise, not something worth a biller's time.
MIN_CONTRIBUTION = 0.05
LOW_DAYS_LEFT = 30  # a claim this close to its payer's filing limit, or past it, is told to file now
STALE_ELIGIBILITY_DAYS = 30  # an eligibility check older than this before the session is stale

# What adding each documentation element means to a clinician (the rulebook's elements, kpis.md).
ELEMENT_FIXES = {
    "time": "the session's start and stop times (or total minutes)",
    "risk": "a risk assessment (SI/HI asked and answered)",
    "mental_status": "a mental status observation",
    "intervention": "the intervention used (e.g. CBT, DBT skills, motivational interviewing)",
    "response": "the client's response to the intervention",
    "plan": "the plan for the next session",
    "necessity": "why this level of care is needed (impairment, symptom severity, risk)",
    "participants": "who attended the session",
}


class Row:
    """One claim's values, read from column arrays: None for a missing value (null, NaN, NA)."""

    __slots__ = ("columns", "i")

    def __init__(self, columns: dict[str, np.ndarray], i: int):
        self.columns = columns
        self.i = i

    def get(self, name: str):
        column = self.columns.get(name)
        if column is None:
            return None
        value = column[self.i]
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return None
        return value

    def is_true(self, name: str) -> bool:
        value = self.get(name)
        return value is not None and bool(value)

    def is_false(self, name: str) -> bool:
        value = self.get(name)
        return value is not None and not bool(value)

    def number(self, name: str) -> float | None:
        value = self.get(name)
        return None if value is None else float(value)


Explanation = tuple[str, str | None]  # (reason, fix); fix None: nothing to fix


def missing_elements(row: Row) -> list[str]:
    """The elements the claim's CPT code requires that its (signed) note lacks, in the rulebook's order; empty
    when the note was not checked (no documentation features, or the note was unsigned at submission)."""
    rule = cpt_rule(row.get("cpt_code"))
    if rule is None or not row.is_true("is_note_signed_before_submission"):
        return []
    return [element for element in rule.requires if row.is_false(f"doc_has_{element}")]


def _documentation(row: Row) -> Explanation | None:
    missing = missing_elements(row)
    if not missing:
        return None
    wording = [ELEMENT_FIXES[element] for element in missing]
    listed = wording[0] if len(wording) == 1 else ", ".join(wording[:-1]) + " and " + wording[-1]
    return f"the note lacks: {', '.join(e.replace('_', ' ') for e in missing)}", f"add {listed} to the note"


def _treatment_plan(row: Row) -> Explanation | None:
    if not row.is_true("is_treatment_plan_overdue"):
        return None
    days, interval = row.number("days_since_plan_review"), row.number("treatment_plan_review_days")
    every = f"every {interval:.0f} days" if interval is not None else "at its interval"
    return (f"treatment plan last reviewed {days:.0f} days before the session; the payer requires a review {every}",
            "review and update the treatment plan with the client, and document the review in the note")


def _minutes_range(row: Row) -> str:
    low, high = row.number("cpt_min_minutes"), row.number("cpt_max_minutes")
    if low is not None and high is not None:
        return f"{low:.0f}-{high:.0f} minutes"
    if low is not None:
        return f"{low:.0f}+ minutes"
    if high is not None:
        return f"up to {high:.0f} minutes"
    return "its minutes"


def _session_length(row: Row) -> Explanation | None:
    if not row.is_false("minutes_fit_cpt"):
        return None
    minutes = row.number("session_minutes")
    length = f"a {minutes:.0f}-minute session" if minutes is not None else "the session"
    return (f"{length} billed as {row.get('cpt_code')} ({_minutes_range(row)})",
            "session length does not fit the CPT code: check the code or the documented time")


def _authorization(row: Row) -> Explanation | None:
    if not row.is_true("is_without_required_authorization"):
        return None
    if row.number("authorization_visits_remaining") == 0:
        return ("the authorization's visits are used up", "obtain prior authorization: visits exhausted")
    return ("the payer requires prior authorization and none is on file", "obtain prior authorization before billing")


def _eligibility(row: Row) -> Explanation | None:
    if not row.is_true("is_eligibility_checked"):
        return "no eligibility check before the session", "verify eligibility"
    result = row.get("eligibility_result")
    if result is not None and result != "active":
        return f"the last eligibility check answered '{result}'", "verify eligibility and the payer on file"
    age = row.number("eligibility_age_days")
    if age is not None and age > STALE_ELIGIBILITY_DAYS:
        return f"eligibility last checked {age:.0f} days before the session", "verify eligibility"
    return None


def _filing(row: Row) -> Explanation | None:
    left = row.number("days_left_to_file")
    if left is None or left > LOW_DAYS_LEFT:
        return None
    limit = row.number("timely_filing_days")
    lag = row.number("filing_lag_days")
    limit_text = f"the payer's {limit:.0f}-day filing limit" if limit is not None else "the payer's filing limit"
    if left < 0:
        return (f"filed {lag:.0f} days after the session, past {limit_text}" if lag is not None
                else f"past {limit_text}",
                f"file now with proof of timely filing: {-left:.0f} days past the payer's filing limit")
    return (f"{left:.0f} days left of {limit_text}", f"file now: {left:.0f} days left of the payer's filing limit")


def _telehealth(row: Row) -> Explanation | None:
    if not row.is_false("pos_matches_modality"):
        return None
    pos = row.get("place_of_service") or "none"
    modifiers = row.get("modifiers") or "none"
    modality = row.get("modality") or "telehealth"
    return (f"{modality} session billed with place of service {pos} and modifiers {modifiers}",
            "telehealth: add modifier 95 and place of service 02 or 10")


def _signature(row: Row) -> Explanation | None:
    if not row.is_false("is_note_signed_before_submission"):
        return None
    return "the note was not signed at submission", "sign the note before submitting"


def _rate(row: Row, rate: str, claims: str) -> str:
    value, count = row.number(rate), row.number(claims)
    if value is None or not count:
        return "no claims adjudicated before"
    return f"{value:.0%} of {count:.0f} claims before"


def _clinician_history(row: Row) -> Explanation:
    return (f"clinician {row.get('clinician_npi')}'s claims are denied often "
            f"({_rate(row, 'clinician_prior_denial_rate', 'clinician_prior_claims')})", None)


def _payer_cpt_history(row: Row) -> Explanation:
    return (f"payer {row.get('payer_id')} denies CPT {row.get('cpt_code')} often "
            f"({_rate(row, 'payer_cpt_prior_denial_rate', 'payer_cpt_prior_claims')})", None)


def _diagnosis(row: Row) -> Explanation:
    return f"diagnosis group {row.get('diagnosis_group') or 'unknown'} is denied more often", None


@dataclass(frozen=True)
class ReasonGroup:
    key: str
    features: tuple[str, ...]
    explain: Callable[[Row], Explanation | None]


REASON_GROUPS: tuple[ReasonGroup, ...] = (
    ReasonGroup("documentation", ("doc_has_time", "doc_has_risk", "doc_has_mental_status", "doc_has_intervention",
                                  "doc_has_response", "doc_has_plan", "doc_has_necessity", "doc_has_participants",
                                  "doc_missing_count", "doc_passes_rulebook"), _documentation),
    ReasonGroup("treatment_plan", ("is_treatment_plan_overdue", "days_since_plan_review"), _treatment_plan),
    ReasonGroup("session_length", ("session_minutes", "minutes_fit_cpt"), _session_length),
    ReasonGroup("authorization", ("is_authorization_required", "has_authorization_on_file",
                                  "authorization_visits_remaining", "is_without_required_authorization"),
                _authorization),
    ReasonGroup("eligibility", ("is_eligibility_checked", "eligibility_result", "eligibility_age_days"), _eligibility),
    ReasonGroup("filing", ("filing_lag_days", "timely_filing_days", "days_left_to_file"), _filing),
    ReasonGroup("telehealth_coding", ("has_modifier_95", "is_telehealth", "pos_matches_modality", "modifiers",
                                      "place_of_service", "modality"), _telehealth),
    ReasonGroup("note_signature", ("is_note_signed_before_submission", "note_lag_hours"), _signature),
    ReasonGroup("clinician_history", ("clinician_npi", "clinician_prior_claims", "clinician_prior_denial_rate"),
                _clinician_history),
    ReasonGroup("payer_cpt_history", ("payer_id", "payer_type", "cpt_code", "payer_cpt_prior_claims",
                                      "payer_cpt_prior_denial_rate"), _payer_cpt_history),
    ReasonGroup("diagnosis", ("diagnosis_group",), _diagnosis),
)


def group_membership(feature_names: Sequence[str], groups: Sequence[ReasonGroup] = REASON_GROUPS) -> np.ndarray:
    """A features × groups 0/1 matrix; raises when a feature belongs to no group or to two."""
    membership = np.zeros((len(feature_names), len(groups)))
    for g, group in enumerate(groups):
        for name in group.features:
            if name in feature_names:
                membership[list(feature_names).index(name), g] = 1.0
    counts = membership.sum(axis=1)
    if (counts != 1).any():
        wrong = [name for name, n in zip(feature_names, counts, strict=True) if n != 1]
        raise ValueError(f"features in no reason group or in several: {', '.join(wrong)}")
    return membership


def group_contributions(contributions: np.ndarray, feature_names: Sequence[str],
                        groups: Sequence[ReasonGroup] = REASON_GROUPS) -> np.ndarray:
    """Rows × groups: the sum of each group's features' contributions (the expected-value column dropped)."""
    return contributions[:, :len(feature_names)] @ group_membership(feature_names, groups)


@dataclass(frozen=True)
class Reason:
    group: str
    reason: str
    fix: str | None
    contribution: float  # the group's summed contribution to the raw score (log-odds)


def top_reasons(frame: pd.DataFrame, contributions: np.ndarray, feature_names: Sequence[str],
                top: int = TOP_REASONS, groups: Sequence[ReasonGroup] = REASON_GROUPS) -> list[list[Reason]]:
    """Each row's reasons: the groups contributing at least MIN_CONTRIBUTION that explain this row, largest first,
    at most `top` (ties in the groups' table order)."""
    by_group = group_contributions(contributions, feature_names, groups)
    order = np.argsort(-by_group, axis=1, kind="stable")
    columns = {name: frame[name].to_numpy(dtype=object) for name in frame.columns}
    results: list[list[Reason]] = []
    for i in range(len(frame)):
        row = Row(columns, i)
        found: list[Reason] = []
        for g in order[i]:
            value = by_group[i, g]
            if value < MIN_CONTRIBUTION or len(found) == top:
                break
            explained = groups[g].explain(row)
            if explained is not None:
                found.append(Reason(groups[g].key, explained[0], explained[1], float(value)))
        results.append(found)
    return results


def missing_elements_column(frame: pd.DataFrame) -> list[list[str]]:
    """Each row's missing documentation elements (`missing_elements`)."""
    columns = {name: frame[name].to_numpy(dtype=object) for name in frame.columns}
    return [missing_elements(Row(columns, i)) for i in range(len(frame))]
