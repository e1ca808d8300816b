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
from models.cash.history import estimate, open_claims
from models.cash.open_claims import expected_receipts

# Past claims that teach payment: submitted 180 to 545 days before the origin, old enough for most payments to
# have come by then (a year of them).
HISTORY_FROM_DAYS = 545
HISTORY_TO_DAYS = 180


def _sql(name: str) -> Template:
    return Template(resources.files("models.cash").joinpath(name).read_text(encoding="utf-8"))


def from_open_claims(con: duckdb.DuckDBPyConnection, origin: date, horizon_weeks: int = 13,
                     claims: str = "marts.fct_claims") -> pd.DataFrame:
    """Expected cash per (week_start, segment) over the `horizon_weeks` weeks after the origin's week, from the
    claims open at the origin."""
    relation = check_relation(claims)
    start, end = origin - timedelta(days=HISTORY_FROM_DAYS), origin - timedelta(days=HISTORY_TO_DAYS)
    history = con.execute(_sql("payment_history_at.sql").substitute(claims=relation),
                          [origin, origin, origin, origin, start, end, origin]).df()
    frame = con.execute(_sql("open_claims_at.sql").substitute(claims=relation), [origin] * 4).df()
    return expected_receipts(open_claims(frame, estimate(history)), estimate(history).lags, origin, horizon_weeks)
