"""Every table a page shows, loaded from the warehouse behind `st.cache_data`: the pages hold no SQL and no
business logic. Each loader runs one `.sql` file of `dashboards/sql/` on a read-only connection to the
warehouse `lantern serve` names (LANTERN_WAREHOUSE), and takes the warehouse's path and its modification time
as arguments, so a rebuilt warehouse is read anew.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from orchestration.paths import ENV_HOME, ENV_WAREHOUSE

CACHE_SECONDS = 600


class WarehouseMissing(RuntimeError):
    pass


def warehouse() -> tuple[str, float]:
    """The warehouse's path and modification time (the cache key of every loader)."""
    path = os.environ.get(ENV_WAREHOUSE, "")
    if not path or not Path(path).is_file():
        raise WarehouseMissing(f"no warehouse at {path or '(LANTERN_WAREHOUSE is not set)'}: run `lantern build` "
                               "first, then `lantern serve`")
    return path, Path(path).stat().st_mtime


def _sql(name: str) -> str:
    return resources.files("dashboards").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def _query(path: str, name: str, params: tuple = ()) -> pd.DataFrame:
    with duckdb.connect(path, read_only=True) as con:
        return con.execute(_sql(name), list(params)).df()


def _has_table(path: str, schema: str, table: str) -> bool:
    with duckdb.connect(path, read_only=True) as con:
        return bool(con.execute(_sql("has_table"), [schema, table]).fetchone()[0])


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def revenue_cycle_monthly(path: str, mtime: float) -> pd.DataFrame:
    return _query(path, "revenue_cycle_monthly")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def ar_daily(path: str, mtime: float) -> pd.DataFrame:
    return _query(path, "ar_daily")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def unrecovered_denials(path: str, mtime: float) -> pd.DataFrame:
    return _query(path, "unrecovered_denials")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def leadership(path: str, mtime: float) -> pd.DataFrame:
    return _query(path, "leadership")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def clinician_claims(path: str, mtime: float, clinician_npi: str) -> pd.DataFrame:
    return _query(path, "clinician_claims", (clinician_npi,))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def denials_by(path: str, mtime: float, dimension: str) -> pd.DataFrame:
    """First-pass denials and claims adjudicated by month and one dimension (payer, CPT code, reason, clinician)."""
    return _query(path, f"denials_by_{dimension}")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def denied_claims(path: str, mtime: float) -> pd.DataFrame:
    return _query(path, "denied_claims")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def work_queue(path: str, mtime: float) -> pd.DataFrame | None:
    if not _has_table(path, "marts", "claim_denial_risk"):
        return None
    return _query(path, "work_queue")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def cash_forecast(path: str, mtime: float) -> pd.DataFrame | None:
    if not _has_table(path, "marts", "cash_forecast"):
        return None
    return _query(path, "cash_forecast")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def cash_accuracy(path: str, mtime: float) -> pd.DataFrame | None:
    if not _has_table(path, "marts", "cash_forecast_accuracy"):
        return None
    return _query(path, "cash_accuracy")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def cash_weekly(path: str, mtime: float) -> pd.DataFrame:
    return _query(path, "cash_weekly")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def deliveries(path: str, mtime: float) -> pd.DataFrame:
    return _query(path, "deliveries")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def quarantine_by_rule(path: str, mtime: float) -> pd.DataFrame:
    return _query(path, "quarantine_by_rule")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def quarantine_examples(path: str, mtime: float) -> pd.DataFrame:
    return _query(path, "quarantine_examples")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def as_of_date(path: str, mtime: float):
    return _query(path, "as_of_date")["as_of_date"].iloc[0]


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def freshness(path: str, mtime: float) -> pd.DataFrame:
    """Per part of the warehouse: its newest data and its as-of date (the parts that exist)."""
    parts = [_query(path, "freshness")]
    for table in ("denial_risk", "cash_forecast"):
        name = "claim_denial_risk" if table == "denial_risk" else table
        if _has_table(path, "marts", name):
            parts.append(_query(path, f"freshness_{table}"))
    return pd.concat(parts, ignore_index=True)


def model_card(model_version: str | None) -> str | None:
    """The promoted denial model's card (markdown) from the model store under LANTERN_HOME, when it is there."""
    home = os.environ.get(ENV_HOME)
    if not home or not model_version:
        return None
    card = Path(home) / "models" / "denial" / model_version / "card.md"
    return card.read_text(encoding="utf-8") if card.is_file() else None
