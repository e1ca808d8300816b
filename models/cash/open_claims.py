"""Cash from claims already out (issue 6): what each open claim is expected to bring in, week by week.

A revenue-cycle team reasons about an open claim by what became of claims like it. The past claims of its
payer (submitted on the same weekday, as the payer pays in weekly runs) are kept as `PaymentTimes`: per claim,
the days from submission to its first adjudication and to its first payment. An open claim at age `a` days is
in one of three states at the origin:
- `pending`: not adjudicated yet. Of the past claims not adjudicated by age `a`, the share first paid at each
  lag `L` is its chance of being paid at `L`. Conditioning on "not adjudicated" rather than "not paid" matters:
  a claim the payer will deny is as undecided at age `a` as one it will pay, so the chance of payment does not
  shrink while a claim waits in the payer's queue.
- `denied`: its first adjudication was a denial. Of the past claims denied by age `a` and unpaid by then, the
  share paid at each lag (after a resubmission or an appeal).
- `unpaid`: adjudicated without a denial, but the payer paid nothing (a deductible, say). Likewise, from the
  past claims in that state.
Each share is an empirical conditional probability, so it needs no model of the lags and is exact on a series
with known lags. When the denial model has scored a pending claim (its chance `q` of a first-pass denial), the
past claims' shares are split by how their first adjudication went, and each branch is scaled from the past's
denial share at that age to `q`: a risky claim's cash moves from its clean-payment weeks to the later weeks of a
resubmission, and shrinks by what denials never recover.

A claim's expected receipt in a week is `expected_amount` x `payment_factor` x the shares of the lags whose
payment date falls in the week; `payment_factor` lets the caller scale the chance for what the state does not
hold (the month of service's deductibles). A claim older than every past claim in its state adds nothing: an
open claim past all observed lags is the collectors' work, not cash to count on.

The forecast's weeks are the Monday weeks after the origin's week, so an origin is meant to be a week's last
day (a Sunday, as in the backtest): its week is then history. Everything here is pure: arrays in, arrays out,
dates as numpy datetime64[D].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.cash.payment_runs import PaymentCalendar

DAY = np.timedelta64(1, "D")


NEVER = np.iinfo(np.int64).max  # a lag that did not happen (by the origin)
STATES = ("pending", "denied", "unpaid")


@dataclass(frozen=True)
class PaymentTimes:
    """Past claims (of one payer, or the practice), one entry per claim: days from submission to the first
    adjudication and to the first payment (NEVER when it had not happened by the forecast's origin), and whether
    the first adjudication was a denial."""

    adjudication_lag: np.ndarray
    paid_lag: np.ndarray
    denied: np.ndarray

    @classmethod
    def from_lags(cls, adjudication_lag: Sequence[float | None], paid_lag: Sequence[float | None],
                  denied: Sequence[bool]) -> PaymentTimes:
        """From per-claim lags in days, None, NaN or NA where it did not happen."""
        def days(values: Sequence[float | None]) -> np.ndarray:
            array = pd.to_numeric(pd.Series(values, dtype=object), errors="raise").to_numpy(dtype=float)
            if (array < 0).any():
                raise ValueError("a payment or adjudication lag cannot be negative")
            out = np.full(len(array), NEVER, dtype=np.int64)
            happened = ~np.isnan(array)
            out[happened] = array[happened].astype(np.int64)
            return out
        adjudicated, paid = days(adjudication_lag), days(paid_lag)
        if (paid < adjudicated).any():
            raise ValueError("a claim cannot be paid before its first adjudication")
        return cls(adjudicated, paid, np.asarray(denied, dtype=bool))

    def ever_in(self, state: str) -> int:
        """How many of the past claims were ever in `state`: what an estimate for that state rests on."""
        adjudicated = self.adjudication_lag < NEVER
        return int({"pending": len(self.paid_lag), "denied": (self.denied & adjudicated).sum(),
                    "unpaid": (~self.denied & adjudicated & (self.paid_lag > self.adjudication_lag)).sum()}[state])

    def _in_state(self, state: str, age: int) -> np.ndarray:
        if state == "pending":
            return self.adjudication_lag > age
        if state in ("denied", "unpaid"):
            return ((self.denied if state == "denied" else ~self.denied) & (self.adjudication_lag <= age)
                    & (self.paid_lag > age))
        raise ValueError(f"unknown claim state {state!r}: one of {', '.join(STATES)}")

    def paid_shares(self, state: str, ages: np.ndarray, first_pass: str | None = None) -> np.ndarray:
        """Per age (rows) and lag L in 0..the longest paid lag (columns): of the past claims in `state` and unpaid
        at that age, the share first paid at L (0 where no past claim was in that state at that age). With
        `first_pass` ("clean" or "denied"), only the payments of the claims whose first adjudication was (not) a
        denial count, still as a share of all the claims in the state: the two add up to the whole."""
        ages = np.asarray(ages, dtype=np.int64)
        paid = self.paid_lag < NEVER
        if first_pass is not None:
            if first_pass not in ("clean", "denied"):
                raise ValueError(f"first_pass is 'clean' or 'denied', got {first_pass!r}")
            paid = paid & (self.denied if first_pass == "denied" else ~self.denied)
        width = int(self.paid_lag[self.paid_lag < NEVER].max()) + 1 if (self.paid_lag < NEVER).any() else 1
        out = np.zeros((len(ages), width))
        for row, age in enumerate(ages):
            chosen = self._in_state(state, age)
            if chosen.any():
                out[row] = np.bincount(self.paid_lag[chosen & paid], minlength=width)[:width] / chosen.sum()
        return out

    def denial_share(self, ages: np.ndarray) -> np.ndarray:
        """Per age: of the past claims still pending at that age, the share whose first adjudication was a denial
        (NaN where none was pending)."""
        out = np.full(len(ages), np.nan)
        for row, age in enumerate(np.asarray(ages, dtype=np.int64)):
            chosen = self._in_state("pending", age)
            if chosen.any():
                out[row] = (self.denied & chosen).sum() / chosen.sum()
        return out


@dataclass(frozen=True)
class OpenClaims:
    """The claims open at the origin, one entry per claim (parallel arrays)."""

    claim_id: np.ndarray
    payer_id: np.ndarray  # whose payment calendar applies
    times_key: np.ndarray  # which PaymentTimes apply (the payer and submission weekday)
    state: np.ndarray  # pending, denied or unpaid (STATES)
    segment: np.ndarray  # where its cash is reported (the payer's type)
    submitted: np.ndarray  # datetime64[D]
    expected_amount: np.ndarray
    payment_factor: np.ndarray  # scales the chance of payment for what the state does not hold (1: as the past)
    denial_probability: np.ndarray  # a pending claim's chance of a first-pass denial from the denial model; NaN: none


def week_start(days: np.ndarray) -> np.ndarray:
    """The Monday on or before each date (1970-01-01 was a Thursday)."""
    days = np.asarray(days, dtype="datetime64[D]")
    return days - ((days.astype(np.int64) + 3) % 7) * DAY


def expected_receipts(claims: OpenClaims, times: Mapping[str, PaymentTimes], origin: np.datetime64,
                      horizon_weeks: int, calendars: Mapping[str, PaymentCalendar] | None = None) -> pd.DataFrame:
    """Expected cash per (week_start, segment) from the open claims, for the `horizon_weeks` Monday weeks after
    the origin's week (the origin's own week is history: the forecast starts the Monday after).

    Payments are expected after the origin only: a claim of age `a` at the origin is paid at a lag above `a`.
    A claim whose `times_key` has no PaymentTimes raises: a payer with no history needs a fallback chosen by the
    caller. A payment due on a day the claim's payer does not pay (its `calendars` entry) comes on its next run.
    """
    origin = np.datetime64(origin, "D")
    first_week = week_start(np.array([origin]))[0] + 7 * DAY
    weeks = first_week + 7 * DAY * np.arange(horizon_weeks)
    segments = sorted(set(claims.segment.tolist()))
    cash = {segment: np.zeros(horizon_weeks) for segment in segments}
    # Claims of one payer, history and state submitted on the same day are paid alike: only their amounts add,
    # kept apart for the pending claims the denial model scored (their clean and denied shares are reweighted).
    amount = claims.expected_amount * claims.payment_factor
    scored = (claims.state == "pending") & ~np.isnan(claims.denial_probability)
    q = np.where(scored, claims.denial_probability, 0.0)
    alike = pd.DataFrame({"payer": claims.payer_id, "key": claims.times_key, "state": claims.state,
                          "segment": claims.segment, "submitted": claims.submitted,
                          "amount": np.where(scored, 0.0, amount), "clean": np.where(scored, amount * (1 - q), 0.0),
                          "denied": np.where(scored, amount * q, 0.0)})
    alike = alike.groupby(["payer", "key", "state", "segment", "submitted"], as_index=False)[
        ["amount", "clean", "denied"]].sum()
    for (payer, key, state, segment), rows in alike.groupby(["payer", "key", "state", "segment"]):
        if key not in times:
            raise ValueError(f"no payment history for {str(key)!r}")
        submitted = rows["submitted"].to_numpy().astype("datetime64[D]")
        ages = ((origin - submitted) / DAY).astype(np.int64)
        shares = times[key].paid_shares(state, ages)
        expected = shares * rows["amount"].to_numpy(dtype=float)[:, None]
        if rows["clean"].any() or rows["denied"].any():
            expected += _reweighted(times[key], ages, rows["clean"].to_numpy(float), rows["denied"].to_numpy(float))
        lag_days = np.arange(shares.shape[1])
        expected = expected * (lag_days[None, :] > ages[:, None])
        paid_on = submitted[:, None] + lag_days[None, :] * DAY
        if calendars is not None and payer in calendars:
            paid_on = calendars[payer].reschedule(paid_on)
        week = ((week_start(paid_on) - first_week) / DAY).astype(np.int64) // 7
        inside = (week >= 0) & (week < horizon_weeks) & (expected != 0)
        cash[segment] += np.bincount(week[inside], weights=expected[inside], minlength=horizon_weeks)
    return pd.DataFrame({"week_start": np.repeat(pd.to_datetime(weeks), len(segments)),
                         "segment": np.tile(segments, horizon_weeks),
                         "expected": np.array([cash[segment] for segment in segments]).T.ravel()})


def _reweighted(times: PaymentTimes, ages: np.ndarray, clean: np.ndarray, denied: np.ndarray) -> np.ndarray:
    """Expected cash per (age row, lag) of pending claims the denial model scored: `clean` and `denied` hold
    their amounts times the chance of a clean first pass (1 - q) and of a denial (q). The past claims pending at
    the same age, split by how their first adjudication went, give the timing and chance of payment of each
    branch; each branch is scaled from the past's denial share to the model's (likelihood-ratio reweighting)."""
    past_denied = times.denial_share(ages)
    with np.errstate(divide="ignore", invalid="ignore"):
        clean_factor = np.where(past_denied < 1, clean / (1 - past_denied), 0.0)
        denied_factor = np.where(past_denied > 0, denied / past_denied, 0.0)
    clean_factor, denied_factor = np.nan_to_num(clean_factor), np.nan_to_num(denied_factor)
    return (times.paid_shares("pending", ages, "clean") * clean_factor[:, None]
            + times.paid_shares("pending", ages, "denied") * denied_factor[:, None])


@dataclass(frozen=True)
class BillingShare:
    """One slice of the claims not yet submitted: its share of each week's amount, the weekday it is submitted
    on (0 = Monday), the share of its payment that comes at each lag in days, and its payer's calendar."""

    share: float
    weekday: int
    paid_shares: np.ndarray
    calendar: PaymentCalendar | None = None
    segment: str = "total"  # where its cash is reported (the payer's type)


def receipts_from_future_claims(weekly_amount: pd.Series, billing: Sequence[BillingShare]) -> pd.Series:
    """Expected cash per Monday week from claims not yet submitted: `weekly_amount` (indexed by week_start) is
    what the claims submitted each week are expected to pay; each BillingShare of it is submitted on its
    weekday and paid after its lags, on its payer's runs. The result covers the same weeks as the input: cash
    that lands after its last week is left out."""
    weeks = pd.DatetimeIndex(weekly_amount.index)
    out = np.zeros(len(weeks))
    first = weeks[0].to_datetime64().astype("datetime64[D]")
    amounts = weekly_amount.to_numpy(dtype=float)
    for part in billing:
        submitted = weeks.to_numpy().astype("datetime64[D]") + part.weekday * DAY
        paid_on = submitted[:, None] + np.arange(len(part.paid_shares))[None, :] * DAY
        if part.calendar is not None:
            paid_on = part.calendar.reschedule(paid_on)
        index = ((week_start(paid_on) - first) / DAY).astype(np.int64) // 7
        inside = (index >= 0) & (index < len(weeks))
        cash = amounts[:, None] * part.share * part.paid_shares[None, :]
        np.add.at(out, index[inside], cash[inside])
    return pd.Series(out, index=weeks, name="expected")
