"""The documentation checker: a progress note's text, its CPT code and the session's length in, the rulebook of
kpis.md out, element by element (`check_note`).

How a note is read. Every cue of every element (the words of `models.documentation.cues`) is found in the
lowercased text, and each is kept or dropped by what surrounds it in its clause (a sentence, a line, or the
part of a sentence before or after "but"):
- a cue inside a section label is the label's, and a cue inside a longer cue of another element is that
  element's ("response prevention" is an intervention, not a response);
- a look-alike (`cues.VETOES`: "safety plan", "arrived 10 min late", "got engaged") is not the element;
- a checkbox decides: an option counts when its own box is ticked ("[x] CBT"), a field when any of the boxes
  after it is ("SI [ ] Yes [X] No"); a label followed by a blank ("Time: ____") does not count;
- wording that the element was not done, before or after the cue and not across another element's cue, drops
  it ("did not assess SI, HI", "mood and affect not assessed", "Plan: N/A", "risk assessment deferred");
- for necessity, plan and intervention a plain "no"/"denies" right before the cue drops it too ("denies
  functional impairment", "no homework assigned"); for risk and mental status that is the answer or a finding
  ("denies SI/HI", "no psychosis"), a negative response is still a response ("not receptive"), and "no others
  present" still says who came;
- an intervention named in the plan, in the history or in what the client did between sessions ("Continue
  CBT", "previously tried DBT", "reports using DEAR MAN with her roommate") is not the session's;
- a time must be the session's: a clock range of 10 minutes to 5 hours, a start and an end clock time, or a
  length that no activity or symptom owns ("45 min session", "Met with client, 50 minutes"; not "walks 20
  minutes daily", "arrived 10 min late", "panic attacks lasting 20 minutes");
- risk needs both halves the rulebook names, suicidal and homicidal ideation, each with its answer ("denies
  SI" alone is not enough).
Section labels ("SI/HI:", "**Plan**", "Interventions used:") with content count as their element unless the
content is a placeholder ("N/A", "—", "deferred", "none this session", blanks, only empty boxes); a "Plan:"
whose content reports the session rather than planning ("Plan: Continued exposure in session") does not.

An element is present when at least one of its cues is kept; its evidence is the clause of the first one (for
risk, from its suicidal to its homicidal answer).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from models.documentation import cues
from models.documentation.alternation import alternatives, factored
from models.documentation.evidence import Evidence
from models.documentation.plan_review import find_treatment_plan_review
from models.documentation.rulebook import ELEMENTS, cpt_rule
from models.documentation.sentences import SentenceModel, default_model


# What the cues are found for: the rulebook's elements, with risk in its two halves (suicidal and homicidal
# ideation), both of which the rulebook asks for.
_FOUND = ("time", "risk_s", "risk_h", "mental_status", "intervention", "response", "plan", "necessity", "participants")
# Cues that stand on their own even inside another element's wording ("a scheduled 45-minute session").
_NEVER_INSIDE = frozenset({"time", "risk_s", "risk_h"})
_FAMILY = {element: element.split("_")[0] if element.startswith("risk_") else element for element in _FOUND}
_CUES: tuple[tuple[str, tuple[tuple[re.Pattern[str], bool], ...]], ...] = tuple(
    (
        element,
        tuple(
            [(re.compile(r"\b(?:" + factored(cues.WORD_CUES[element]) + ")"), True)]
            + [(re.compile(c), True) for c in cues.OTHER_CUES.get(element, ())]
        ),
    )
    for element in _FOUND
)
# The abbreviations, all elements in one pattern (one group per element), on the note as written.
_CASED = re.compile(r"\b(?:" + "|".join(f"(?P<{e}>{'|'.join(c)})" for e, c in cues.CASED_CUES.items()) + r")\b")
_CLAUSE_START_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (element, re.compile("|".join(f"(?:{c})" for c in sources))) for element, sources in cues.CLAUSE_START_CUES.items()
)
# Tried only where a run of digits starts.
_DIGIT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (element, re.compile("|".join(f"(?:{c})" for c in sources))) for element, sources in cues.DIGIT_CUES.items()
)
_DIGIT_RUN = re.compile(r"\d+")
_PLAN_ANY = next(patterns[0][0] for element, patterns in _CUES if element == "plan")
_PARTICIPANTS_VERB = re.compile(cues.PARTICIPANTS_VERB)
_TIME_ACTIVITY = re.compile(cues.TIME_ACTIVITY)
_SCORE_WORDS = re.compile(r"(?i)\b(?:phq|gad|pcl|score[sd]?|rated|rating|scale|points?)\b|/10|%")
_CLAUSE_START_PREFIX = re.compile(r"[\W_]*(?:[a-z/&]{1,15}\s*:)?[\W_]*")
_PLAN_LABEL_CHECKED = re.compile(r"(?:(?:treatment |tx )?plan|recommendations?(?:/plan)?|plan/recommendations|"
                                 r"next steps?)[ \t*]*:?")
_AS_NEEDED = re.compile(r"(?i)\b(?:prn|as needed)\b")
_BOTH_RISKS = re.compile(r"(?i)\bsi\s*(?:/|and|&|\+)\s*hi\b")
_PLAN_CONTENT = re.compile(
    r"(?i)[\W_]*(?:continue|cont|practice|complete|schedule|sched|follow|return|rtc|f/u|monitor|try|review|increase|"
    r"reduce|decrease|begin|start|add|refer|consider|maintain|reassess|revisit|assign|meet|see|weekly|biweekly|"
    r"monthly|every|next|discharge|taper|work|focus|address|explore|coordinate|obtain|request|send|call|contact|"
    r"encourage|recommend|will|to|pt to|client to|cl to|hw|homework|goal|plan)\b"
)
_PARTICIPANTS_BEFORE_VERB = re.compile(cues.PARTICIPANTS_BEFORE_VERB)
_PARTICIPANTS_AFTER_VERB = re.compile(cues.PARTICIPANTS_AFTER_VERB)
_VETOES: dict[str, re.Pattern[str]] = {
    element: re.compile(r"\b(?:" + factored(tuple(a.removeprefix(r"\b") for v in vetoes for a in alternatives(v)))
                        + ")")
    for element, vetoes in cues.VETOES.items()
}
# A label starts a line, a clause (after "." or ";") or a form field (after two spaces or a tab).
# Any "Some label:" line (a form field or a heading of any kind), for telling an empty heading.
_ANY_LABEL_LINE = re.compile(r"[ \t]*(?:[-*•>#]+[ \t]*)*(?:\*\*)?[a-z][\w /()&'-]{0,30}(?:\*\*)?[ \t]*:")
_LABEL_START = re.compile(r"\n|[.;]|:[ \t]|\s\s|\t")
_LABEL = re.compile(
    r"(?m)[ \t]*(?:[-*•>#]+[ \t]*)*(?:\*\*|__)?(?:"
    + "|".join(f"(?P<{element}>{cues.LABELS[element]})" for element in _FOUND)
    + r")(?:\*\*|__)?[ \t]*(?:(?P<colon>:)(?:[ \t]*\*\*)?|(?=[ \t]*(?:\*\*|__)?[ \t]*$))"
)
_CLAUSE_BREAK = re.compile(cues.CLAUSE_BREAK)
_DOC_NEG_BEFORE = re.compile(cues.DOC_NEGATION_BEFORE)
_DOC_NEG_AFTER = re.compile(cues.DOC_NEGATION_AFTER)
_CLINICAL_NEG_BEFORE = re.compile(cues.CLINICAL_NEGATION_BEFORE)
_PLACEHOLDER = re.compile(cues.PLACEHOLDER)
_BOX = re.compile(cues.BOX)
_CHECKED = re.compile(cues.CHECKED_BOX)
_BOX_RIGHT_AFTER = re.compile(r"(?:[ \t]?|[ \t]*:[ \t]*)(?:" + cues.BOX + r")")
# The box of an option: the last box before the cue on its line, with only the option's words in between.
_OWN_BOX = re.compile(r"(?P<box>" + cues.BOX + r")[ \t]{0,2}$")
_OPTION_BOX = re.compile(r"(?P<box>" + cues.BOX + r")[ \t]*(?:[A-Za-z][A-Za-z \t'/-]{0,20})?$")
_BLANK_AFTER = re.compile(r"[ \t]*:?[ \t]*_{2,}")
_TIME_BEFORE = re.compile(cues.TIME_CONTEXT_BEFORE)
_TIME_AFTER = re.compile(cues.TIME_CONTEXT_AFTER)
_TIME_ALONE_AFTER = re.compile(cues.TIME_ALONE_AFTER)
_TIME_NOT_SESSION = re.compile(cues.TIME_NOT_SESSION)
_TIME_SESSION_WORD = re.compile(cues.TIME_SESSION_WORD)
_TIME_NOT_LENGTH_AFTER = re.compile(cues.TIME_NOT_LENGTH_AFTER)
_LABEL_PREFIX = re.compile(r"^[\W_]*(?:[A-Za-z][\w /'-]{0,30}:)?[\W_]*$")
# An intervention named in the plan ("Continue CBT", "will start EMDR", "HW: thought log") is not this session's. A
# bare "P:" label is not enough: SOAP notes often list what was done under it.
_PLAN_CONTEXT = re.compile(
    r"(?i)^[\W_]*(?:(?:HW|Homework|Assigned|Recommendations?(?:/Plan)?|Next steps?|Disposition)\s*:|"
    r"(?:(?:A/P|P|Plan)\s*:\s*)?(?:continue\b|cont\b|will\b|next\b|plan\b|recommend\w*|consider\w*|refer\w*|"
    r"RTC\b|f/u\b|follow[- ]?up|assigned|homework|hw\b|begin\b|start\b|initiate\b|add\b|try\b))|\b(?:will|'ll|plan(?:s|ned)? to|recommend\w*|consider(?:ing)?|"
    r"to (?:complete|practice|use|do|try|continue|fill out|track|keep|start|begin|add)|continue|cont\b|assigned|"
    r"(?<!reviewed )(?<!review of )(?<!checked )(?<!went over )(?:homework|hw))\b"
)
# A necessity label whose content only names a diagnosis.
_DIAGNOSIS_ONLY = re.compile(r"(?i)^(?:(?:client|clt|cl|pt|patient) )?(?:meets|met) (?:\w+ )?(?:dsm-?5? )?criteria for "
                             r"[^,;\n]*?\.?$|^(?:dx|diagnosis)?\s*:?\s*[a-z]\d\d(?:\.\w+)?\.?$")
_SESSIONS_PLANNED = re.compile(r"\b\d+(?:-\d+)? sessions\b")  # "Parent training 8 sessions": a course to come
_CLIENT_DID = re.compile(r"(?i)\b(?:pt|client|cl|clt|patient|she|he|they)\s+(?:did(?! not)|completed|tried|has been "
                         r"(?:using|practicing|doing)|used|practiced)\b")
_IN_SESSION = re.compile(r"(?i)\bin[- ]session\b|\bthis session\b|\btoday\b|\bduring (?:the )?session\b|"
                         r"\bwith (?:writer|therapist|clinician|me)\b")
_DONE_IN_SESSION = re.compile(r"(?i)\bin[- ]session\b|\bthis session\b|\btoday\b|^[\W_]*\w+ed\b")
# A client telling how they used a skill since last time ("reports using DEAR MAN with roommate") is not the
# session's intervention.
_CLIENT_REPORT = re.compile(
    r"(?i)\b(?:report\w*|states?|stated|says|said|notes?|noted|describes?|described|c/o)\b[^.;\n]*(?:\b(?:using|"
    r"used|use of|uses|with|tried|trying|practicing|practiced|doing|did|from|since)\b|\bw/)"
)
_HISTORY_BEFORE = re.compile(
    r"(?i)\b(?:previous(?:ly)?|prior|in the past|history of|hx of|past (?:course|trial|treatment)|years ago|"
    r"as a (?:child|teen)|(?:has|had|have|previously) (?:\w+ )?tried|completed a course)\b"
)
_HISTORY_AFTER = re.compile(
    r"(?i)\b(?:with (?:another|a previous|a prior|her previous|his previous|their previous|prior|a former) "
    r"(?:provider|therapist|clinician|counselor)|in the past|years ago|previously|in (?:19|20)\d\d|"
    r"as a (?:child|teen))\b"
)
_FIRST_SENTENCE = re.compile(r"[^.;\n]*")
_DONE_PHRASE = re.compile(r"\s\w+ed$")  # "safety plan completed": done, even when written under the plan
_RISK_NONE = re.compile(r"(?i)^\W*(?:none|none reported|none endorsed|denied|denies|negative|neg|no|low)\b")


@dataclass(frozen=True)
class ElementCheck:
    """One rulebook element in one note: present or not, with the evidence when present (None when missing), and
    which reader found it: "rules" (the word lists) or "model" (the sentence model, when the rules did not)."""

    element: str
    present: bool
    evidence: Evidence | None
    found_by: str | None = None


@dataclass(frozen=True)
class NoteCheck:
    """A note against the rulebook.

    - `elements`: every rulebook element, in the rulebook's order, present or missing.
    - `required_elements`: what the CPT code requires (empty for a code the rulebook does not list).
    - `missing_elements`: the required ones that are missing, in the rulebook's order.
    - `length_fits_cpt`: whether the session's minutes fall in the code's range (floored to whole minutes);
      None when the minutes are unknown or the code has no range (90791, 90853, or not in the rulebook).
    - `passes_rulebook`: every required element present; None for a code the rulebook does not list.
      The session length is not part of it: kpis.md defines a passing note by its elements ("A note passes
      when every element its CPT code requires is present"), and the length is the Encounter's, which the
      note's author cannot fix in the text; it is reported on its own (`length_fits_cpt`), and a claim needs
      both (`claim_ready`).
    - `treatment_plan_review`: the evidence of a treatment-plan review in this session, or None
      (`plan_review.find_treatment_plan_review`).
    """

    cpt: str
    minutes: float | None
    elements: tuple[ElementCheck, ...]
    required_elements: tuple[str, ...]
    missing_elements: tuple[str, ...]
    length_fits_cpt: bool | None
    passes_rulebook: bool | None
    treatment_plan_review: Evidence | None = None

    @property
    def reviews_treatment_plan(self) -> bool:
        """The note documents a treatment-plan review in its own session (not a rulebook element: payers
        that require a review interval read it; see plan_review)."""
        return self.treatment_plan_review is not None

    def has(self, element: str) -> bool:
        return self.element(element).present

    def element(self, element: str) -> ElementCheck:
        return self.elements[ELEMENTS.index(element)]

    @property
    def present_elements(self) -> tuple[str, ...]:
        return tuple(check.element for check in self.elements if check.present)

    @property
    def claim_ready(self) -> bool | None:
        """The note passes and the length fits (a code without a range fits any length); None when either is
        unknown."""
        if self.passes_rulebook is None:
            return None
        rule = cpt_rule(self.cpt)
        if rule is not None and rule.has_length_rule and self.length_fits_cpt is None:
            return None
        return self.passes_rulebook and self.length_fits_cpt is not False


# ---------------------------------------------------------------------------------------------------
# Finding the cues
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cue:
    element: str
    start: int
    end: int
    match: re.Match[str]
    label: bool  # a section label; its evidence runs to `content_end`
    content_start: int = 0
    content_end: int = 0


class _Note:
    """One note's text with its clause boundaries, looked up by position."""

    __slots__ = ("text", "lower", "_ends", "_starts", "_clause_starts", "plan_contents")

    def __init__(self, text: str) -> None:
        self.text = text
        lower = text.lower()
        if len(lower) != len(text):  # a few characters lowercase to two ("İ"): keep those as written
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        self.lower = lower
        self._clause_starts: tuple[int, ...] | None = None
        self.plan_contents: list[tuple[int, int]] = []  # the content spans of "Plan" labels
        breaks = list(_CLAUSE_BREAK.finditer(text))
        self._ends = [m.start() for m in breaks]  # where a clause stops
        self._starts = [m.end() for m in breaks]  # where the next one begins

    def clause(self, position: int) -> tuple[int, int]:
        """[start, end) of the clause holding `position`."""
        i = bisect_right(self._starts, position)
        start = self._starts[i - 1] if i else 0
        j = bisect_left(self._ends, position)
        end = self._ends[j] if j < len(self._ends) else len(self.text)
        return start, max(end, position)

    def clause_starts(self) -> tuple[int, ...]:
        """Where a label or a clause may start: the note's start, after a line break, ".", ";", ": ", two
        spaces or a tab."""
        if self._clause_starts is None:
            self._clause_starts = (0, *(m.end() for m in _LABEL_START.finditer(self.lower)))
        return self._clause_starts

    def in_plan_content(self, position: int) -> bool:
        return any(start <= position < end for start, end in self.plan_contents)

    def line_end(self, position: int) -> int:
        end = self.text.find("\n", position)
        return len(self.text) if end < 0 else end


def _label_cues(note: _Note) -> list[_Cue]:
    text = note.lower
    matches = []
    after = 0
    for at in note.clause_starts():
        if at < after:
            continue
        m = _LABEL.match(text, at)
        if m is not None:
            matches.append(m)
            after = m.end()
    found = []
    for i, m in enumerate(matches):
        element = next(e for e in _FOUND if m.group(e) is not None)
        line_end = note.line_end(m.end())
        if m.group("colon") is not None and text[m.end():line_end].strip(" \t*"):
            # Up to the next label on the same line ("Session start: ____  Session end: ____").
            following = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            content_start, content_end = m.end(), min(line_end, following)
        else:  # a heading: its content is the next non-empty line, unless that is a label too
            nxt = line_end + 1
            while nxt < len(text) and text[nxt] in "\n \t":
                nxt += 1
            content_start = content_end = len(text)
            if nxt < len(text) and not _LABEL.match(text, nxt) and not _ANY_LABEL_LINE.match(text, nxt):
                content_start, content_end = nxt, note.line_end(nxt)
        end = m.end() if text[m.end(element):m.end()].strip(" \t*_") else m.end(element)  # with its colon
        found.append(_Cue(element, m.start(element), end, m, True, content_start, content_end))
        if element == "plan" and _PLAN_LABEL_CHECKED.fullmatch(text, m.start(element), end):
            note.plan_contents.append((content_start, content_end))
    return found


def _all_cues(note: _Note) -> list[_Cue]:
    found = _label_cues(note)
    lower = note.lower
    for element, patterns in _CUES:
        for pattern, lowered in patterns:
            found.extend(_Cue(element, m.start(), m.end(), m, False)
                         for m in pattern.finditer(lower if lowered else note.text) if m.end() > m.start())
    found.extend(_Cue(m.lastgroup, m.start(), m.end(), m, False) for m in _CASED.finditer(note.text))
    for at in note.clause_starts():
        for element, pattern in _CLAUSE_START_CUES:
            m = pattern.match(lower, at)
            if m is not None and m.end() > at:
                found.append(_Cue(element, m.start(), m.end(), m, False))
    for element, pattern in _DIGIT_CUES:
        covered = 0
        for run in _DIGIT_RUN.finditer(lower):
            at = run.start()
            if at < covered or (at and lower[at - 1] in ".:/"):
                continue
            m = pattern.match(lower, at)
            if m is not None and m.end() > at:
                found.append(_Cue(element, at, m.end(), m, False))
                covered = m.end()
    found.sort(key=lambda c: (c.start, c.start - c.end))
    # A cue inside a longer cue of another element belongs to that one; a cue inside a label is the label's
    # (its content decides: "Plan: " on an empty form is no plan).
    kept: list[_Cue] = []
    for cue in found:
        if any(o.start <= cue.start and cue.end <= o.end and (
                (o.label and not cue.label) or
                (cue.element not in _NEVER_INSIDE and _FAMILY[o.element] != _FAMILY[cue.element]
                 and (o.end - o.start) > (cue.end - cue.start)))
               for o in kept[-6:]):
            continue
        kept.append(cue)
    return kept


# ---------------------------------------------------------------------------------------------------
# Keeping or dropping a cue
# ---------------------------------------------------------------------------------------------------


_VETO_REACH = 90  # the longest look-alike spans some 80 characters ("SI ... without plan")


def _vetoed(note: _Note, cue: _Cue) -> bool:
    pattern = _VETOES.get(cue.element)
    if pattern is None:
        return False
    # Look-alikes are local: search around the cue only.
    for m in pattern.finditer(note.lower, max(0, cue.start - _VETO_REACH), cue.end + _VETO_REACH):
        if m.start() < cue.end and cue.start < m.end():
            return True
    return False


def _box_verdict(note: _Note, cue: _Cue, next_other_start: int) -> bool | None:
    """True/False when a checkbox decides the cue (ticked/empty), None when there is none next to it.

    A field whose boxes follow it ("SI [ ] Yes [X] No", "Suicidal ideation: ☐ Present ☒ Absent") is answered
    when any of its boxes is ticked; an option ("[x] Denies SI", "☐ CBT") counts when its own box is ticked."""
    text = note.text
    line_start = text.rfind("\n", 0, cue.start) + 1
    own = _OWN_BOX.search(text, max(line_start, cue.start - 6), cue.start)
    if own is not None:
        return _CHECKED.match(own.group("box")) is not None
    segment = text[cue.end:min(note.line_end(cue.end), next_other_start)]
    if _BOX_RIGHT_AFTER.match(segment):
        return _CHECKED.search(segment) is not None
    before = _OPTION_BOX.search(text, max(line_start, cue.start - 25), cue.start)
    if before is not None:
        return _CHECKED.match(before.group("box")) is not None
    first = _BOX.search(segment)
    if first is None or first.start() > 30:
        return None
    return _CHECKED.search(segment) is not None


def _group(m: re.Match[str], name: str) -> str | None:
    """A named group's text; None when it did not take part or the pattern has no such group."""
    return m.group(name) if name in m.re.groupindex else None


def _clock_minutes(hour: str, minute: str | None, half: str | None) -> tuple[int, str | None]:
    h = int(hour)
    ap = half[0].lower() if half else None
    if ap == "p" and h < 12:
        h += 12
    elif ap == "a" and h == 12:
        h = 0
    return h * 60 + int(minute or 0), ap


def _time_range_fits(m: re.Match[str]) -> bool:
    h1, m1, a1, h2, m2, a2 = (m.group(g) for g in ("h1", "m1", "a1", "h2", "m2", "a2"))
    if not ((m1 or a1 or a2) and (m2 or a2)):
        return False  # "3-4 panic attacks", "ages 13-17"
    end, _ = _clock_minutes(h2, m2, a2)
    start, _ = _clock_minutes(h1, m1, a1 or a2)
    if a2 and not a1 and start > end:  # "11:30-12:20 PM": the start is in the morning
        start, _ = _clock_minutes(h1, m1, "a")
    if end <= start:
        end += 12 * 60 if not (a1 or a2) else 24 * 60
    return 10 <= end - start <= 300


def _time_kept(note: _Note, cue: _Cue, clause: tuple[int, int]) -> bool:
    m, text = cue.match, note.text
    cs, ce = clause
    clause_text = text[cs:ce]
    if _group(m, "h1") is not None or _group(m, "mh1") is not None:
        if _group(m, "h1") is not None:
            if not _time_range_fits(m):
                return False
        else:
            start = int(m.group("mh1")) * 60 + int(m.group("mm1"))
            end = int(m.group("mh2")) * 60 + int(m.group("mm2"))
            if not 10 <= end - start <= 300:
                return False
            if m.group("mh1") in ("19", "20") and m.group("mh2") in ("19", "20", "21") and \
                    not _TIME_SESSION_WORD.search(clause_text) and clause_text.strip(" .\t") != m.group().strip():
                return False  # "2019-2021" is years
        return not (_TIME_NOT_SESSION.search(clause_text) and not _TIME_SESSION_WORD.search(clause_text))
    if _group(m, "n") is not None:
        value = float(m.group("n")) * (60 if m.group("u")[0].lower() == "h" else 1)
        if not 5 <= value <= 300:
            return False
        after = text[cue.end:cue.end + 50]
        if _TIME_NOT_LENGTH_AFTER.match(after):
            return False
        if _TIME_ACTIVITY.search(clause_text) and not _TIME_SESSION_WORD.search(clause_text):
            return False  # "panic attacks lasting 20 minutes", "walks 30 minutes daily"
        if _TIME_BEFORE.search(text, max(cs, cue.start - 40), cue.start) or _TIME_AFTER.match(after):
            return True
        if _LABEL_PREFIX.match(text[cs:cue.start]) and _TIME_ALONE_AFTER.match(text[cue.end:ce]):
            return True
        # No session word next to it: a length of 10 minutes or more in a clause not about an activity or a
        # symptom ("with mother and grandmother, 50 minutes").
        return value >= 10 and not _TIME_ACTIVITY.search(clause_text)
    if _group(m, "fh1") is not None:
        # "from 9 to 10": a session's hours when the clause says so and no score is about.
        minutes = (int(m.group("fh2")) - int(m.group("fh1"))) % 12 * 60
        return 30 <= minutes <= 180 and bool(_TIME_SESSION_WORD.search(clause_text)) and \
            not _SCORE_WORDS.search(clause_text)
    return True  # start/stop clock times, "total minutes: 40", "one-hour session"


def _necessity_score_kept(cue: _Cue) -> bool:
    m = cue.match
    if _group(m, "scale") is None:
        return True
    scale = re.sub(r"[^A-Z0-9]", "", m.group("scale").upper())
    if scale not in cues.SCALE_CUTOFFS:
        return False
    band = m.group("band").strip(" (").lower()
    return int(m.group("score")) >= cues.SCALE_CUTOFFS[scale] and not band


def _label_kept(note: _Note, cue: _Cue) -> bool:
    raw = note.text[cue.content_start:cue.content_end]
    content = raw.strip(" \t*_#")
    if not content or _BLANK_AFTER.match(raw):
        return False
    if cue.element in ("risk_s", "risk_h") and _RISK_NONE.match(content):
        return True  # "SI/HI: none", "HI: denied" answer the question
    first = _FIRST_SENTENCE.match(content).group()
    if _PLACEHOLDER.match(first) or _DOC_NEG_AFTER.match(raw):
        return False
    if _BOX.search(content):
        return _CHECKED.search(content) is not None
    if cue.element == "time" and not re.search(r"\d", content):
        return False
    if cue.element == "necessity" and _DIAGNOSIS_ONLY.match(content):
        return False  # "Medical Necessity: meets criteria for F41.1": a diagnosis alone is not necessity
    if cue.element == "plan" and _AS_NEEDED.search(content) and not re.search(r"\d", content):
        return False  # "Plan: f/u PRN" sets no next session
    if cue.element == "plan" and _PLAN_LABEL_CHECKED.fullmatch(note.lower, cue.start, cue.end):
        # "Plan: Continued exposure in session; client tolerated it" reports the session, it plans nothing.
        return _PLAN_CONTENT.match(content) is not None or _PLAN_ANY.search(note.lower, cue.content_start,
                                                                             cue.content_end) is not None
    return True


def _kept(note: _Note, cue: _Cue, previous_other_end: int, next_other_start: int) -> bool:
    text = note.text
    if _vetoed(note, cue):
        return False
    if cue.label:
        return _label_kept(note, cue)
    box = _box_verdict(note, cue, next_other_start)
    if box is not None:
        return box
    if _BLANK_AFTER.match(text, cue.end):
        return False
    clause = note.clause(cue.start)
    cs, ce = clause
    left, right = max(cs, previous_other_end), min(max(ce, cue.end), next_other_start)
    if _DOC_NEG_BEFORE.search(text, left, cue.start) or _DOC_NEG_AFTER.match(text[cue.end:max(right, cue.end)]):
        return False
    element = cue.element
    if element in cues.CLINICAL_NEGATION_ELEMENTS and _CLINICAL_NEG_BEFORE.search(text, max(left, cue.start - 40),
                                                                                    cue.start):
        return False
    if element == "time":
        return _time_kept(note, cue, clause)
    if element == "necessity":
        return _necessity_score_kept(cue)
    if element == "participants" and _PARTICIPANTS_VERB.fullmatch(cue.match.group()):
        # A bare "present"/"attended" says who came when a person is named shortly before it ("mother and client
        # present", "client attended in person"), or as "were present for the session".
        return bool(_PARTICIPANTS_BEFORE_VERB.search(note.lower, max(cs, cue.start - 80), cue.start)) or \
            bool(_PARTICIPANTS_AFTER_VERB.match(note.lower, cue.end)) and cue.match.group().startswith("w")
    if element == "plan" and _group(cue.match, "cont") is not None:
        # "Continue weekly", "Next wk": a plan when it starts its clause (after a label at most).
        return _CLAUSE_START_PREFIX.fullmatch(note.lower, cs, cue.start) is not None
    if element == "intervention":
        before = text[cs:cue.start]
        done = _DONE_PHRASE.search(cue.match.group()) is not None
        if not done and (_PLAN_CONTEXT.search(before) or _SESSIONS_PLANNED.search(text, cs, ce)):
            return False
        if _CLIENT_REPORT.search(before):
            return False
        if _CLIENT_DID.search(before) and not _IN_SESSION.search(text, cs, ce):
            return False  # "Pt did 3 of 4 exposures": between-session practice
        if not done and note.in_plan_content(cue.start) and not _DONE_IN_SESSION.search(text, cs, ce):
            return False  # under a "Plan" heading: what is to come
        if _HISTORY_BEFORE.search(before) or _HISTORY_AFTER.search(text, cue.end, min(ce, cue.end + 60)):
            return False
    if element == "response" and _HISTORY_BEFORE.search(text, cs, cue.start):
        return False  # how a past course of therapy went
    return True


def _evidence(note: _Note, cue: _Cue) -> Evidence:
    text = note.text
    if cue.label:
        start, end = cue.match.start(), max(cue.content_end, cue.end)
    else:
        cs, ce = note.clause(cue.start)
        start, end = min(cs, cue.start), max(ce, cue.end)
    while start < end and text[start] in " \t\n*#-•>_":
        start += 1
    while end > start and text[end - 1] in " \t\n*_":
        end -= 1
    return Evidence(start, end, text[start:end])


# ---------------------------------------------------------------------------------------------------
# The check
# ---------------------------------------------------------------------------------------------------


def find_elements(text: str) -> dict[str, Evidence]:
    """The rulebook elements the note states, each with the evidence of its first kept cue (for risk: of its
    suicidal and its homicidal ideation answers, which the rulebook both asks for)."""
    note = _Note(text or "")
    found = _all_cues(note)
    evidence: dict[str, Evidence] = {}
    n = len(found)
    for i, cue in enumerate(found):
        if cue.element in evidence:
            continue
        previous_other_end = 0
        for j in range(i - 1, -1, -1):
            if found[j].element != cue.element and found[j].end <= cue.start:
                previous_other_end = found[j].end
                break
        next_other_start = len(text)
        for j in range(i + 1, n):
            if found[j].start >= cue.end and found[j].element != cue.element:
                next_other_start = found[j].start
                break
        if _kept(note, cue, previous_other_end, next_other_start):
            evidence[cue.element] = _evidence(note, cue)
            if cue.element == "risk_s" and _BOTH_RISKS.search(note.lower, cue.start, max(cue.end, cue.content_end)):
                evidence.setdefault("risk_h", evidence["risk_s"])  # "SI/HI: denied" answers both
    suicide, homicide = evidence.pop("risk_s", None), evidence.pop("risk_h", None)
    if suicide is not None and homicide is not None:
        evidence["risk"] = _merged(note, suicide, homicide)
    return {element: evidence[element] for element in ELEMENTS if element in evidence}


def _merged(note: _Note, first: Evidence, second: Evidence) -> Evidence:
    """Both answers of the risk question as one evidence: from the first to the second, when close together."""
    start, end = min(first.start, second.start), max(first.end, second.end)
    if end - start > 300:
        return first if first.start <= second.start else second
    return Evidence(start, end, note.text[start:end])


DEFAULT_MODEL = "default"  # check_note's model: the sentence model trained on the shipped labelled notes


def check_notes(notes: Sequence[tuple[str, str, float | None]],
                model: SentenceModel | str | None = DEFAULT_MODEL) -> list[NoteCheck]:
    """check_note for many (text, cpt, minutes) notes at once: the sentence model reads all their sentences in
    one pass, which is what makes it affordable on a practice's notes."""
    texts = [text or "" for text, _, _ in notes]
    if model == DEFAULT_MODEL:
        model = default_model()
    learned = model.find(texts) if model is not None else [{}] * len(texts)
    return [_check(text, cpt, minutes, extra) for text, (_, cpt, minutes), extra in zip(texts, notes, learned,
                                                                                          strict=True)]


def check_note(text: str, cpt: str, minutes: float | None,
               model: SentenceModel | str | None = DEFAULT_MODEL) -> NoteCheck:
    """The note against the rulebook of kpis.md: every element present or missing with its evidence, the
    elements `cpt` requires and which of them are missing, whether `minutes` fits the code, and whether the
    note passes (see NoteCheck: passing is about the elements only).

    An element is present when the word lists find it, or, for the open-ended elements
    (`sentences.LEARNED_ELEMENTS`), when the sentence model does; `model=None` reads with the word lists only.
    """
    return check_notes([(text, cpt, minutes)], model)[0]


def _check(text: str, cpt: str, minutes: float | None, learned: dict[str, Evidence]) -> NoteCheck:
    evidence = find_elements(text)
    found_by = {element: "rules" for element in evidence}
    for element, sentence in learned.items():
        if element not in evidence:
            evidence[element], found_by[element] = sentence, "model"
    elements = tuple(ElementCheck(e, e in evidence, evidence.get(e), found_by.get(e)) for e in ELEMENTS)
    rule = cpt_rule(cpt)
    required = rule.requires if rule is not None else ()
    missing = tuple(e for e in required if e not in evidence)
    return NoteCheck(
        cpt=cpt,
        minutes=minutes,
        elements=elements,
        required_elements=required,
        missing_elements=missing,
        length_fits_cpt=rule.length_fits(minutes) if rule is not None else None,
        passes_rulebook=(not missing) if rule is not None else None,
        treatment_plan_review=find_treatment_plan_review(text),
    )
