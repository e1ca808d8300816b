"""Cash from claims already out (issue 6): what each open claim is expected to bring in, week by week.

A revenue-cycle team reasons about an open claim in three numbers:
- `paid_probability`: the chance the payer ever pays it (from its history, and the denial model when it
  exists);
- `expected_amount`: what the payer pays when it does (its allowed amount for the CPT code, less the patient's
  expected share);
- the payer's **lag distribution**: of the claims it paid, how many days after submission the payment came
  (`LagDistribution`, empirical, from claims paid before the forecast's origin).

A claim still open at age `a` days has not been paid by then, which says something: of the claims that will be
paid, only those with a lag above `a` are left. By Bayes, the chance it is paid at lag `L > a` is

    p * f(L) / (p * S(a) + (1 - p))

where `p` is `paid_probability`, `f` the lag distribution and `S(a)` the share of lags above `a`. Its expected
receipt in a week is `expected_amount` times the sum of that over the lags whose payment date falls in the week.
A claim older than every lag the payer has shown is treated as one that will not be paid by the distribution
(its `S(a)` is 0), so it adds nothing: an open claim past all observed lags is the collectors' work, not cash to
count on.

The forecast's weeks are the Monday weeks after the origin's week, so an origin is meant to be a week's last
day (a Sunday, as in the backtest): its week is then history. Everything here is pure: arrays in, arrays out,
dates as numpy datetime64[D].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class LagDistribution:
    """Days from submission to payment, as an empirical probability mass over whole days 0..len(pmf)-1."""

    pmf: np.ndarray

    @classmethod
    def from_lags(cls, lags_days: Sequence[int] | np.ndarray) -> LagDistribution:
        lags = np.asarray(lags_days, dtype=np.int64)
        if lags.size == 0:
            raise ValueError("a lag distribution needs at least one paid claim")
        if (lags < 0).any():
            raise ValueError("a payment lag cannot be negative")
        counts = np.bincount(lags)
        return cls(counts / counts.sum())

    @property
    def max_lag(self) -> int:
        return len(self.pmf) - 1

    def survival(self, age_days: np.ndarray) -> np.ndarray:
        """S(a): the share of lags strictly above each age."""
        tail = np.concatenate([np.cumsum(self.pmf[::-1])[::-1], [0.0]])  # tail[k] = P(L >= k)
        return tail[np.clip(np.asarray(age_days, dtype=np.int64) + 1, 0, len(self.pmf))]


@dataclass(frozen=True)
class OpenClaims:
    """The claims open at the origin, one entry per claim (parallel arrays)."""

    claim_id: np.ndarray
    lag_key: np.ndarray  # which lag distribution applies (the payer id)
    segment: np.ndarray  # where its cash is reported (the payer's type)
    submitted: np.ndarray  # datetime64[D]
    paid_probability: np.ndarray
    expected_amount: np.ndarray


def week_start(days: np.ndarray) -> np.ndarray:
    """The Monday on or before each date (1970-01-01 was a Thursday)."""
    days = np.asarray(days, dtype="datetime64[D]")
    return days - ((days.astype(np.int64) + 3) % 7) * DAY


def expected_receipts(claims: OpenClaims, lags: Mapping[str, LagDistribution], origin: np.datetime64,
                      horizon_weeks: int) -> pd.DataFrame:
    """Expected cash per (week_start, segment) from the open claims, for the `horizon_weeks` Monday weeks after
    the origin's week (the origin's own week is history: the forecast starts the Monday after).

    Payments are expected after the origin only: a claim of age `a` at the origin is paid at a lag above `a`.
    A claim whose `lag_key` has no distribution raises: a payer with no paid claims needs a fallback chosen by
    the caller.
    """
    origin = np.datetime64(origin, "D")
    first_week = week_start(np.array([origin]))[0] + 7 * DAY
    weeks = first_week + 7 * DAY * np.arange(horizon_weeks)
    horizon_end = weeks[-1] + 7 * DAY  # exclusive
    parts = []
    ages = ((origin - claims.submitted) / DAY).astype(np.int64)
    for key in np.unique(claims.lag_key):
        if key not in lags:
            raise ValueError(f"no payment-lag distribution for {str(key)!r}")
        distribution = lags[key]
        chosen = np.flatnonzero(claims.lag_key == key)
        p, age = claims.paid_probability[chosen], ages[chosen]
        denominator = p * distribution.survival(age) + (1.0 - p)
        # Per claim (rows) and lag L in 0..max (columns): the chance of payment at L given none by the origin.
        lag_days = np.arange(len(distribution.pmf))
        alive = (lag_days[None, :] > age[:, None]) & (denominator[:, None] > 0)
        weight = np.divide(p[:, None] * distribution.pmf[None, :], denominator[:, None],
                           out=np.zeros((len(chosen), len(lag_days))), where=alive)
        paid_on = claims.submitted[chosen][:, None] + lag_days[None, :] * DAY
        inside = (paid_on >= first_week) & (paid_on < horizon_end) & (weight > 0)
        parts.append(pd.DataFrame({
            "week_start": pd.to_datetime(week_start(paid_on[inside])),
            "segment": np.broadcast_to(claims.segment[chosen][:, None], paid_on.shape)[inside],
            "expected": (weight * claims.expected_amount[chosen][:, None])[inside],
        }))
    index = pd.MultiIndex.from_product([pd.to_datetime(weeks), sorted(set(claims.segment.tolist()))],
                                       names=["week_start", "segment"])
    sums = pd.concat(parts).groupby(["week_start", "segment"])["expected"].sum() if parts else pd.Series(dtype=float)
    return sums.reindex(index, fill_value=0.0).rename("expected").reset_index()


def receipts_from_future_claims(weekly_amount: pd.Series, paid_probability: float, lags: LagDistribution,
                                submit_weekday: int = 2) -> pd.Series:
    """Expected cash per Monday week from claims not yet submitted: `weekly_amount` (indexed by week_start) is
    what the claims submitted each week are expected to pay when paid; each week's claims are taken as submitted
    on one day of it (`submit_weekday`, 0 = Monday; Wednesday by default, the middle of the billing week), paid
    with `paid_probability` after the payer's lag distribution. The result covers the same weeks as the input:
    cash that lands after its last week is left out."""
    weeks = pd.DatetimeIndex(weekly_amount.index)
    out = np.zeros(len(weeks))
    submitted = weeks.to_numpy().astype("datetime64[D]") + submit_weekday * DAY
    first = weeks[0].to_datetime64().astype("datetime64[D]")
    for amount, day in zip(weekly_amount.to_numpy(dtype=float), submitted, strict=True):
        paid_on = day + np.arange(len(lags.pmf)) * DAY
        index = ((week_start(paid_on) - first) / DAY).astype(np.int64) // 7
        inside = (index >= 0) & (index < len(weeks))
        np.add.at(out, index[inside], amount * paid_probability * lags.pmf[inside])
    return pd.Series(out, index=weeks, name="expected")
