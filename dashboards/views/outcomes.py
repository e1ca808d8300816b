"""Outcomes (clinicians, leadership): measurement-based care on PHQ-9 or GAD-7, reliable improvement, response
and remission with the share measurable, for the whole practice, by clinician, by diagnosis group and by age group.
Groups of fewer than 11 patients are shown as suppressed, never as a number."""

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboards.common import require_access, require_warehouse
from dashboards.definitions import DEFINITIONS
from dashboards.formatting import percent
from dashboards.data import outcomes_clinicians, outcomes_groups

RATES = {"reliable_improvement_rate": "reliable improvement", "response_rate": "response",
         "remission_rate": "remission"}

viewer = require_access("outcomes")
st.title("Outcomes")
path, mtime = require_warehouse(viewer)
groups = outcomes_groups(path, mtime, viewer.own_npi)
clinicians = outcomes_clinicians(path, mtime, viewer.own_npi)
if groups.empty:
    st.info("No patient with a completed session in the warehouse yet.")
    st.stop()

instrument = st.radio("Instrument", sorted(groups["instrument"].unique(), reverse=True), horizontal=True,
                      help="PHQ-9 measures depression (reliable change: 6 points), GAD-7 anxiety (4 points).")
groups = groups[groups["instrument"] == instrument]
clinicians = clinicians[clinicians["instrument"] == instrument]
practice = groups[groups["dimension"] == "all"].iloc[0]

st.subheader(f"{instrument}, every patient {'of yours ' if viewer.own_npi else ''}with a completed session")
if practice["is_suppressed"]:
    st.info("Fewer than 11 patients: suppressed (the CMS cell-size rule).")
else:
    one, two, three, four, five = st.columns(5)
    one.metric("Patients seen", f"{int(practice['patients_seen']):,}", help=DEFINITIONS["share_measurable"])
    two.metric("Share measurable", percent(practice["share_measurable"]), help=DEFINITIONS["share_measurable"])
    three.metric("Reliable improvement", percent(practice["reliable_improvement_rate"]),
                 help=DEFINITIONS["reliable_improvement_rate"])
    four.metric("Response", percent(practice["response_rate"]), help=DEFINITIONS["response_rate"])
    five.metric("Remission", percent(practice["remission_rate"]), help=DEFINITIONS["remission_rate"])


def table(rows: pd.DataFrame, name_column: str, name_label: str, name_help: str) -> None:
    """The rows' measures with suppressed groups spelled out, and a bar chart of the groups shown."""
    shown = rows.assign(patients=rows["patients_seen"].map(lambda n: "" if pd.isna(n) else f"{int(n):,}"))
    shown.loc[rows["is_suppressed"], "patients"] = "suppressed (< 11)"
    columns = {
        name_column: st.column_config.TextColumn(name_label, help=name_help),
        "patients": st.column_config.TextColumn("patients seen", help=DEFINITIONS["suppressed"]),
        "share_measurable": st.column_config.NumberColumn("share measurable", format="percent",
                                                          help=DEFINITIONS["share_measurable"]),
        **{rate: st.column_config.ProgressColumn(label, format="percent", min_value=0.0, max_value=1.0,
                                                 help=DEFINITIONS[rate]) for rate, label in RATES.items()},
    }
    st.dataframe(shown[list(columns)], column_config=columns, hide_index=True, width="stretch")
    suppressed = int(rows["is_suppressed"].sum())
    st.caption(f"{len(rows) - suppressed} shown, {suppressed} suppressed: fewer than 11 patients.")
    visible = rows[~rows["is_suppressed"]]
    if len(visible):
        bars = visible.melt(id_vars=[name_column, "patients_seen", "share_measurable"], value_vars=list(RATES),
                            var_name="measure", value_name="rate")
        bars["measure"] = bars["measure"].map(RATES)
        figure = px.bar(bars, x=name_column, y="rate", color="measure", barmode="group",
                        title=f"{instrument} outcomes by {name_label} (groups of 11 patients or more)",
                        labels={name_column: name_label, "rate": "rate (of measurable patients)", "measure": "",
                                "patients_seen": "patients seen", "share_measurable": "share measurable"},
                        hover_data={"rate": ":.1%", "patients_seen": ":,", "share_measurable": ":.1%"})
        figure.update_yaxes(tickformat=".0%")
        st.plotly_chart(figure, width="stretch")


by_clinician, by_diagnosis, by_age = st.tabs(["By clinician", "By diagnosis group", "By age group"])
with by_clinician:
    table(clinicians, "clinician_name", "clinician", "A patient belongs to the clinician who rendered their first "
                                                     "completed session.")
with by_diagnosis:
    table(groups[groups["dimension"] == "diagnosis group"], "patient_group", "diagnosis group",
          DEFINITIONS["diagnosis_group"])
with by_age:
    table(groups[groups["dimension"] == "age group"], "patient_group", "age group", DEFINITIONS["age_group"])
