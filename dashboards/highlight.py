"""The documentation co-pilot's pure pieces: a note as HTML with the checker's evidence marked element by element
(`highlight_html`, `legend_html`), and the checklist of a NoteCheck (`checklist`, `length_verdict`). The page
only renders what these return.

The note is the clinician's own text: every character of it is escaped (`html.escape`) before it reaches
st.markdown(unsafe_allow_html=True), so the only HTML on the page is the marks written here. The whole note is
put on one line (its line breaks as <br>) inside one <div>, because Markdown reads the inside of an HTML block as
raw HTML only up to the first blank line: a note's "**Plan**" or "- item" stays as typed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.documentation.checker import NoteCheck
from models.documentation.rulebook import ELEMENT_DEFINITIONS, ELEMENTS, cpt_rule

# One colour per rulebook element: light enough for black text on both Streamlit themes.
ELEMENT_COLOURS: dict[str, str] = {
    "time": "#fde68a",
    "risk": "#fca5a5",
    "mental_status": "#bfdbfe",
    "intervention": "#bbf7d0",
    "response": "#ddd6fe",
    "plan": "#fed7aa",
    "necessity": "#fbcfe8",
    "participants": "#a5f3fc",
}
ELEMENT_LABELS: dict[str, str] = {
    "time": "Time",
    "risk": "Risk",
    "mental_status": "Mental status",
    "intervention": "Intervention",
    "response": "Response",
    "plan": "Plan",
    "necessity": "Necessity",
    "participants": "Participants",
}
_MARK_STYLE = "background: {background}; color: #111827; border-radius: 3px; padding: 0 1px"
_NOTE_STYLE = "white-space: pre-wrap; line-height: 1.8; font-family: inherit"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")
_EVIDENCE_CHARS = 90


@dataclass(frozen=True)
class Span:
    """Where the note states an element: text[start:end]."""

    element: str
    start: int
    end: int


def evidence_spans(check: NoteCheck) -> list[Span]:
    """The evidence of every element the checker found: the ones the CPT code requires first, each group in the
    rulebook's order, so that where two overlap the mark takes the colour of the one the code asks for."""
    spans = [Span(e.element, e.evidence.start, e.evidence.end) for e in check.elements
             if e.present and e.evidence is not None]
    return sorted(spans, key=lambda span: span.element not in check.required_elements)


def _escape(text: str) -> str:
    # "$" would start LaTeX in Streamlit's Markdown; line breaks become <br> so the block stays on one line.
    escaped = html.escape(text, quote=True).replace("$", "&#36;")
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def _mark(content: str, elements: Sequence[str], colours: Mapping[str, str], labels: Mapping[str, str]) -> str:
    """A mark in the first element's colour; each further element adds an underline of its own colour, so a
    sentence that is the evidence of two elements shows both."""
    style = _MARK_STYLE.format(background=colours[elements[0]])
    if len(elements) > 1:
        style += "; box-shadow: " + ", ".join(f"inset 0 -{3 * i}px 0 {colours[e]}"
                                             for i, e in enumerate(elements[1:], start=1))
    title = html.escape(", ".join(labels.get(e, e) for e in elements), quote=True)
    return f'<mark style="{style}" title="{title}">{content}</mark>'


def highlight_html(text: str, spans: Sequence[Span], colours: Mapping[str, str] = ELEMENT_COLOURS,
                   labels: Mapping[str, str] = ELEMENT_LABELS) -> str:
    """The note as one HTML <div>, every character escaped, each evidence span inside a <mark> of its element's
    colour. Overlapping spans are cut at their boundaries: a piece inside several spans gets one mark naming all
    of them (in the order of `spans`). Spans outside the text are clipped; empty ones are dropped."""
    size = len(text)
    kept = [Span(s.element, max(0, s.start), min(size, s.end)) for s in spans]
    kept = [s for s in kept if s.start < s.end]
    cuts = sorted({0, size, *(s.start for s in kept), *(s.end for s in kept)})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        inside = list(dict.fromkeys(s.element for s in kept if s.start <= start and end <= s.end))
        content = _escape(text[start:end])
        pieces.append(_mark(content, inside, colours, labels) if inside else content)
    return f'<div style="{_NOTE_STYLE}">{"".join(pieces)}</div>'


def legend_html(elements: Sequence[str] = ELEMENTS, colours: Mapping[str, str] = ELEMENT_COLOURS,
                labels: Mapping[str, str] = ELEMENT_LABELS) -> str:
    """One mark per element in its colour, its name inside, on one line."""
    marks = [f'<mark style="{_MARK_STYLE.format(background=colours[e])}">{html.escape(labels.get(e, e))}</mark>'
             for e in elements]
    return f'<div style="line-height: 2">{" ".join(marks)}</div>'


def markdown_text(text: str) -> str:
    """Plain text for st.markdown and its kin: Markdown's and Streamlit's special characters escaped, so a
    quoted "**Plan**" or ":red[...]" reads as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def shortened(text: str, limit: int = _EVIDENCE_CHARS) -> str:
    """The text on one line, cut at a word to at most `limit` characters (with an ellipsis)."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit - 1].rsplit(" ", 1)[0] if " " in flat[:limit - 1] else flat[:limit - 1]
    return cut + "…"


@dataclass(frozen=True)
class ChecklistItem:
    """One rulebook element in the checklist: whether the CPT code requires it, whether the note has it, the
    evidence (one line, shortened) and who found it ("rules" or "model")."""

    element: str
    label: str
    required: bool
    present: bool
    evidence: str | None
    found_by: str | None
    definition: str


def checklist(check: NoteCheck) -> list[ChecklistItem]:
    """Every rulebook element, the ones the CPT code requires first (each group in the rulebook's order)."""
    items = [ChecklistItem(e.element, ELEMENT_LABELS.get(e.element, e.element), e.element in check.required_elements,
                           e.present, shortened(e.evidence.text) if e.evidence is not None else None, e.found_by,
                           ELEMENT_DEFINITIONS.get(e.element, ""))
             for e in check.elements]
    return [i for i in items if i.required] + [i for i in items if not i.required]


def length_verdict(cpt: str, minutes: float | None) -> tuple[bool | None, str]:
    """Whether a session of `minutes` fits the code (None: the code has no minutes, or they are unknown), and a
    sentence saying so with the code's range."""
    rule = cpt_rule(cpt)
    if rule is None:
        return None, f"{cpt} is not in the rulebook."
    if not rule.has_length_rule:
        return None, f"{rule.cpt} ({rule.description}) has no length rule."
    if rule.max_minutes is None:
        allowed = f"{rule.min_minutes}+ minutes"
    elif rule.min_minutes is None:
        allowed = f"up to {rule.max_minutes} minutes"
    else:
        allowed = f"{rule.min_minutes}–{rule.max_minutes} minutes"
    fits = rule.length_fits(minutes)
    if fits is None:
        return None, f"{rule.cpt} allows {allowed}; the session's length is not known."
    shown = f"{minutes:g}"
    if fits:
        return True, f"{shown} minutes fits {rule.cpt} ({allowed})."
    return False, f"{shown} minutes does not fit {rule.cpt}, which allows {allowed}."
