"""Lantern's dashboards: one Streamlit app, a page per user's question (issue 7). `lantern serve` starts it on
the built warehouse; every page reads the warehouse through `dashboards/data.py` only.

Nobody sees a page before signing in (`dashboards/login.py`), and the menu holds only the pages of the viewer's
role (`dashboards/roles.py`).

    .venv/bin/lantern serve            # http://localhost:8501
"""

import streamlit as st

from dashboards.login import current_viewer, sign_in, sign_out
from dashboards.pages_list import PAGES_DIR
from dashboards.roles import pages_for

st.set_page_config(page_title="Lantern", layout="wide")

viewer = current_viewer()
if viewer is None:
    st.navigation([st.Page(sign_in, title="Sign in", icon=":material/login:", url_path="sign-in")],
                  position="hidden").run()
else:
    with st.sidebar:
        st.caption(f"Signed in as **{viewer.username}** ({viewer.role})")
        if st.button("Sign out", icon=":material/logout:"):
            sign_out(viewer)
            st.rerun()
    groups: dict[str, list] = {}
    for number, page in enumerate(pages_for(viewer.role)):
        groups.setdefault(page.group, []).append(
            st.Page(PAGES_DIR / f"{page.name}.py", title=page.title, icon=page.icon, url_path=page.name,
                    default=number == 0))
    st.navigation(groups).run()
