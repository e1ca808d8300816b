"""Cost of inaction (leadership): the seed's ROI calculator on the practice's own numbers. What a year of
unrecovered denials, the staff time spent reworking claims and the cash held up by slow collections cost, each
input prefilled from the warehouse and open to change."""

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboards.common import require_access, require_warehouse
from dashboards.definitions import DEFINITIONS
from dashboards.formatting import days, money
from dashboards.data import cost_inputs
from dashboards.roi import (ANNUAL_CARRYING_RATE, AR_TARGET_DAYS, HOURLY_STAFF_COST, MINUTES_PER_REWORK,
                            cost_of_inaction)


viewer = require_access("cost_of_inaction")
st.title("Cost of inaction")
path, mtime = require_warehouse(viewer)
known = cost_inputs(path, mtime)
window = f"{known['window_start']:%Y-%m-%d} to {known['as_of_date']:%Y-%m-%d}"
has_ar = pd.notna(known["days_in_ar"])
st.markdown(f"What leaving denials and collections as they are costs a year. The inputs start from this practice's "
            f"own numbers (the 12 months from {window}); change any of them to see what-ifs.")

st.subheader("Inputs")
left, middle, right = st.columns(3)
denied = left.number_input(
    "Unrecovered denials a year ($)", key="denied", min_value=0.0, value=float(known["unrecovered_denials"]),
    step=1000.0, format="%.2f", help=DEFINITIONS["cost_denied_dollars"] + f" Here {known['finally_denied_claims']:,} "
                                     f"claims, {money(known['finally_denied_charges'])} in charges.")
reworked = left.number_input(
    "Claims reworked a year", key="reworked", min_value=0, value=int(known["claims_resubmitted"]), step=10,
    help=f"Claims first resubmitted (frequency 7: a corrected claim or appeal) from {window}.")
minutes = middle.number_input(
    "Minutes per rework", key="minutes", min_value=0.0, value=float(MINUTES_PER_REWORK), step=5.0,
    help="Staff minutes to find, fix and resend one denied claim.")
hourly = middle.number_input(
    "Hourly staff cost ($/h)", key="hourly", min_value=0.0, value=float(HOURLY_STAFF_COST), step=1.0,
    help="Wage and benefits of an hour of billing staff time.")
rate = middle.number_input(
    "Annual carrying rate (%)", key="rate", min_value=0.0, value=ANNUAL_CARRYING_RATE * 100, step=0.5, format="%.1f",
    help="What a dollar held in A/R costs a year: the interest on a credit line, or what the cash would earn.")
days_in_ar = right.number_input(
    "Days in A/R", key="days_in_ar", min_value=0.0, value=float(known["days_in_ar"]) if has_ar else 0.0, step=1.0,
    format="%.1f", help=DEFINITIONS["days_in_ar"] + (f" Latest: {known['ar_date']:%Y-%m-%d}." if has_ar else ""))
target = right.number_input(
    "Target days in A/R", key="target", min_value=0.0, value=float(AR_TARGET_DAYS), step=1.0, format="%.1f",
    help="The benchmark: 35 days or fewer.")
charges = right.number_input(
    "Charges of the last 90 days ($)", key="charges", min_value=0.0,
    value=float(known["charges_last_90_days"]) if pd.notna(known["charges_last_90_days"]) else 0.0, step=1000.0,
    format="%.2f", help="Charges of the claims originally submitted in the 90 days to the latest A/R day: "
                        "the average day's charges are a 90th of it (kpis.md's days in A/R).")

cost = cost_of_inaction(denied_dollars=denied, claims_reworked=reworked, minutes_per_rework=minutes,
                        hourly_staff_cost=hourly, days_in_ar=days_in_ar, target_days=target,
                        charges_last_90_days=charges, annual_rate=rate / 100)

st.subheader("A year's cost of inaction")
total, one, two, three = st.columns(4)
total.metric("Annual cost of inaction", money(cost.total), help=DEFINITIONS["cost_total"])
one.metric("Unrecovered denials", money(cost.denied_dollars), help=DEFINITIONS["cost_denied_dollars"])
two.metric("Rework labour", money(cost.rework_labour),
           help=DEFINITIONS["cost_rework"] + f" {reworked:,} claims x {minutes:g} min = {cost.rework_hours:,} hours.")
three.metric("Carrying cost of excess A/R", money(cost.carrying_cost),
             help=DEFINITIONS["cost_carrying"] + f" {money(cost.excess_ar_cash)} x {rate:g}%.")
st.metric("Cash tied up above the target", money(cost.excess_ar_cash),
          help=DEFINITIONS["cost_excess_ar"] + f" {days(cost.excess_ar_days)} above {target:g} days.")

parts = pd.DataFrame({"part": list(cost.parts()), "dollars": [float(v) for v in cost.parts().values()]})
bar = px.bar(parts, x="part", y="dollars", text=parts["dollars"].map(money),
             title=f"Annual cost of inaction: {money(cost.total)}, by part",
             labels={"part": "", "dollars": "dollars a year"}, hover_data={"dollars": ":$,.2f"})
bar.update_yaxes(tickprefix="$")
st.plotly_chart(bar, width="stretch")
st.caption("Unrecovered denials are revenue the practice earned and did not collect; rework labour is the staff "
           "time denials take even when the claim is then paid; the carrying cost is the price of waiting for cash "
           "that a practice at the target would already hold.")
