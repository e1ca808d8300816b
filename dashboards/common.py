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
from dashboards.practice_scope import WarehouseSource
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


def require_warehouse(viewer: Viewer) -> tuple[WarehouseSource, float]:
    """(source, mtime) of the warehouse as this viewer reads it; without one, the page explains and stops.
    A network's warehouse is read one practice at a time: the viewer's own practice, or the one they pick."""
    try:
        path, mtime = data.warehouse()
        source = WarehouseSource(path, practice_of(viewer, data.practices(path, mtime)))
        as_of = data.as_of_date(source, mtime)
    except data.WarehouseMissing as missing:
        st.info(f"{missing}.")
        st.stop()
    except WarehouseAccessError as refused:  # encrypted, and no key or another one: `lantern serve` checks first
        st.error(f"{refused}.")
        st.stop()
    except NoPracticeData as missing:
        st.error(f"{missing}.")
        st.stop()
    practice = f", practice {source.practice_id}" if source.practice_id else ""
    st.caption(f"Warehouse {path}{practice}, as of {as_of:%Y-%m-%d}" if hasattr(as_of, "strftime")
               else f"Warehouse {path}{practice}, as of {as_of}")
    return source, mtime


class NoPracticeData(LookupError):
    pass


def practice_of(viewer: Viewer, practices: list[str]) -> str | None:
    """The practice whose rows the page reads: the viewer's own (refused when the warehouse has none of it); else,
    in a network's warehouse, the one picked in the sidebar; else None, the whole of a single practice's."""
    if viewer.practice_id is not None:
        if viewer.practice_id not in practices:
            raise NoPracticeData(f"this warehouse holds no rows of practice {viewer.practice_id}, the only one "
                                 f"{viewer.username} may see")
        return viewer.practice_id
    if len(practices) <= 1:
        return None
    return st.sidebar.selectbox("Practice", practices, key="practice",
                                help="This warehouse is a network's: every page shows one practice at a time.")


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
