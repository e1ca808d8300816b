"""The documentation co-pilot (issue 7): the pure pieces of dashboards/highlight.py on hand-made notes (exact HTML,
the note's own markup escaped), and the page with Streamlit's AppTest on the small practice's built warehouse: the
checklist follows what the note says, and the unsigned notes are the warehouse's."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from dashboards.highlight import (
    Span,
    checklist,
    evidence_spans,
    highlight_html,
    legend_html,
    length_verdict,
    markdown_text,
    shortened,
)
from dashboards.data import practice_timezone
from models.documentation.checker import check_note
from dashboard_pages import no_errors, run_page

NOTE_STYLE = '<div style="white-space: pre-wrap; line-height: 1.8; font-family: inherit">'
MARK = '<mark style="background: {}; color: #111827; border-radius: 3px; padding: 0 1px'


# ---------------------------------------------------------------------------------------------------
# highlight.py
# ---------------------------------------------------------------------------------------------------


def test_the_evidence_is_marked_and_the_note_itself_is_escaped():
    text = 'SI: denied <script>alert("x")</script>\nPlan: RTC 1 wk'
    assert text[0:10] == "SI: denied" and text[39:53] == "Plan: RTC 1 wk"
    html = highlight_html(text, [Span("risk", 0, 10), Span("plan", 39, 53)], colours={"risk": "red", "plan": "orange"})
    assert html == (
        NOTE_STYLE
        + MARK.format("red") + '" title="Risk">SI: denied</mark>'
        + " &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>"
        + MARK.format("orange") + '" title="Plan">Plan: RTC 1 wk</mark>'
        + "</div>"
    )
    assert "<script>" not in html


def test_overlapping_evidence_is_cut_at_its_boundaries_and_names_every_element():
    html = highlight_html("abc def ghi", [Span("time", 0, 7), Span("plan", 4, 11)],
                          colours={"time": "yellow", "plan": "orange"})
    assert html == (
        NOTE_STYLE
        + MARK.format("yellow") + '" title="Time">abc </mark>'
        + MARK.format("yellow") + '; box-shadow: inset 0 -3px 0 orange" title="Time, Plan">def</mark>'
        + MARK.format("orange") + '" title="Plan"> ghi</mark>'
        + "</div>"
    )


def test_a_note_without_evidence_is_only_escaped_and_spans_outside_it_are_dropped():
    text = 'Copay "$20" & it\'s paid\r\nnext'
    html = highlight_html(text, [Span("time", 40, 50), Span("plan", 5, 5)])
    assert html == NOTE_STYLE + "Copay &quot;&#36;20&quot; &amp; it&#x27;s paid<br>next</div>"
    assert highlight_html("", []) == NOTE_STYLE + "</div>"
    # A span running past the end is clipped to the note.
    assert highlight_html("ab", [Span("time", 1, 9)], colours={"time": "y"}) == (
        NOTE_STYLE + "a" + MARK.format("y") + '" title="Time">b</mark></div>')


def test_the_legend_shows_each_element_in_its_colour():
    assert legend_html(["risk", "plan"], colours={"risk": "red", "plan": "orange"}) == (
        '<div style="line-height: 2">'
        + MARK.format("red") + '">Risk</mark> '
        + MARK.format("orange") + '">Plan</mark></div>'
    )


def test_text_quoted_in_markdown_reads_as_typed():
    assert markdown_text("**Plan**: f/u\n in 1 wk :red[x] $5") == r"\*\*Plan\*\*\: f/u in 1 wk \:red\[x\] \$5"
    assert shortened("one two three", limit=9) == "one two…"
    assert shortened("one\ntwo", limit=9) == "one two"


def test_the_length_verdict_quotes_the_codes_minutes():
    assert length_verdict("90834", 50) == (True, "50 minutes fits 90834 (38–52 minutes).")
    assert length_verdict("90834", 30) == (False, "30 minutes does not fit 90834, which allows 38–52 minutes.")
    assert length_verdict("90837", 60) == (True, "60 minutes fits 90837 (53+ minutes).")
    assert length_verdict("90853", 90) == (None, "90853 (group psychotherapy) has no length rule.")
    assert length_verdict("99999", 50) == (None, "99999 is not in the rulebook.")


def test_the_checklist_puts_the_required_elements_first_with_their_evidence():
    text = ("Session 9:00-9:50. Client denies SI and HI. Used CBT thought records; client engaged. "
            "Plan: continue weekly.")
    check = check_note(text, "90834", 50, model=None)
    items = checklist(check)
    assert [i.element for i in items] == ["time", "risk", "intervention", "response", "plan", "mental_status",
                                          "necessity", "participants"]
    assert [i.present for i in items if i.required] == [True] * 5
    risk = items[1]
    assert risk.evidence == "Client denies SI and HI" and risk.found_by == "rules" and risk.label == "Risk"


def test_the_evidence_of_the_required_elements_comes_first():
    text = "Client denies SI and HI, mood euthymic. 50 minutes."
    therapy = check_note(text, "90834", 50, model=None)
    assert [s.element for s in evidence_spans(therapy)] == ["time", "risk", "mental_status"]
    assert all(text[s.start:s.end] == therapy.element(s.element).evidence.text for s in evidence_spans(therapy))
    # A diagnostic evaluation asks for the mental status and not for the time.
    evaluation = check_note(text, "90791", 50, model=None)
    assert [s.element for s in evidence_spans(evaluation)] == ["risk", "mental_status", "time"]
    html = highlight_html(text, evidence_spans(evaluation))
    assert html.count("<mark") == 2 and 'title="Risk, Mental status">Client denies SI and HI, mood euthymic<' in html


# ---------------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------------


@pytest.fixture
def built(dashboard_warehouse):
    return dashboard_warehouse


def found(app: AppTest) -> list[str]:
    return [s.value for s in app.success]


def missing(app: AppTest) -> list[str]:
    return [e.value for e in app.error]


@pytest.mark.slow
def test_the_copilot_opens_on_a_sample_note_that_passes(built):
    app = run_page("copilot")
    no_errors(app, error_boxes=False)
    assert not app.error, missing(app)
    assert [t.value for t in app.title] == ["Documentation co-pilot"]
    assert app.selectbox(key="cpt").value == "90834"
    for label in ("Time", "Risk", "Intervention", "Response", "Plan", "Length"):
        assert any(s.startswith(f"**{label}**: ") for s in found(app)), (label, found(app))
    assert any("<mark" in m.value for m in app.markdown)


@pytest.mark.slow
def test_the_checklist_turns_green_as_the_risk_element_is_written(built):
    app = run_page("copilot")
    without = "Session 50 minutes. Used CBT thought records; client engaged. Plan: continue weekly."
    app.text_area(key="note").input(without).run()
    no_errors(app, error_boxes=False)
    assert any(e.startswith("**Risk** missing") for e in missing(app)), missing(app)
    assert not any(s.startswith("**Risk**") for s in found(app))
    assert any(e.startswith("4 of the 5 elements") for e in missing(app))

    with_risk = without.replace("minutes. ", "minutes. Client denies SI and HI. ")
    app.text_area(key="note").input(with_risk).run()
    no_errors(app, error_boxes=False)
    assert not app.error, missing(app)
    assert "**Risk**: “Client denies SI and HI”" in found(app)


@pytest.mark.slow
def test_the_length_and_the_note_are_checked_for_the_chosen_code_and_the_note_is_escaped(built):
    app = run_page("copilot")
    app.selectbox(key="cpt").set_value("90837").run()
    no_errors(app, error_boxes=False)
    assert "**Length**: 50 minutes does not fit 90837, which allows 53+ minutes." in missing(app)
    assert not any(e.startswith("**Necessity** missing") for e in missing(app))  # the sample states it
    app.text_area(key="note").input("Pt denies SI/HI. <script>alert(1)</script>").run()
    no_errors(app, error_boxes=False)
    marked = [m.value for m in app.markdown if "<mark" in m.value and "line-height: 1.8" in m.value]
    assert marked and "&lt;script&gt;alert(1)&lt;/script&gt;" in marked[0] and "<script>" not in marked[0]


@pytest.mark.slow
def test_the_unsigned_notes_are_the_warehouses_for_the_chosen_clinician(built):
    npi, unsigned = built.execute(
        "select clinician_npi, count(*) from marts.fct_sessions where is_completed and not has_final_note "
        "group by 1 order by 2 desc, 1 limit 1").fetchone()
    as_of = built.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0]
    as_of_end = datetime(as_of.year, as_of.month, as_of.day, 23, 59, 59, tzinfo=ZoneInfo(practice_timezone()))
    ends = [end for (end,) in built.execute(
        "select encounter_end_at from marts.fct_sessions where is_completed and not has_final_note "
        "and clinician_npi = ?", [npi]).fetchall()]
    assert None not in ends
    over = sum(as_of_end - end > timedelta(hours=72) for end in ends)

    app = run_page("copilot")
    app.selectbox(key="clinician").set_value(npi).run()
    no_errors(app, error_boxes=False)
    shown = {m.label: m.value for m in app.metric}
    assert shown["Unsigned notes"] == f"{unsigned:,}"
    assert shown["Over 72 hours"] == f"{over:,}"
    table = app.dataframe[0].value
    assert len(table) == unsigned and table["age_days"].is_monotonic_decreasing
