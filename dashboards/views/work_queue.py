"""Work queue (billing): sessions not yet billed and the last month's claims, ranked by expected loss, each with
its denial risk, the reasons, the fixes and the missing documentation; filters, and the queue as CSV."""

import streamlit as st

from dashboards import data
from dashboards.common import download_table, require_access, require_warehouse
from dashboards.definitions import DEFINITIONS
from dashboards.formatting import money

viewer = require_access("work_queue")
st.title("Work queue")
path, mtime = require_warehouse(viewer)
queue = data.work_queue(path, mtime, viewer.own_npi)
if queue is None or queue.empty:
    st.info("No claim has been scored yet: `lantern build` scores them once a denial model is promoted "
            "(docs/denial-risk.md).")
    st.stop()

unbilled = queue[~queue["is_billed"]]
a, b, c = st.columns(3)
a.metric("Sessions not yet billed", f"{len(unbilled):,}")
b.metric("Their expected loss", money(unbilled["expected_loss"].sum()), help=DEFINITIONS["expected_loss"])
c.metric("High-risk among them", f"{(unbilled['risk_band'] == 'high').sum():,}")

left, middle, right = st.columns(3)
which = left.radio("Show", ["not yet billed", "billed in the last 30 days", "both"], horizontal=True)
bands = middle.multiselect("Risk band", sorted(queue["risk_band"].dropna().unique().tolist()),
                           default=sorted(queue["risk_band"].dropna().unique().tolist()))
payers = right.multiselect("Payer", sorted(queue["payer"].dropna().unique().tolist()))
shown = queue[queue["risk_band"].isin(bands)]
if which == "not yet billed":
    shown = shown[~shown["is_billed"]]
elif which == "billed in the last 30 days":
    shown = shown[shown["is_billed"]]
if payers:
    shown = shown[shown["payer"].isin(payers)]
shown = shown.sort_values("expected_loss", ascending=False)
st.dataframe(shown, hide_index=True, width="stretch", column_config={
    "work_queue_rank": st.column_config.NumberColumn("rank"),
    "clinician_npi": None,
    "denial_probability": st.column_config.ProgressColumn("denial risk", format="percent", min_value=0.0,
                                                          max_value=1.0),
    "expected_loss": st.column_config.NumberColumn("expected loss", format="dollar",
                                                   help=DEFINITIONS["expected_loss"]),
    "missing_documentation": st.column_config.TextColumn("missing documentation"),
    "date_of_service": st.column_config.DateColumn("date of service", format="YYYY-MM-DD"),
    "is_billed": st.column_config.CheckboxColumn("billed"),
})
st.caption(f"{len(shown):,} rows, by expected loss.")
download_table(viewer, "work_queue", "Download the queue (CSV)", shown, "work_queue.csv")
