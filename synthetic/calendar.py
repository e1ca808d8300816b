"""Practice calendar: when the office is closed, when billing runs, when payers pay."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

# The federal holidays a therapy practice closes for (it stays open on Columbus and Veterans Day).
_CLOSED_ON = {
    "New Year's Day", "Martin Luther King Jr. Day", "Memorial Day", "Juneteenth National Independence Day",
    "Independence Day", "Labor Day", "Thanksgiving Day", "Christmas Day",
}


@lru_cache(maxsize=None)
def closed_days(year: int) -> frozenset[date]:
    days = {d for d, name in holidays.country_holidays("US", years=year).items() if name in _CLOSED_ON}
    days |= {d + timedelta(days=1) for d, name in holidays.country_holidays("US", years=year).items()
             if name == "Thanksgiving Day"}
    days.add(date(year, 12, 24))
    return frozenset(days)


def is_open(day: date) -> bool:
    return day.weekday() < 5 and day not in closed_days(day.year)


def next_weekday(day: date, weekday: int) -> date:
    """The first `weekday` (0 = Monday) on or after `day`, skipping closed days."""
    day = day + timedelta(days=(weekday - day.weekday()) % 7)
    while day in closed_days(day.year):
        day += timedelta(days=7)
    return day


def next_open_day(day: date) -> date:
    while not is_open(day):
        day += timedelta(days=1)
    return day


BILLING_WEEKDAYS = (0, 2, 4)  # the biller submits claims on Monday, Wednesday and Friday afternoons


def next_billing_day(after: datetime) -> date:
    """The first billing afternoon (16:00) at or after `after`."""
    day = after.date()
    if after.time() >= time(16, 0):
        day += timedelta(days=1)
    while day.weekday() not in BILLING_WEEKDAYS or not is_open(day):
        day += timedelta(days=1)
    return day


def local(day: date, hour: int, minute: int, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)
