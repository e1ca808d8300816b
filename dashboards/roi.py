"""The cost of inaction (the seed's ROI calculator): what denials, their rework and slow collections cost the
practice a year. Pure arithmetic on numbers the page prefills from the warehouse and the user may change; money in
exact decimals, rounded to the cent at the end, as kpis.md asks of every figure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
AR_WINDOW_DAYS = 90  # kpis.md's days in A/R divide by the charges of 90 days
AR_TARGET_DAYS = 35  # the benchmark the Overview page draws
MINUTES_PER_REWORK = 20
HOURLY_STAFF_COST = 25
ANNUAL_CARRYING_RATE = 0.08


@dataclass(frozen=True)
class CostOfInaction:
    denied_dollars: Decimal  # a year's unrecovered denials
    rework_hours: Decimal  # staff hours a year spent reworking claims
    rework_labour: Decimal  # what those hours cost
    excess_ar_days: Decimal  # days in A/R above the target (0 at or under it)
    excess_ar_cash: Decimal  # cash tied up by those days
    carrying_cost: Decimal  # what that cash costs a year

    @property
    def total(self) -> Decimal:
        return self.denied_dollars + self.rework_labour + self.carrying_cost

    def parts(self) -> dict[str, Decimal]:
        """The annual cost's parts, in the order the page shows them."""
        return {"unrecovered denials": self.denied_dollars, "rework labour": self.rework_labour,
                "carrying cost of excess A/R": self.carrying_cost}


def _decimal(value, name: str) -> Decimal:
    # str() first: Decimal(0.1) would carry the float's binary error into the cents.
    number = Decimal(str(value))
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} must be a number of at least 0, not {value!r}")
    return number


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def cost_of_inaction(*, denied_dollars, claims_reworked, days_in_ar, charges_last_90_days,
                     minutes_per_rework=MINUTES_PER_REWORK, hourly_staff_cost=HOURLY_STAFF_COST,
                     target_days=AR_TARGET_DAYS, annual_rate=ANNUAL_CARRYING_RATE) -> CostOfInaction:
    """A year's cost of leaving denials and A/R as they are:

    - unrecovered denials: denied_dollars, as given;
    - rework labour: claims_reworked x minutes_per_rework / 60 hours, x hourly_staff_cost;
    - carrying cost: the cash tied up by A/R above target_days, (days_in_ar - target_days) x the average day's
      charges (charges_last_90_days / 90), x annual_rate.

    Every input must be at least 0 (ValueError otherwise); days in A/R under the target cost nothing.
    """
    denied = _decimal(denied_dollars, "denied dollars")
    hours = _decimal(claims_reworked, "claims reworked") * _decimal(minutes_per_rework, "minutes per rework") / 60
    labour = hours * _decimal(hourly_staff_cost, "hourly staff cost")
    excess_days = max(Decimal(0), _decimal(days_in_ar, "days in A/R") - _decimal(target_days, "target days"))
    daily_charges = _decimal(charges_last_90_days, "charges of the last 90 days") / AR_WINDOW_DAYS
    excess_cash = excess_days * daily_charges
    carrying = excess_cash * _decimal(annual_rate, "annual rate")
    return CostOfInaction(denied_dollars=_cents(denied), rework_hours=hours.quantize(Decimal("0.1"), ROUND_HALF_UP),
                          rework_labour=_cents(labour), excess_ar_days=excess_days, excess_ar_cash=_cents(excess_cash),
                          carrying_cost=_cents(carrying))
