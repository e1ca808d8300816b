"""Access (operations, leadership): how many referrals become patients and how fast, for the chosen months:
the referral funnel, the conversion rate, the time to first contact, the wait for the first session month by
month, and where no-shows happen (by modality and weekday)."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboards.common import require_access, require_warehouse
from dashboards.definitions import DEFINITIONS
from dashboards.formatting import days, percent
from dashboards.data import access_monthly, access_no_shows, access_referrals


viewer = require_access("access")
st.title("Access")
path, mtime = require_warehouse(viewer)
months = access_monthly(path, mtime)
months = months[months["referrals_received"] > 0].reset_index(drop=True)
if months.empty:
    st.info("No referrals in the warehouse yet.")
    st.stop()

labels = [f"{m:%Y-%m}" for m in months["month_start"]]
first, last = st.select_slider("Months (referrals by month received, appointments by month scheduled)",
                               options=labels, value=(labels[max(0, len(labels) - 12)], labels[-1]))
chosen = months[[first <= label <= last for label in labels]].reset_index(drop=True)
first_month, last_month = chosen["month_start"].iloc[0], chosen["month_start"].iloc[-1]
referrals = access_referrals(path, mtime, first_month, last_month)
no_shows = access_no_shows(path, mtime, first_month, last_month)
overall = no_shows[no_shows["dimension"] == "all"].iloc[0]

st.subheader(f"Referrals received {first} to {last}" if first != last else f"Referrals received in {first}")
one, two, three, four = st.columns(4)
one.metric("Referral conversion rate", percent(referrals["referral_conversion_rate"]),
           help=DEFINITIONS["referral_conversion_rate"] + f" {referrals['referrals_converted']:,} converted, "
                f"{referrals['referrals_lost']:,} lost.")
two.metric("Time to first contact, median", f"{referrals['first_contact_median_hours']:,.1f} h"
           if pd.notna(referrals["first_contact_median_hours"]) else "—",
           help=DEFINITIONS["time_to_first_contact"])
two.metric("Time to first contact, p90", f"{referrals['first_contact_p90_hours']:,.1f} h"
           if pd.notna(referrals["first_contact_p90_hours"]) else "—", help=DEFINITIONS["time_to_first_contact"])
three.metric("Wait for first session, median", days(referrals["wait_for_first_session_median_days"]),
             help=DEFINITIONS["wait_for_first_session"])
three.metric("Wait for first session, p90", days(referrals["wait_for_first_session_p90_days"]),
             help=DEFINITIONS["wait_for_first_session_p90"])
four.metric("No-show rate", percent(overall["no_show_rate"]),
            help=DEFINITIONS["no_show_rate"] + f" {overall['appointments_no_show']:,} no-shows of "
                 f"{overall['appointments_counted']:,} appointments scheduled {first} to {last}.")

steps = ["received", "first contacted", "intake completed", "first session held"]
funnel = go.Figure(go.Funnel(
    y=steps, x=[referrals["referrals_received"], referrals["referrals_contacted"],
                referrals["referrals_intake_completed"], referrals["referrals_with_first_session"]],
    textinfo="value+percent initial", hovertemplate="%{y}: %{x:,} referrals (%{percentInitial:.1%} of received)"
                                                    "<extra></extra>"))
funnel.update_layout(title=f"Referral funnel, referrals received {first} to {last}", yaxis_title="step",
                     xaxis_title="referrals")
st.plotly_chart(funnel, width="stretch")
st.caption(DEFINITIONS["referral_funnel"])

st.subheader("Wait for first session, by month received", help=DEFINITIONS["wait_for_first_session"])
wait = chosen.melt(id_vars=["month_start", "referrals_with_first_session"], var_name="measure", value_name="days",
                   value_vars=["wait_for_first_session_median_days", "wait_for_first_session_p90_days"])
wait["measure"] = wait["measure"].map({"wait_for_first_session_median_days": "median",
                                       "wait_for_first_session_p90_days": "p90"})
wait_figure = px.line(wait, x="month_start", y="days", color="measure", markers=True,
                      title="Days from referral received to first session, by month received",
                      labels={"month_start": "month received", "days": "days", "measure": "",
                              "referrals_with_first_session": "referrals with a first session"},
                      hover_data={"days": ":.1f", "referrals_with_first_session": ":,"})
st.plotly_chart(wait_figure, width="stretch")
st.caption("The newest months hold only the referrals already seen: their waits look shorter until the rest are.")

rates = chosen.melt(id_vars="month_start", var_name="measure", value_name="rate",
                    value_vars=["referral_conversion_rate", "no_show_rate"])
rates["measure"] = rates["measure"].map({"referral_conversion_rate": "referral conversion rate (month received)",
                                         "no_show_rate": "no-show rate (month scheduled)"})
rates_figure = px.line(rates, x="month_start", y="rate", color="measure", markers=True,
                       title="Referral conversion and no-show rates by month", hover_data={"rate": ":.1%"},
                       labels={"month_start": "month", "rate": "rate", "measure": ""})
rates_figure.update_yaxes(tickformat=".0%")
st.plotly_chart(rates_figure, width="stretch")

st.subheader("No-shows by modality and weekday", help=DEFINITIONS["no_show_rate"])
left, right = st.columns(2)
for column, dimension, axis in ((left, "modality", "modality"), (right, "weekday", "weekday (practice local time)")):
    rows = no_shows[no_shows["dimension"] == dimension]
    bar = px.bar(rows, x="category", y="no_show_rate", title=f"No-show rate by {dimension}, {first} to {last}",
                 labels={"category": axis, "no_show_rate": "no-show rate", "appointments_counted": "appointments",
                         "appointments_no_show": "no-shows"},
                 hover_data={"no_show_rate": ":.1%", "appointments_no_show": ":,", "appointments_counted": ":,"})
    bar.update_yaxes(tickformat=".0%")
    column.plotly_chart(bar, width="stretch")
