"""When a payer pays (issue 6): its payment runs fall on its own weekdays, and a run that falls on a holiday the
payer keeps comes later. Learned per payer from the dates it paid on, so the open claims' expected cash lands in
the right week around holidays instead of a week early.

A payer is taken to keep a holiday (no run that day) when, in its history, it did not pay on that holiday when
the holiday fell on one of its run weekdays; to work through it when it did pay; and, with no evidence either
way, to keep it when it is a US federal holiday (the banks are closed). A run it skips comes `shift_days` later:
the typical gap, in its history, from a kept holiday to its next payment; with no such history, the next
weekday.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import holidays
import numpy as np

DAY = np.timedelta64(1, "D")
RUN_WEEKDAY_SHARE = 0.2  # a weekday is a run weekday when it holds this share of the busiest weekday's runs
MAX_SHIFT_DAYS = 14  # a later payment further off than this is not the skipped run


@dataclass(frozen=True)
class PaymentCalendar:
    """Days a payer is expected not to pay on, and how much later a run that falls on one comes."""

    closed: np.ndarray  # datetime64[D]
    shift_days: int | None  # None: to the next weekday that is not closed

    def reschedule(self, days: np.ndarray) -> np.ndarray:
        """Each payment date moved off the closed days."""
        days = np.asarray(days, dtype="datetime64[D]")
        if days.size == 0 or self.closed.size == 0:
            return days.copy()
        # Payment dates repeat a lot (claims x lags): move each day of their span once, then look them up.
        first = days.min()
        span = first + np.arange(int((days.max() - first) / DAY) + 1) * DAY
        return self._moved(span)[((days - first) / DAY).astype(np.int64)]

    def _moved(self, days: np.ndarray) -> np.ndarray:
        out = days.copy()
        for _ in range(7):
            hit = np.isin(out, self.closed)
            if not hit.any():
                break
            if self.shift_days is not None:
                out[hit] += self.shift_days * DAY
            else:
                out[hit] += DAY
                weekend = hit & (((out.astype(np.int64) + 3) % 7) >= 5)  # 1970-01-01 was a Thursday
                out[weekend] += (7 - ((out[weekend].astype(np.int64) + 3) % 7)) * DAY
        return out


def _holidays(first: date, last: date) -> dict[date, str]:
    found = holidays.US(years=range(first.year, last.year + 1), observed=True)
    return {day: name for day, name in found.items() if first <= day <= last}


def learn_calendar(run_dates: Iterable[date], until: date, horizon_end: date) -> PaymentCalendar:
    """A payer's calendar from the dates it paid on up to `until`, with its closed days from `until` (excluded)
    to `horizon_end` (included)."""
    runs = sorted(set(run_dates))
    closed: list[date] = []
    shifts: list[int] = []
    kept: set[str] = set()
    worked: set[str] = set()
    if runs:
        per_weekday = np.bincount([day.weekday() for day in runs], minlength=7)
        run_weekdays = {w for w in range(7) if per_weekday[w] >= RUN_WEEKDAY_SHARE * per_weekday.max()}
        run_set = set(runs)
        for day, name in _holidays(runs[0], min(runs[-1], until)).items():
            if day.weekday() not in run_weekdays:
                continue
            if day in run_set:
                worked.add(name)
                continue
            kept.add(name)
            later = [run for run in runs if day < run <= day + timedelta(days=MAX_SHIFT_DAYS)]
            if later:
                shifts.append((later[0] - day).days)
    for day, name in _holidays(until + timedelta(days=1), horizon_end).items():
        if name in kept or name not in worked:
            closed.append(day)
    shift = int(np.median(shifts).round()) if shifts else None
    return PaymentCalendar(np.array(closed, dtype="datetime64[D]"), shift)
