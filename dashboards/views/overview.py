"""Overview (leadership): the revenue-cycle KPIs for the chosen months, each beside its benchmark and last
month, their trend, and the revenue lost to unrecovered denials per clinician."""

import pandas as pd
import plotly.express as px
import streamlit as st

from dashboards import data
from dashboards.common import require_access, require_warehouse
from dashboards.definitions import DEFINITIONS
from dashboards.formatting import days, money, percent, points_change

viewer = require_access("overview")
st.title("Overview")
path, mtime = require_warehouse(viewer)
months = data.revenue_cycle_monthly(path, mtime)
ar = data.ar_daily(path, mtime)
if months.empty:
    st.info("No claims in the warehouse yet.")
    st.stop()

labels = [f"{m:%Y-%m}" for m in months["month_start"]]
first, last = st.select_slider("Months (of original submission)", options=labels,
                               value=(labels[max(0, len(labels) - 12)], labels[-1]))
chosen = months[[first <= label <= last for label in labels]].reset_index(drop=True)
current = chosen.iloc[-1]
previous = chosen.iloc[-2] if len(chosen) > 1 else None
# Net collection needs 120 days of hindsight: the newest month that has it.
collected = chosen[chosen["net_collection_rate"].notna()]
month_after = pd.Timestamp(chosen["month_start"].iloc[-1]) + pd.offsets.MonthBegin(1)
ar_in_range = ar[pd.to_datetime(ar["ar_date"]) < month_after]
ar_now = ar_in_range.iloc[-1] if len(ar_in_range) else None
ar_month_before = (ar_in_range[pd.to_datetime(ar_in_range["ar_date"])
                               <= pd.to_datetime(ar_now["ar_date"]) - pd.DateOffset(months=1)].iloc[-1]
                   if ar_now is not None and len(ar_in_range) > 31 else None)

st.subheader(f"{last}, against the benchmarks and {previous['month_start']:%Y-%m}" if previous is not None
             else last)
one, two, three, four = st.columns(4)
one.metric("Initial denial rate", percent(current["initial_denial_rate"]),
           points_change(current["initial_denial_rate"], previous["initial_denial_rate"] if previous is not None
                         else None), delta_color="inverse",
           help=DEFINITIONS["initial_denial_rate"] + f" This practice over the months shown: "
                f"{percent(chosen['first_pass_denials'].sum() / chosen['claims_adjudicated'].sum())}.")
two.metric("Clean-claim rate", percent(current["first_pass_resolution_rate"]),
           points_change(current["first_pass_resolution_rate"],
                         previous["first_pass_resolution_rate"] if previous is not None else None),
           help=DEFINITIONS["first_pass_resolution_rate"])
three.metric(f"Net collection rate ({collected['month_start'].iloc[-1]:%Y-%m})" if len(collected)
             else "Net collection rate",
             percent(collected["net_collection_rate"].iloc[-1]) if len(collected) else "—",
             points_change(*collected["net_collection_rate"].iloc[-2:][::-1].tolist()) if len(collected) > 1 else None,
             help=DEFINITIONS["net_collection_rate"])
four.metric(f"Days in A/R ({ar_now['ar_date']:%Y-%m-%d})" if ar_now is not None else "Days in A/R",
            days(ar_now["days_in_ar"]) if ar_now is not None else "—",
            f"{ar_now['days_in_ar'] - ar_month_before['days_in_ar']:+.1f} days" if ar_month_before is not None
            else None, delta_color="inverse", help=DEFINITIONS["days_in_ar"])

st.subheader("Trend")
trend = chosen.melt(id_vars="month_start", value_name="rate", var_name="measure",
                    value_vars=["initial_denial_rate", "first_pass_resolution_rate", "net_collection_rate"])
trend["measure"] = trend["measure"].map({"initial_denial_rate": "initial denial rate",
                                         "first_pass_resolution_rate": "clean-claim rate",
                                         "net_collection_rate": "net collection rate"})
figure = px.line(trend, x="month_start", y="rate", color="measure", markers=True,
                 title="Revenue-cycle rates by month of original submission",
                 labels={"month_start": "month", "rate": "rate"})
figure.update_yaxes(tickformat=".0%")
figure.add_hline(y=0.95, line_dash="dot", annotation_text="benchmark 95% (clean claims, net collection)")
figure.add_hline(y=0.06, line_dash="dot", annotation_text="primary-care denial rate 6%")
st.plotly_chart(figure, width="stretch")
shown = ar[(pd.to_datetime(ar["ar_date"]) >= pd.Timestamp(chosen["month_start"].iloc[0]))
           & (pd.to_datetime(ar["ar_date"]) <= pd.to_datetime(ar_in_range["ar_date"]).max())]
ar_figure = px.line(shown, x="ar_date", y="days_in_ar", title="Days in A/R",
                    labels={"ar_date": "day", "days_in_ar": "days in A/R"})
ar_figure.add_hline(y=35, line_dash="dot", annotation_text="benchmark 35 days")
st.plotly_chart(ar_figure, width="stretch")

st.subheader("Revenue lost to unrecovered denials, per clinician per year",
             help=DEFINITIONS["unrecovered_denials"])
losses = data.unrecovered_denials(path, mtime)
years = sorted(losses["service_year"].unique().tolist())
if years:
    year = st.selectbox("Year of service", years, index=len(years) - 1)
    in_year = losses[losses["service_year"] == year]
    st.metric(f"Unrecovered denials, {year}", money(in_year["unrecovered_denials"].sum()),
              help=DEFINITIONS["unrecovered_denials"])
    st.plotly_chart(px.bar(in_year.head(25), x="clinician", y="unrecovered_denials",
                           title=f"Unrecovered denials by clinician, {year} (top 25)",
                           labels={"unrecovered_denials": "dollars"}).update_yaxes(tickprefix="$"),
                    width="stretch")

st.subheader("What changed since the month before")
if previous is not None:
    rows = [("initial denial rate", percent(previous["initial_denial_rate"]), percent(current["initial_denial_rate"])),
            ("clean-claim rate", percent(previous["first_pass_resolution_rate"]),
             percent(current["first_pass_resolution_rate"])),
            ("resubmission recovery rate", percent(previous["resubmission_recovery_rate"]),
             percent(current["resubmission_recovery_rate"])),
            ("claims submitted", f"{previous['claims_submitted']:,}", f"{current['claims_submitted']:,}"),
            ("median claim lag", days(previous["claim_lag_median_days"]), days(current["claim_lag_median_days"])),
            ("median days to payment", days(previous["days_to_payment_median"]),
             days(current["days_to_payment_median"]))]
    st.dataframe(pd.DataFrame(rows, columns=["measure", f"{previous['month_start']:%Y-%m}",
                                             f"{current['month_start']:%Y-%m}"]), hide_index=True)
