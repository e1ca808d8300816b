"""The leadership question: which clinicians get the best outcomes with adolescent anxiety, are their notes
robust enough, and what is their wait time; sortable, with a drill-down to one clinician. Cells of fewer than
11 patients are shown as suppressed, never as a number."""

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboards import data
from dashboards.common import require_access, require_warehouse
from dashboards.definitions import DEFINITIONS
from dashboards.formatting import days, percent

viewer = require_access("leadership")
st.title("The leadership question")
st.markdown("Adolescents (13–17 at their first session) with an anxiety disorder (F40, F41, F93.0), per clinician.")
path, mtime = require_warehouse(viewer)
table = data.leadership(path, mtime)
if table.empty:
    st.info("No adolescent patient with an anxiety disorder in the warehouse.")
    st.stop()

shown = table.assign(
    patients=table["patients_seen"].map(lambda n: "suppressed" if pd.isna(n) else f"{int(n)}"),
)
shown.loc[table["is_suppressed"], "patients"] = "suppressed (< 11)"
columns = {
    "clinician_name": st.column_config.TextColumn("clinician"),
    "credential": st.column_config.TextColumn("credential"),
    "patients": st.column_config.TextColumn("patients seen", help=DEFINITIONS["suppressed"]),
    "gad7_reliable_improvement_rate": st.column_config.ProgressColumn(
        "GAD-7 reliable improvement", format="percent", min_value=0.0, max_value=1.0,
        help=DEFINITIONS["gad7_reliable_improvement_rate"]),
    "gad7_share_measurable": st.column_config.NumberColumn("share measurable", format="percent",
                                                           help=DEFINITIONS["gad7_share_measurable"]),
    "note_completeness": st.column_config.NumberColumn("notes passing the rulebook", format="percent",
                                                       help=DEFINITIONS["note_completeness"]),
    "initial_denial_rate": st.column_config.NumberColumn("initial denial rate", format="percent",
                                                         help=DEFINITIONS["initial_denial_rate"]),
    "wait_for_first_session_median_days": st.column_config.NumberColumn(
        "median wait for first session (days)", format="%.1f", help=DEFINITIONS["wait_for_first_session"]),
}
st.dataframe(shown[list(columns)], column_config=columns, hide_index=True, width="stretch")
suppressed = int(table["is_suppressed"].sum())
st.caption(f"{len(table) - suppressed} clinicians shown, {suppressed} suppressed: fewer than 11 such patients.")

visible = table[~table["is_suppressed"]]
if len(visible):
    figure = px.scatter(visible, x="wait_for_first_session_median_days", y="gad7_reliable_improvement_rate",
                        size="patients_seen", color="note_completeness", hover_name="clinician_name",
                        title="Outcomes against wait (bubble: patients seen; colour: notes passing the rulebook)",
                        labels={"wait_for_first_session_median_days": "median wait for first session (days)",
                                "gad7_reliable_improvement_rate": "GAD-7 reliable improvement",
                                "note_completeness": "notes passing"})
    figure.update_yaxes(tickformat=".0%")
    st.plotly_chart(figure, width="stretch")

    st.subheader("One clinician")
    name = st.selectbox("Clinician", visible["clinician_name"].tolist())
    row = visible[visible["clinician_name"] == name].iloc[0]
    a, b, c, d = st.columns(4)
    a.metric("Patients seen", f"{int(row['patients_seen'])}")
    b.metric("GAD-7 reliable improvement", percent(row["gad7_reliable_improvement_rate"]),
             help=DEFINITIONS["gad7_reliable_improvement_rate"])
    c.metric("Notes passing the rulebook", percent(row["note_completeness"]), help=DEFINITIONS["note_completeness"])
    d.metric("Median wait for first session", days(row["wait_for_first_session_median_days"]),
             help=DEFINITIONS["wait_for_first_session"])
    claims = data.clinician_claims(path, mtime, row["clinician_npi"])
    if len(claims):
        claims = claims.assign(initial_denial_rate=claims["first_pass_denials"] / claims["claims_adjudicated"])
        trend = px.line(claims, x="month_start", y="initial_denial_rate", markers=True,
                        title=f"{name}: initial denial rate of all their claims, by month",
                        labels={"month_start": "month", "initial_denial_rate": "initial denial rate"})
        trend.update_yaxes(tickformat=".0%")
        st.plotly_chart(trend, width="stretch")
