"""Denials (billing, leadership): the initial denial rate by payer, CPT code, reason and clinician, month by
month; resubmission recovery; finally denied dollars; and the claims behind any number."""

import plotly.express as px
import streamlit as st

from dashboards import data
from dashboards.common import download_table, require_access, require_warehouse
from dashboards.definitions import DEFINITIONS
from dashboards.formatting import money, percent

viewer = require_access("denials")
st.title("Denials")
path, mtime = require_warehouse(viewer)
months = data.revenue_cycle_monthly(path, mtime)
if months.empty:
    st.info("No claims in the warehouse yet.")
    st.stop()

adjudicated = months[months["claims_adjudicated"] > 0]
total = adjudicated["first_pass_denials"].sum() / adjudicated["claims_adjudicated"].sum()
recovered = months["recovered_by_resubmission_claims"].sum()
resubmitted = months["resubmitted_after_denial_claims"].sum()
denied_claims = data.denied_claims(path, mtime)
finally_denied = denied_claims[denied_claims["is_finally_denied"].fillna(False)]
a, b, c = st.columns(3)
a.metric("Initial denial rate, all months", percent(total), help=DEFINITIONS["initial_denial_rate"])
b.metric("Resubmission recovery rate", percent(recovered / resubmitted if resubmitted else None),
         help=DEFINITIONS["resubmission_recovery_rate"])
c.metric("Finally denied charges", money(finally_denied["charge"].sum()),
         help=f"{len(finally_denied):,} claims denied on first pass and never paid 120 days on.")

dimension = st.radio("Denial rate by", ["payer", "CPT code", "reason", "clinician"], horizontal=True)
key = {"payer": "payer", "CPT code": "cpt", "reason": "reason", "clinician": "clinician"}[dimension]
by = data.denials_by(path, mtime, key)
totals = by.groupby("category", as_index=False)[["first_pass_denials", "claims_adjudicated"]].sum()
if key == "reason":  # each reason's share of all claims adjudicated (the month's total, counted once per month)
    monthly = by.drop_duplicates("month_start")["claims_adjudicated"].sum()
    totals["claims_adjudicated"] = monthly
totals["denial_rate"] = totals["first_pass_denials"] / totals["claims_adjudicated"]
totals = totals.sort_values("denial_rate", ascending=False).head(25)
bar = px.bar(totals, x="denial_rate", y="category", orientation="h",
             title=f"Initial denial rate by {dimension}, all months (top 25)",
             labels={"denial_rate": "initial denial rate", "category": dimension},
             hover_data={"first_pass_denials": ":,", "claims_adjudicated": ":,"})
bar.update_xaxes(tickformat=".0%")
bar.update_yaxes(autorange="reversed")
st.plotly_chart(bar, width="stretch")
st.caption(DEFINITIONS["denial_rate_by_reason"] if key == "reason" else DEFINITIONS["initial_denial_rate"])

by = by.assign(denial_rate=by["first_pass_denials"] / by["claims_adjudicated"].where(by["claims_adjudicated"] > 0))
top = totals["category"].head(8).tolist()
heat = by[by["category"].isin(top)].pivot_table(index="category", columns="month_start", values="denial_rate")
if not heat.empty:
    figure = px.imshow(heat, aspect="auto", color_continuous_scale="Reds", zmin=0,
                       title=f"Initial denial rate by month and {dimension} (the 8 highest)",
                       labels={"x": "month of original submission", "y": dimension, "color": "denial rate"})
    st.plotly_chart(figure, width="stretch")

st.subheader("The claims behind the numbers")
choices = ["(all)"] + sorted(denied_claims[{"payer": "payer", "cpt": "cpt_code", "reason": "reason",
                                            "clinician": "clinician"}[key]].dropna().unique().tolist())
picked = st.selectbox(f"Denied claims of one {dimension}", choices)
column = {"payer": "payer", "cpt": "cpt_code", "reason": "reason", "clinician": "clinician"}[key]
claims = denied_claims if picked == "(all)" else denied_claims[denied_claims[column] == picked]
st.dataframe(claims.head(1000), hide_index=True, width="stretch",
             column_config={"charge": st.column_config.NumberColumn(format="dollar"),
                            "payer_paid": st.column_config.NumberColumn(format="dollar"),
                            "month_start": st.column_config.DateColumn("month", format="YYYY-MM")})
st.caption(f"{len(claims):,} claims denied on first pass" + (" (the newest 1,000 shown)" if len(claims) > 1000 else ""))
download_table(viewer, "denials", "Download these claims (CSV)", claims, "denied_claims.csv")
