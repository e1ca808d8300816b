"""What the practice's own past says about payment, for the open-claims part of the cash forecast: per payer,
the chance a claim is paid, what it pays per CPT code, and when its past claims were adjudicated and paid
(PaymentTimes, per submission weekday). Pure pandas: a frame of past claims in (payment_history_at.sql's columns),
estimates out. Where a payer has too few claims, the practice-wide figure stands in.

The chance of payment and the amount are also kept per month of service: a high-deductible plan pays almost nothing on
January's sessions (the patient's deductible absorbs them) and most of October's, so a year's average would
over-forecast the winter and under-forecast the autumn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from models.cash.open_claims import OpenClaims, PaymentTimes
from models.cash.payment_runs import PaymentCalendar, learn_calendar

ALL = "*"  # the practice-wide key, used when a payer (or payer x CPT code) has fewer than MIN_CLAIMS
ANY_MONTH = 0  # the month key of estimates over the whole history window
WEEKDAY = "@"  # keys of claims submitted on one weekday: "<payer>@0" is the payer's claims submitted on Mondays
MIN_CLAIMS = 20
# The timing and the chance of payment are learnt from claims old enough for most payments to have come by the
# origin (a younger claim's payment may still be on its way); the amounts from the last year's claims, as payers
# raise their rates every year.
MATURE_DAYS = 180
RECENT_DAYS = 365
CALENDAR_DAYS = 366  # how far past the origin the payers' closed days are listed


@dataclass(frozen=True)
class PaymentHistory:
    paid_probability: dict[tuple[str, int], float]  # (payer or ALL, month or ANY_MONTH) -> share paid
    expected_amount: dict[tuple[str, str, int], float]  # (payer or ALL, CPT or ALL, month or ANY_MONTH) -> mean
    times: dict[str, PaymentTimes]  # times_key -> the past claims it names
    calendars: dict[str, PaymentCalendar]  # payer -> the days it does not pay on, over the coming year

    def times_key(self, payer_id: str, state: str, weekday: int) -> str:
        """Whose past claims an open claim in `state` follows: its payer's submitted on the same weekday
        (0 = Monday), else its payer's, else the practice's on that weekday, else the practice's; each only when
        at least MIN_CLAIMS of its claims were ever in that state."""
        on_day = f"{WEEKDAY}{int(weekday)}"
        for key in (payer_id + on_day, payer_id, ALL + on_day):
            if key in self.times and self.times[key].ever_in(state) >= MIN_CLAIMS:
                return key
        return ALL

    def probability(self, payer_id: str, month: int = ANY_MONTH) -> float:
        """The chance a claim of the payer, of a session in `month` (1-12), is paid eventually."""
        return _first(self.paid_probability, [(payer_id, month), (payer_id, ANY_MONTH), (ALL, month),
                                              (ALL, ANY_MONTH)])

    def month_factor(self, payer_id: str, month: int) -> float:
        """How much likelier than the payer's average a claim of a session in `month` is to be paid."""
        overall = self.probability(payer_id)
        return self.probability(payer_id, month) / overall if overall > 0 else 1.0

    def amount(self, payer_id: str, cpt_code: str, month: int = ANY_MONTH) -> float:
        """What the payer pays on a claim of the CPT code, of a session in `month`, when it pays."""
        return _first(self.expected_amount, [(payer, cpt, m) for payer, cpt in
                                             ((payer_id, cpt_code), (payer_id, ALL), (ALL, cpt_code), (ALL, ALL))
                                             for m in (month, ANY_MONTH)])


def _first(estimates: dict, keys: list) -> float:
    for key in keys:
        if key in estimates:
            return estimates[key]
    raise KeyError("no paid claim in the history")


def _means(rows: pd.DataFrame, columns: list[str], value: str, always: bool = False) -> dict[tuple, float]:
    """The mean of `value` per distinct `columns`, for groups of at least MIN_CLAIMS rows (or every group:
    `always`)."""
    stats = rows.groupby(columns)[value].agg(["size", "mean"])
    if not always:
        stats = stats[stats["size"] >= MIN_CLAIMS]
    return {(key if isinstance(key, tuple) else (key,)): float(mean) for key, mean in stats["mean"].items()}


def estimate(history: pd.DataFrame, runs: pd.DataFrame | None = None, origin: date | None = None) -> PaymentHistory:
    """Estimates from past claims: columns age_days (at the origin), payer_id, cpt_code, service_month (1-12),
    submitted_weekday (0 = Monday), was_denied (its first adjudication, by the origin, was a denial),
    adjudication_lag_days and paid_lag_days (days from submission to the first adjudication and the first
    payment; null: not by the origin), paid_amount (null: not paid, or still being adjusted). `runs` (payer_id,
    run_date: the days each payer paid on, up to `origin`) gives the payers' calendars for the year after it."""
    if history.empty or history["paid_lag_days"].notna().sum() == 0:
        raise ValueError("no claim in the history window was paid: too little history for a cash forecast")
    rows = history.assign(payer=history["payer_id"].astype(str), cpt=history["cpt_code"].astype(str), anyone=ALL,
                          month=history["service_month"].astype(int), any_month=ANY_MONTH,
                          paid=history["paid_lag_days"].notna(),
                          on_day=WEEKDAY + history["submitted_weekday"].astype(int).astype(str))
    everyone = rows
    rows = everyone[everyone["age_days"] >= MATURE_DAYS]
    if not rows["paid"].any():
        raise ValueError(f"no claim submitted {MATURE_DAYS} days or more before the origin was paid: too little "
                         "history for a cash forecast")
    probability: dict[tuple[str, int], float] = {}
    for who in ("anyone", "payer"):
        for month in ("any_month", "month"):
            probability.update(_means(rows, [who, month], "paid", always=(who, month) == ("anyone", "any_month")))
    known = everyone[everyone["paid_amount"].notna() & (everyone["age_days"] < RECENT_DAYS)
                     ].astype({"paid_amount": float})
    if known.empty:
        known = everyone[everyone["paid_amount"].notna()].astype({"paid_amount": float})
    amounts: dict[tuple[str, str, int], float] = {}
    for who in ("anyone", "payer"):
        for code in ("anyone", "cpt"):
            for month in ("any_month", "month"):
                amounts.update(_means(known, [who, code, month], "paid_amount",
                                      always=(who, code, month) == ("anyone", "anyone", "any_month")))
    # A payer pays in runs on its own weekdays, so the lag in days from a Monday submission differs from a
    # Thursday one by the days to the next run: the times are also kept per submission weekday, or a week's
    # expected cash smears across the week boundary.
    times: dict[str, PaymentTimes] = {}
    for columns in (["anyone"], ["anyone", "on_day"], ["payer"], ["payer", "on_day"]):
        times.update({"".join(names): PaymentTimes.from_lags(g["adjudication_lag_days"].tolist(),
                                                             g["paid_lag_days"].tolist(), g["was_denied"].astype(bool))
                      for names, g in rows.groupby(columns)})
    calendars: dict[str, PaymentCalendar] = {}
    if runs is not None and origin is not None:
        for payer, group in runs.groupby(runs["payer_id"].astype(str)):
            calendars[str(payer)] = learn_calendar(pd.to_datetime(group["run_date"]).dt.date, origin,
                                                   origin + timedelta(days=CALENDAR_DAYS))
    return PaymentHistory(probability, amounts, times, calendars)


def per_key(lookup: Callable[..., object], *columns: pd.Series) -> np.ndarray:
    """lookup(a, b, ...) for every row, computed once per distinct key: a practice has a few hundred payer x CPT
    x month keys and tens of thousands of claims."""
    keys = list(zip(*(column.tolist() for column in columns), strict=True))
    found = {key: lookup(*key) for key in set(keys)}
    return np.array([found[key] for key in keys])


def open_claims(frame: pd.DataFrame, history: PaymentHistory) -> OpenClaims:
    """OpenClaims from open_claims_at.sql's rows, each with its payer's (or the practice's) estimates, and the
    denial model's probability where the frame has a denial_probability column (NaN: not scored)."""
    payers = frame["payer_id"].astype(str)
    states = frame["state"].astype(str)
    months = frame["service_month"].astype(int)
    submitted = pd.to_datetime(frame["submitted_date"])
    # A pending claim's chance follows its month of service (deductibles); a denied or unpaid one's is set by
    # what already happened to it.
    factor = np.where(states == "pending", per_key(history.month_factor, payers, months).astype(float), 1.0)
    return OpenClaims(
        claim_id=frame["claim_id"].astype(str).to_numpy(),
        payer_id=payers.to_numpy(),
        times_key=per_key(history.times_key, payers, states, submitted.dt.day_of_week).astype(str),
        state=states.to_numpy(),
        segment=frame["segment"].astype(str).to_numpy(),
        submitted=submitted.to_numpy().astype("datetime64[D]"),
        expected_amount=per_key(history.amount, payers, frame["cpt_code"].astype(str), months).astype(float),
        payment_factor=factor,
        denial_probability=(frame["denial_probability"].astype(float).to_numpy() if "denial_probability" in frame
                            else np.full(len(frame), np.nan)),
    )
