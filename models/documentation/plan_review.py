"""Whether a progress note documents a treatment-plan review in its own session.

A payer that requires "a treatment plan reviewed in the last N days" (kpis.md; N is the practice's
configuration, `treatment_plan_review_days`) audits the notes for the review itself: the plan reviewed,
updated, revised, renewed or (at intake) developed with the client. Mentions that are not a review:
progress toward the plan's goals ("continue per treatment plan"), a review to come ("tx plan review due
next session", "will update TP") or one not done ("treatment plan not reviewed today").

`find_treatment_plan_review(text)` returns the evidence of the first review the note states, or None.
"""

from __future__ import annotations

import re

from models.documentation.evidence import Evidence

_PLAN = r"(?:treatment|tx|service|care|recovery)\s+plan|\btp\b|\bitp\b|\bisp\b"
_DONE = r"(?:reviewed|re-?viewed|updated|revised|renewed|amended|modified|rewritten|re-?written|developed|" \
        r"established|est\.|created|completed|formulated|finali[sz]ed|co-?created|signed|written|drafted|" \
        r"went over|gone over|discussed and (?:updated|revised|signed))(?!\w)"  # "est." ends in no word character
_DONE_NOUN = r"(?:review|update|revision|renewal|reassessment)"
_GOALS = r"(?:(?:treatment|tx)\s+)?(?:goals?|objectives?)(?:\s+(?:#?\d+|one|two|three)(?:\s*(?:-|–|and|&|,)\s*#?\d+)*)?"

# Each pattern, matched on the lowered note, states a review in this session.
_REVIEW = re.compile(
    r"\b(?:" + r"|".join(
        (
            # "reviewed the treatment plan", "updated her tx plan", "developed an initial treatment plan"
            _DONE + r"\s+(?:and\s+\w+\s+)?(?:\w+\s+){0,3}?(?:" + _PLAN + r")",
            # "treatment plan reviewed and updated", "TP updated & signed", "tx plan was revised"
            r"(?:" + _PLAN + r")\s*(?:\(\w+\)\s*)?(?:was\s+|were\s+|has been\s+|have been\s+)?(?:jointly\s+|"
            r"collaboratively\s+|also\s+)?" + _DONE,
            # "treatment plan review completed", "90-day tx plan review done", "TP update today"
            r"(?:" + _PLAN + r")\s+" + _DONE_NOUN + r"\s*(?:was\s+)?(?:completed|done|conducted|held|performed|"
            r"today|this session|in session|with)\b",
            r"\d+[- ]day\s+(?:treatment\s+|tx\s+)?(?:plan\s+)?review\s*(?:was\s+)?(?:completed|done|conducted|held)",
            # a form's ticked box: "Treatment plan: [x] reviewed and updated"
            r"(?:" + _PLAN + r")(?:\s+review)?\s*:\s*(?:\[\s*[x✓✔]\s*\]|☑|☒)\s*" + _DONE,
            # "revised goal 3", "goals updated", "treatment goals were revised"
            r"(?:revised|updated|rewrote|rewritten|modified|added\s+a\s+new)\s+(?:the\s+|her\s+|his\s+|their\s+)?"
            r"(?:treatment\s+|tx\s+)?(?:goals?|objectives?)\b",
            _GOALS + r"\s+(?:were\s+|was\s+)?(?:reviewed\s+and\s+)?(?:revised|updated|rewritten|modified|renewed)\b",
        )
    )
    + r")"
)

# Reviews that are not this session's: to come, due, or not done. Before the review, in its clause ("will
# update the TP", "did not review the treatment plan") ...
_NOT_DONE_BEFORE = re.compile(
    r"\b(?:will|'ll|to be|plan(?:s|ning)? to|needs? to|need(?:s|ed)? to be|should|must|due|overdue|pending|"
    r"upcoming|scheduled|at (?:the )?next|by (?:the )?next|not|never|didn't|did not|wasn't|was not|unable to|"
    r"forgot to|no time|deferred|postponed)\b"
)
# ... or right after it ("treatment plan review due 3/14", "TP updated next session", "tx plan not reviewed").
_NOT_DONE_AFTER = re.compile(
    r"\s*(?:is\s+|was\s+|has\s+|have\s+)?(?:not|never|deferred|postponed|pending|due|overdue|to be|will be|"
    r"scheduled|at (?:the )?next|next (?:session|visit|appt|appointment|time|week|wk))\b"
)
_HINT = re.compile(r"plan|tp\b|itp|isp|goal|objective")
_CLAUSE_END = re.compile(r"[.!?;][\"')\]]*(?=\s|$)|\n")


def _clause_start(lower: str, position: int) -> int:
    ends = [m.end() for m in _CLAUSE_END.finditer(lower, 0, position)]
    return ends[-1] if ends else 0


def find_treatment_plan_review(text: str) -> Evidence | None:
    """The first treatment-plan review the note states for its own session, with its evidence; None when
    the note states none (including reviews to come and reviews not done)."""
    lower = (text or "").lower()
    if not _HINT.search(lower):
        return None  # most notes: a cheap test spares the patterns
    for match in _REVIEW.finditer(lower):
        if _NOT_DONE_BEFORE.search(lower, _clause_start(lower, match.start()), match.start()) or \
                _NOT_DONE_AFTER.match(lower, match.end()):
            continue
        return Evidence(match.start(), match.end(), text[match.start():match.end()])
    return None
