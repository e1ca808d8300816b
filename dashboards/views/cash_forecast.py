"""Cash forecast (finance): the next 13 weeks with 80% and 95% intervals, split into open claims, care not yet
billed and patients, per payer type; the backtest's accuracy by horizon beside it."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import data
from dashboards.common import require_access, require_warehouse
from dashboards.definitions import DEFINITIONS
from dashboards.formatting import money, percent
from models.cash.what_if import what_if

viewer = require_access("cash_forecast")
st.title("Cash forecast")
path, mtime = require_warehouse(viewer)
forecast = data.cash_forecast(path, mtime)
accuracy = data.cash_accuracy(path, mtime)
if forecast is None or forecast.empty:
    st.info("No cash forecast yet: it needs 66 complete weeks of cash (a year to compare with and the 13 weeks "
            "before it), and `lantern build` makes it (docs/cash-forecast.md).")
    st.stop()

chosen = forecast.loc[forecast["is_chosen"], "method"].iloc[0]
segments = ["total"] + sorted(set(forecast["segment"]) - {"total"})
left, right = st.columns(2)
segment = left.selectbox("Segment", segments)
methods = sorted(forecast.loc[forecast["segment"] == segment, "method"].unique().tolist(),
                 key=lambda m: (m != chosen, m))
method = right.selectbox("Method", methods, format_func=lambda m: f"{m} (chosen by the backtest)" if m == chosen
                         else m)
rows = forecast[(forecast["segment"] == segment) & (forecast["method"] == method)].sort_values("week_start")
actual = data.cash_weekly(path, mtime)
history = actual[actual["segment"] == segment].tail(26)

a, b, c = st.columns(3)
a.metric("Next 4 weeks", money(rows["forecast"].head(4).sum()), help=DEFINITIONS["cash_forecast"])
b.metric("Next 13 weeks", money(rows["forecast"].sum()))
scored = accuracy[(accuracy["segment"] == segment) & (accuracy["method"] == method)].set_index("horizons")
c.metric("Backtest WAPE, 1–4 weeks ahead", percent(scored["wape"].get("1-4")), help=DEFINITIONS["wape"])

figure = go.Figure()
figure.add_trace(go.Scatter(x=rows["week_start"], y=rows["hi95"], mode="lines", line={"width": 0}, showlegend=False,
                            hoverinfo="skip"))
figure.add_trace(go.Scatter(x=rows["week_start"], y=rows["lo95"], fill="tonexty", mode="lines", line={"width": 0},
                            name="95% interval", fillcolor="rgba(31,119,180,0.15)"))
figure.add_trace(go.Scatter(x=rows["week_start"], y=rows["hi80"], mode="lines", line={"width": 0}, showlegend=False,
                            hoverinfo="skip"))
figure.add_trace(go.Scatter(x=rows["week_start"], y=rows["lo80"], fill="tonexty", mode="lines", line={"width": 0},
                            name="80% interval", fillcolor="rgba(31,119,180,0.3)"))
figure.add_trace(go.Scatter(x=rows["week_start"], y=rows["forecast"], name="forecast", mode="lines+markers"))
figure.add_trace(go.Scatter(x=pd.to_datetime(history["week_start"]), y=history["cash"].astype(float),
                            name="actual", mode="lines+markers", line={"color": "black"}))
figure.update_layout(title=f"Weekly cash, {segment}: the last 26 weeks and the next 13 ({method})",
                     xaxis_title="week (Monday)", yaxis_title="dollars", yaxis_tickprefix="$")
st.plotly_chart(figure, width="stretch")

if rows["from_open_claims"].notna().any():
    parts = rows.melt(id_vars="week_start", value_vars=["from_open_claims", "from_future_care", "from_patients"],
                      var_name="part", value_name="dollars")
    parts["part"] = parts["part"].map({"from_open_claims": "claims already out", "from_future_care":
                                       "care not yet billed", "from_patients": "patients"})
    stacked = go.Figure([go.Bar(x=group["week_start"], y=group["dollars"], name=part)
                         for part, group in parts.groupby("part")])
    stacked.update_layout(barmode="stack", title="Where the forecast cash comes from", yaxis_tickprefix="$",
                          xaxis_title="week (Monday)", yaxis_title="dollars")
    st.plotly_chart(stacked, width="stretch")

st.subheader("How far to trust it: the backtest", help=DEFINITIONS["wape"])
by_horizon = accuracy[(accuracy["segment"] == segment) & accuracy["horizons"].str.fullmatch(r"\d+")].copy()
by_horizon["weeks ahead"] = by_horizon["horizons"].astype(int)
lines = go.Figure([go.Scatter(x=group["weeks ahead"], y=group["wape"], name=name, mode="lines+markers")
                   for name, group in by_horizon.sort_values("weeks ahead").groupby("method")])
lines.update_layout(title=f"WAPE by weeks ahead, {segment}, over the last year's weekly origins",
                    xaxis_title="weeks ahead", yaxis_title="WAPE", yaxis_tickformat=".0%")
lines.add_hline(y=0.05, line_dash="dot", annotation_text="95% accuracy")
st.plotly_chart(lines, width="stretch")
bands = accuracy[(accuracy["segment"] == segment) & accuracy["horizons"].isin(["1-4", "5-13"])]
st.dataframe(bands[["method", "horizons", "origins", "wape", "mape", "bias", "coverage80", "coverage95"]],
             hide_index=True, column_config={name: st.column_config.NumberColumn(format="percent")
                                             for name in ("wape", "mape", "bias", "coverage80", "coverage95")})

st.subheader("What if")
months = data.revenue_cycle_monthly(path, mtime)
recent = months[months["claims_adjudicated"] > 0].tail(6)
base_rate = float(recent["first_pass_denials"].sum() / recent["claims_adjudicated"].sum()) if len(recent) else 0.0
st.caption(f"Rescales the two-part forecast's parts (models/cash/what_if.py): the claims' cash for another initial "
           f"denial rate (the last 6 months': {percent(base_rate)}; a denied claim is taken not to pay within the 13 "
           "weeks), and payers paying later. A what-if, not a new forecast.")
if rows["from_open_claims"].notna().any():
    x, y = st.columns(2)
    change = x.slider("Change in the initial denial rate (percentage points)", -10, 10, 0)
    lag = y.slider("Payers pay later by (weeks)", 0, 4, 0)
    scenario = what_if(rows, base_rate, change / 100, lag)
    st.metric("Next 13 weeks, what-if", money(scenario.sum()), money(scenario.sum() - rows["forecast"].sum()))
else:
    st.caption("The what-if needs the two-part forecast's parts: choose the two-part method.")
