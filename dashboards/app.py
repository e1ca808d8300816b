"""Lantern's dashboards: one Streamlit app, a page per user's question (issue 7). `lantern serve` starts it on
the built warehouse; every page reads the warehouse through `dashboards/data.py` only.

    .venv/bin/lantern serve            # http://localhost:8501
"""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).with_name("pages")

st.set_page_config(page_title="Lantern", layout="wide")

navigation = st.navigation({
    "Leadership": [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/monitoring:", default=True),
        st.Page(PAGES / "leadership.py", title="The leadership question", icon=":material/psychology:"),
    ],
    "Revenue": [
        st.Page(PAGES / "denials.py", title="Denials", icon=":material/block:"),
        st.Page(PAGES / "work_queue.py", title="Work queue", icon=":material/checklist:"),
        st.Page(PAGES / "cash_forecast.py", title="Cash forecast", icon=":material/payments:"),
    ],
    "Operations": [
        st.Page(PAGES / "data_health.py", title="Data health", icon=":material/health_and_safety:"),
    ],
})
navigation.run()
