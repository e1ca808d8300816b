"""What every page does first: check who is looking, find the warehouse (or say how to build one) and show its
as-of date; and the one way a page offers a file to download, so every export is in the audit trail."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

import pandas as pd

from dashboards import data
from dashboards.downloads import frame_for_role, is_pseudonymised
from dashboards.login import VIEWER, record
from dashboards.pages_list import PAGES
from dashboards.roles import Viewer, may_see
from orchestration.warehouse_connection import WarehouseAccessError

_TITLES = {page.name: page.title for page in PAGES}


def require_access(page: str) -> Viewer:
    """The signed-in viewer, when their role may see `page`; otherwise the page says so and stops. A page
    outside the role is not in the viewer's menu either: this holds when its address is typed in."""
    viewer: Viewer | None = st.session_state.get(VIEWER)
    if viewer is None:
        st.warning("Sign in first: open Lantern's start page.")
        st.stop()
    if not may_see(viewer.role, page):
        st.error(f"The {_TITLES.get(page, page)} page is not open to the {viewer.role} role.")
        st.stop()
    if st.session_state.get("_last_page") != page:  # a page's view, not each rerun of its widgets
        st.session_state["_last_page"] = page
        record(viewer, "view", page)
    return viewer


def require_warehouse() -> tuple[str, float]:
    """(path, mtime) of the warehouse; without one, the page explains and stops."""
    try:
        found = data.warehouse()
        as_of = data.as_of_date(*found)
    except data.WarehouseMissing as missing:
        st.info(f"{missing}.")
        st.stop()
    except WarehouseAccessError as refused:  # encrypted, and no key or another one: `lantern serve` checks first
        st.error(f"{refused}.")
        st.stop()
    st.caption(f"Warehouse {found[0]}, as of {as_of:%Y-%m-%d}" if hasattr(as_of, "strftime")
               else f"Warehouse {found[0]}, as of {as_of}")
    return found


def download(viewer: Viewer, page: str, label: str, content: bytes | Callable[[], bytes], file_name: str,
             mime: str, rows: int | None = None, key: str | None = None) -> None:
    """A download button whose click is recorded in the audit trail (who, which file, from which page)."""
    detail = f"{page}: {rows:,} rows" if rows is not None else page
    st.download_button(label, content, file_name, mime, key=key,
                       on_click=lambda: record(viewer, "export", file_name, detail))


def download_table(viewer: Viewer, page: str, label: str, table: pd.DataFrame, file_name: str) -> None:
    """A table as CSV, as the viewer's role may have it (an analyst's with pseudonyms and without names or birth
    dates: dashboards.downloads), its download audited."""
    if is_pseudonymised(viewer.role):
        table = frame_for_role(table, viewer.role, data.practice_secret())
    download(viewer, page, label, table.to_csv(index=False).encode(), file_name, "text/csv", rows=len(table))
