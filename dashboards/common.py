"""What every page does first: find the warehouse, or say how to build one, and show its as-of date."""

from __future__ import annotations

import streamlit as st

from dashboards import data


def require_warehouse() -> tuple[str, float]:
    """(path, mtime) of the warehouse; without one, the page explains and stops."""
    try:
        found = data.warehouse()
    except data.WarehouseMissing as missing:
        st.info(f"{missing}.")
        st.stop()
    as_of = data.as_of_date(*found)
    st.caption(f"Warehouse {found[0]}, as of {as_of:%Y-%m-%d}" if hasattr(as_of, "strftime")
               else f"Warehouse {found[0]}, as of {as_of}")
    return found
