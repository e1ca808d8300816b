"""Data health (operations, leadership): the deliveries loaded, the records quarantined by rule with examples,
how fresh each part of the warehouse is, and the denial model's version and card."""

import re

import streamlit as st

from dashboards import data
from dashboards.common import require_warehouse

st.title("Data health")
path, mtime = require_warehouse()

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
    st.caption("Examples (up to three per rule): the file, where in it, and why.")
    st.dataframe(data.quarantine_examples(path, mtime), hide_index=True, width="stretch")

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
