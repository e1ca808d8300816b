"""Documentation co-pilot (clinicians): a progress note checked against the documentation rulebook as it is
written, element by element, with the evidence marked in the note; below, the clinician's own unsigned notes
and how old they are."""

import streamlit as st

from dashboards import data
from dashboards.common import require_access, require_warehouse
from dashboards.definitions import DEFINITIONS
from dashboards.formatting import days
from dashboards.highlight import (
    checklist,
    evidence_spans,
    highlight_html,
    legend_html,
    length_verdict,
    markdown_text,
)
from models.documentation.checker import check_note
from models.documentation.rulebook import CPT_RULES

# A made-up note for the first screen: every element of a 90834 present, so the checklist starts green.
SAMPLE_NOTE = """Individual psychotherapy, telehealth. Session 2:05-2:55 PM.
Client attended alone from home.
S: Client reports constant worry about losing her job, sleeping 4-5 hours a night, and missing two shifts this \
week because of panic attacks.
O: Alert and oriented x3, casually groomed, speech normal in rate. Mood "on edge," affect anxious and congruent, \
thought process linear.
Risk: Denies suicidal ideation. Denies homicidal ideation.
Intervention: Cognitive restructuring of catastrophic predictions about work; practiced paced breathing in session.
Response: Client named two balanced thoughts and rated her anxiety down from 8/10 to 5/10; receptive to the \
breathing exercise.
Medical necessity: Panic attacks and insomnia are causing missed work; GAD-7 of 16 today.
Plan: Continue weekly CBT. Client to log worry episodes daily and bring the log to the next session."""
SAMPLE_CPT, SAMPLE_MINUTES = "90834", 50

viewer = require_access("copilot")
st.title("Documentation co-pilot")
path, mtime = require_warehouse(viewer)
st.caption("Write or paste a progress note: the checklist shows what the documentation rulebook (kpis.md) asks of "
           "a note of this CPT code, element by element, and the note below marks where it says each one.")

model = data.sentence_model()
# The widgets take their first values from the session state, which the sample button resets.
for key, first in (("note", SAMPLE_NOTE), ("cpt", SAMPLE_CPT), ("minutes", SAMPLE_MINUTES)):
    st.session_state.setdefault(key, first)


def _load_sample() -> None:
    st.session_state["note"] = SAMPLE_NOTE
    st.session_state["cpt"] = SAMPLE_CPT
    st.session_state["minutes"] = SAMPLE_MINUTES


writing, checking = st.columns([3, 2], gap="large")
with writing:
    code, length = st.columns(2)
    cpt = code.selectbox("CPT code", list(CPT_RULES), key="cpt",
                         format_func=lambda c: f"{c}: {CPT_RULES[c].description}")
    minutes = length.number_input("Session length (minutes)", min_value=0, max_value=600, step=1,
                                  key="minutes")
    note = st.text_area("Progress note", key="note", height=360,
                        placeholder="Type or paste the session's progress note here.")
    st.button("Load the sample note", on_click=_load_sample)

check = check_note(note, cpt, float(minutes), model=model)
items = checklist(check)
required = [item for item in items if item.required]

with checking:
    st.subheader(f"Checklist for {cpt}")
    found = sum(item.present for item in required)
    if check.passes_rulebook:
        st.success(f"All {len(required)} elements {cpt} requires are in the note.",
                   icon=":material/task_alt:")
    else:
        st.error(f"{found} of the {len(required)} elements {cpt} requires are in the note.",
                 icon=":material/pending_actions:")
    for item in required:
        if item.present:
            by = " (read by the sentence model)" if item.found_by == "model" else ""
            st.success(f"**{item.label}**: “{markdown_text(item.evidence or '')}”{by}", icon=":material/check:")
        else:
            st.error(f"**{item.label}** missing: {markdown_text(item.definition)}", icon=":material/close:")
    fits, sentence = length_verdict(cpt, float(minutes))
    if fits is None:
        st.info(f"**Length**: {sentence}", icon=":material/schedule:")
    elif fits:
        st.success(f"**Length**: {sentence}", icon=":material/check:")
    else:
        st.error(f"**Length**: {sentence}", icon=":material/close:")
    extra = [item.label for item in items if not item.required and item.present]
    absent = [item.label for item in items if not item.required and not item.present]
    st.caption(
        (f"Also in the note, not required for {cpt}: {', '.join(extra)}. " if extra else "")
        + (f"Not in the note and not required for {cpt}: {', '.join(absent)}. " if absent else "")
        + DEFINITIONS["documentation_rulebook"]
    )

st.subheader("Where the note says it")
spans = evidence_spans(check)
if spans:
    st.markdown(legend_html([item.element for item in items if item.present]), unsafe_allow_html=True)
    with st.container(border=True):
        st.markdown(highlight_html(note, spans), unsafe_allow_html=True)
else:
    st.info("No rulebook element found in the note yet.")

st.divider()
st.subheader("Unsigned notes")
clinicians = data.copilot_clinicians(path, mtime, viewer.own_npi)
if clinicians.empty:
    st.info("No clinicians in the warehouse yet.")
    st.stop()
names = dict(zip(clinicians["clinician_npi"], clinicians["clinician_name"].fillna(clinicians["clinician_npi"])
                 + clinicians["credential"].map(lambda c: f", {c}" if isinstance(c, str) and c else ""),
                 strict=True))
npi = st.selectbox("Clinician", list(names), format_func=names.get, key="clinician")
unsigned = data.copilot_unsigned_notes(path, mtime, npi)

a, b, c = st.columns(3)
a.metric("Unsigned notes", f"{len(unsigned):,}", help=DEFINITIONS["unsigned_notes"])
b.metric("Over 72 hours", f"{int(unsigned['is_over_72_hours'].sum()):,}",
         help=DEFINITIONS["unsigned_over_72_hours"])
c.metric("Oldest", days(unsigned["age_days"].max()) if len(unsigned) else "—",
         help=DEFINITIONS["unsigned_note_age"])
if unsigned.empty:
    st.success(f"{names[npi]} has no unsigned note.")
else:
    st.dataframe(
        unsigned[["session_start_local", "scheduled_start_local", "cpt_code", "patient_mrn", "appointment_id",
                  "session_minutes", "age_days", "is_over_72_hours"]],
        hide_index=True, width="stretch", column_config={
            "session_start_local": st.column_config.DatetimeColumn("session start", format="YYYY-MM-DD HH:mm",
                                                                   help="The Encounter's start, practice time."),
            "scheduled_start_local": st.column_config.DatetimeColumn("scheduled start", format="YYYY-MM-DD HH:mm",
                                                                     help="The appointment's start, practice time."),
            "cpt_code": st.column_config.TextColumn("CPT"),
            "patient_mrn": st.column_config.TextColumn("patient MRN"),
            "appointment_id": st.column_config.TextColumn("appointment"),
            "session_minutes": st.column_config.NumberColumn("minutes", format="%.0f"),
            "age_days": st.column_config.NumberColumn("age (days)", format="%.1f",
                                                      help=DEFINITIONS["unsigned_note_age"]),
            "is_over_72_hours": st.column_config.CheckboxColumn("over 72 h",
                                                                help=DEFINITIONS["unsigned_over_72_hours"]),
        })
    st.caption(f"Oldest first; ages as of the end of {unsigned['as_of_date'].iloc[0]:%Y-%m-%d}, the warehouse's "
               "as-of date.")
