"""Data health (operations, leadership): the deliveries loaded, the records quarantined by rule with examples,
how fresh each part of the warehouse is, the denial model's version and card; and, for leadership, the audit
trail of who viewed or exported what."""

import re

import streamlit as st

from dashboards import data
from dashboards.common import require_access, require_warehouse

viewer = require_access("data_health")
st.title("Data health")
path, mtime = require_warehouse(viewer)

st.subheader("Freshness")
fresh = data.freshness(path, mtime)
st.dataframe(fresh, hide_index=True, column_config={"newest_data": "newest data", "as_of": "as of"})

st.subheader("Deliveries loaded")
deliveries = data.deliveries(path, mtime)
a, b, c = st.columns(3)
a.metric("Deliveries", f"{deliveries['delivery'].nunique():,}")
b.metric("Records loaded", f"{int(deliveries['records_loaded'].sum()):,}")
c.metric("Records quarantined", f"{int(deliveries['records_quarantined'].sum()):,}")
st.dataframe(deliveries, hide_index=True, width="stretch")

st.subheader("Quarantined records, by rule")
rules = data.quarantine_by_rule(path, mtime)
if rules.empty:
    st.success("Nothing quarantined: every record passed its data contract.")
else:
    st.dataframe(rules, hide_index=True, width="stretch")
    if viewer.sees_raw_records:
        st.caption("Examples (up to three per rule): the file, where in it, and why.")
        st.dataframe(data.quarantine_examples(path, mtime), hide_index=True, width="stretch")
    else:
        st.caption("The examples quote the delivered records, patients' details included: leadership sees them.")

st.subheader("Denial model")
versions = fresh["asset"].str.extract(r"model (v\d+)")[0].dropna()
version = versions.iloc[0] if len(versions) else None
card = data.model_card(version)
if version is None:
    st.info("No denial model has scored the claims yet.")
elif card is None:
    st.write(f"Model {version}; its card is in the model store (`<home>/models/denial/{version}/card.md`).")
else:
    with st.expander(f"Model card of {version}", expanded=False):
        st.markdown(re.sub(r"^# ", "### ", card, flags=re.MULTILINE))

if viewer.sees_audit_log:
    st.subheader("Audit trail")
    events = data.audit_trail()
    if events.empty:
        st.info("No one has signed in yet.")
    else:
        left, right = st.columns(2)
        who = left.multiselect("User", sorted(events["username"].unique()))
        what = right.multiselect("Action", sorted(events["action"].unique()))
        shown = events[events["username"].isin(who or events["username"])
                       & events["action"].isin(what or events["action"])]
        st.dataframe(shown.head(1000), hide_index=True, width="stretch", column_config={
            "at": st.column_config.DatetimeColumn("when (UTC)", format="YYYY-MM-DD HH:mm:ss"),
            "username": "user", "target": "page, file or sign-in method"})
        st.caption(f"{len(shown):,} events, newest first (up to 1,000 shown): every sign-in, refused sign-in, "
                   "page viewed and file exported. The file is <home>/audit/audit.jsonl, appended to only.")
