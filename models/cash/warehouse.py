"""The open-claims part of the cash forecast read from the warehouse: the claims open at an origin, the payment
history known then, and their expected receipts per week (models.cash.open_claims). Only facts dated on or
before the origin are read, so a past origin is a fair backtest."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import resources
from string import Template

import duckdb
import pandas as pd

from mining.events import check_relation
from models.cash.history import PaymentHistory, estimate, open_claims, per_pair
from models.cash.open_claims import expected_receipts

# Past claims that teach payment: submitted 180 to 545 days before the origin, old enough for most payments to
# have come by then (a year of them).
HISTORY_FROM_DAYS = 545
HISTORY_TO_DAYS = 180


def _sql(name: str) -> Template:
    return Template(resources.files("models.cash").joinpath(name).read_text(encoding="utf-8"))


def from_open_claims(con: duckdb.DuckDBPyConnection, origin: date, horizon_weeks: int = 13,
                     claims: str = "marts.fct_claims", history: PaymentHistory | None = None) -> pd.DataFrame:
    """Expected cash per (week_start, segment) over the `horizon_weeks` weeks after the origin's week, from the
    claims open at the origin; `history` is the payment history at the origin when the caller has it already."""
    frame = con.execute(_sql("open_claims_at.sql").substitute(claims=check_relation(claims)), [origin] * 4).df()
    known = history if history is not None else payment_history(con, origin, claims)
    return expected_receipts(open_claims(frame, known), known.lags, origin, horizon_weeks)


def payment_history(con: duckdb.DuckDBPyConnection, origin: date, claims: str = "marts.fct_claims") -> PaymentHistory:
    """The payment history as known at the origin (models.cash.history.estimate of payment_history_at.sql)."""
    start, end = origin - timedelta(days=HISTORY_FROM_DAYS), origin - timedelta(days=HISTORY_TO_DAYS)
    rows = con.execute(_sql("payment_history_at.sql").substitute(claims=check_relation(claims)),
                       [origin, origin, origin, origin, start, end, origin]).df()
    return estimate(rows)


def weekly_submitted_amounts(con: duckdb.DuckDBPyConnection, origin: date, history: PaymentHistory,
                             claims: str = "marts.fct_claims") -> pd.Series:
    """Per Monday week up to the origin's, what the claims originally submitted that week are expected to pay
    when paid (each claim at its payer x CPT code's mean payment in `history`)."""
    rows = con.execute(_sql("submitted_amounts_at.sql").substitute(claims=check_relation(claims)), [origin]).df()
    rows["amount"] = per_pair(rows["payer_id"].astype(str), rows["cpt_code"].astype(str), history.amount)
    weeks = pd.to_datetime(rows["submitted_date"]).dt.to_period("W-SUN").dt.start_time
    series = rows.groupby(weeks)["amount"].sum()
    full = pd.date_range(series.index.min(), pd.Timestamp(origin) - pd.Timedelta(days=pd.Timestamp(origin).weekday()),
                         freq="7D")
    return series.reindex(full, fill_value=0.0)
