"""Lantern's dashboards: one Streamlit app, a page per user's question (issue 7). `lantern serve` starts it on
the built warehouse; every page reads the warehouse through `dashboards/data.py` only.

    .venv/bin/lantern serve            # http://localhost:8501
"""

import streamlit as st

from dashboards.pages_list import PAGES, PAGES_DIR

st.set_page_config(page_title="Lantern", layout="wide")

groups: dict[str, list] = {}
for number, page in enumerate(PAGES):
    groups.setdefault(page.group, []).append(
        st.Page(PAGES_DIR / f"{page.name}.py", title=page.title, icon=page.icon, url_path=page.name,
                default=number == 0))
st.navigation(groups).run()
