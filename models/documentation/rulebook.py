"""The documentation rulebook of kpis.md ("Documentation rulebook"), as data: its elements, and per CPT code
the session minutes it allows and the elements its note must show. This module is the one place the
Python side holds it; the warehouse's `cpt_codes` seed holds the same table for SQL (a test keeps the two
equal).

Payer rules that add to the rulebook (prior authorization, treatment-plan review interval) are the
practice's configuration, not this module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# In the rulebook's order; a note's check and the mart's has_<element> columns follow it.
ELEMENTS: tuple[str, ...] = (
    "time",
    "risk",
    "mental_status",
    "intervention",
    "response",
    "plan",
    "necessity",
    "participants",
)

# What each element asks for, as kpis.md words it.
ELEMENT_DEFINITIONS: dict[str, str] = {
    "time": "session start and stop time, or total minutes, stated in the note",
    "risk": "suicidal and homicidal ideation asked about, with the answer",
    "mental_status": "a mental status or presentation observation",
    "intervention": "the therapeutic intervention used (e.g. CBT, DBT skills, motivational interviewing, exposure)",
    "response": "the client's response to the intervention",
    "plan": "the plan for next session or treatment-plan progress",
    "necessity": "why this level of care is needed (functional impairment, symptom severity, risk)",
    "participants": "who attended (family members for 90846/90847; the patient's presence for 90847)",
}


@dataclass(frozen=True)
class CptRule:
    """One row of the rulebook's CPT table: the session minutes the code allows (`min_minutes` to
    `max_minutes`, both included; None = no bound on that side) and the elements its note requires."""

    cpt: str
    description: str
    min_minutes: int | None
    max_minutes: int | None
    requires: tuple[str, ...]

    @property
    def has_length_rule(self) -> bool:
        return self.min_minutes is not None or self.max_minutes is not None

    def length_fits(self, minutes: float | None) -> bool | None:
        """Whether a session of `minutes` falls in the code's minutes; None when the length is unknown or the
        code has no minutes (90791, 90853).

        A minute counts once it is completed: the length is floored to whole minutes before comparing, so the
        ranges of 90832 (16-37) and 90834 (38-52) leave no gap (37.5 minutes is 37: a 90832).
        """
        if minutes is None or not self.has_length_rule or math.isnan(minutes):
            return None
        whole = math.floor(minutes)
        return (self.min_minutes is None or whole >= self.min_minutes) and (
            self.max_minutes is None or whole <= self.max_minutes
        )


def _rule(cpt: str, description: str, low: int | None, high: int | None, *requires: str) -> CptRule:
    return CptRule(cpt, description, low, high, tuple(e for e in ELEMENTS if e in requires))


# kpis.md's table; "53+" is (53, None), "—" is (None, None).
CPT_RULES: dict[str, CptRule] = {
    rule.cpt: rule
    for rule in (
        _rule("90791", "psychiatric diagnostic evaluation", None, None, "risk", "mental_status", "necessity", "plan"),
        _rule("90832", "psychotherapy, 30 min", 16, 37, "time", "risk", "intervention", "response", "plan"),
        _rule("90834", "psychotherapy, 45 min", 38, 52, "time", "risk", "intervention", "response", "plan"),
        _rule("90837", "psychotherapy, 60 min", 53, None,
              "time", "risk", "intervention", "response", "plan", "necessity"),
        _rule("90846", "family psychotherapy without patient", 26, None, "time", "participants", "intervention", "plan"),
        _rule("90847", "family psychotherapy with patient", 26, None,
              "time", "participants", "intervention", "response", "plan"),
        _rule("90853", "group psychotherapy", None, None, "intervention", "response", "plan"),
        _rule("90839", "psychotherapy for crisis, first 60 min", 30, 74,
              "time", "risk", "intervention", "plan", "necessity"),
    )
}


def cpt_rule(cpt: str | None) -> CptRule | None:
    """The rulebook's row for a CPT code (surrounding blanks ignored), or None for a code it does not list."""
    if cpt is None:
        return None
    return CPT_RULES.get(cpt.strip())
