"""The open-claims part of the cash forecast read from the warehouse: the claims open at an origin, the payment
history known then, and their expected receipts per week (models.cash.open_claims). Only facts dated on or
before the origin are read, so a past origin is a fair backtest."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import resources
from string import Template

import duckdb
import numpy as np
import pandas as pd

from mining.events import check_relation, relation_exists
from models.cash.history import PaymentHistory, estimate, open_claims, per_key
from models.cash.open_claims import BillingShare, expected_receipts

# Past claims that teach payment: submitted up to 545 days before the origin (models.cash.history picks the
# mature ones for the timing and the recent ones for the amounts).
HISTORY_DAYS = 545
MIX_WEEKS = 13  # the weeks whose claims say how the coming weeks' claims split by payer and weekday


def _sql(name: str) -> Template:
    return Template(resources.files("models.cash").joinpath(name).read_text(encoding="utf-8"))


def from_open_claims(con: duckdb.DuckDBPyConnection, origin: date, horizon_weeks: int = 13,
                     claims: str = "marts.fct_claims", history: PaymentHistory | None = None,
                     denial: pd.Series | None = None) -> pd.DataFrame:
    """Expected cash per (week_start, segment) over the `horizon_weeks` weeks after the origin's week, from the
    claims open at the origin; `history` is the payment history at the origin when the caller has it already,
    `denial` the denial model's probabilities by claim_id (denial_probabilities)."""
    frame = con.execute(_sql("open_claims_at.sql").substitute(claims=check_relation(claims)), [origin] * 4).df()
    if denial is not None:
        frame["denial_probability"] = frame["claim_id"].map(denial).astype(float)
    known = history if history is not None else payment_history(con, origin, claims)
    return expected_receipts(open_claims(frame, known), known.times, origin, horizon_weeks, known.calendars)


def denial_probabilities(con: duckdb.DuckDBPyConnection, risk: str = "marts.claim_denial_risk") -> pd.Series | None:
    """The denial model's out-of-sample probabilities by claim_id (denial_probabilities.sql), or None when the
    model has not scored the claims."""
    if not relation_exists(con, risk):
        return None
    rows = con.execute(_sql("denial_probabilities.sql").substitute(risk=risk)).df()
    return pd.Series(rows["denial_probability"].astype(float).to_numpy(), index=rows["claim_id"].astype(str))


def payment_history(con: duckdb.DuckDBPyConnection, origin: date, claims: str = "marts.fct_claims") -> PaymentHistory:
    """The payment history as known at the origin (models.cash.history.estimate of payment_history_at.sql)."""
    rows = con.execute(_sql("payment_history_at.sql").substitute(claims=check_relation(claims)),
                       [origin] * 6 + [origin - timedelta(days=HISTORY_DAYS), origin, origin]).df()
    runs = con.execute(_sql("payment_runs_at.sql").substitute(claims=check_relation(claims)), [origin] * 2).df()
    return estimate(rows, runs, origin)


def future_billing(con: duckdb.DuckDBPyConnection, origin: date, history: PaymentHistory,
                   claims: str = "marts.fct_claims") -> tuple[pd.Series, list[BillingShare]]:
    """What the claims originally submitted each Monday week up to the origin's are expected to pay (each claim
    at its payer x CPT code x month's mean payment times its payer x month's chance of payment), and how the last
    MIX_WEEKS weeks' amount split by payer and submission weekday: the BillingShares that claims not yet
    submitted are taken to follow, each paid after its payer's lags (as a share of the claims paid)."""
    rows = con.execute(_sql("submitted_amounts_at.sql").substitute(claims=check_relation(claims)), [origin]).df()
    payers, months = rows["payer_id"].astype(str), rows["service_month"].astype(int)
    rows["amount"] = rows["claims"].to_numpy(dtype=float) * (
        per_key(history.amount, payers, rows["cpt_code"].astype(str), months)
        * per_key(history.probability, payers, months))
    weeks = pd.to_datetime(rows["week_start"])
    series = rows.groupby(weeks)["amount"].sum()
    last_week = pd.Timestamp(origin) - pd.Timedelta(days=pd.Timestamp(origin).weekday())
    series = series.reindex(pd.date_range(series.index.min(), last_week, freq="7D"), fill_value=0.0)
    recent = rows[weeks > last_week - pd.Timedelta(weeks=MIX_WEEKS)]
    mix = recent.groupby(["payer_id", "segment", "submitted_weekday"])["amount"].sum()
    billing = []
    for (payer, segment, weekday), amount in (mix / mix.sum()).items():
        times = history.times[history.times_key(str(payer), "pending", int(weekday))]
        # The chance of payment is in the amount already (it varies by month: deductibles); the lags give timing.
        timing = times.paid_shares("pending", np.array([-1]))[0]
        billing.append(BillingShare(float(amount), int(weekday), timing / timing.sum(),
                                    history.calendars.get(str(payer)), str(segment)))
    return series, billing
