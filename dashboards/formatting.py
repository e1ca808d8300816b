"""How numbers read on the pages: dollars, percentages, days. Pure functions, tested."""

from __future__ import annotations

import math


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("<NA>", "NaT")


def money(value, decimals: int = 0) -> str:
    """$1,234 (negative: -$1,234); an em dash when there is no value."""
    if _missing(value):
        return "—"
    amount = float(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.{decimals}f}"


def percent(value, decimals: int = 1) -> str:
    """A share (0.123) as 12.3%."""
    if _missing(value):
        return "—"
    return f"{float(value) * 100:.{decimals}f}%"


def days(value, decimals: int = 1) -> str:
    if _missing(value):
        return "—"
    return f"{float(value):,.{decimals}f} days"


def points_change(current, previous) -> str | None:
    """The change of a share in percentage points, for st.metric's delta: '+1.2 pp'; None without both."""
    if _missing(current) or _missing(previous):
        return None
    return f"{(float(current) - float(previous)) * 100:+.1f} pp"


def change(current, previous, unit: str = "") -> str | None:
    if _missing(current) or _missing(previous):
        return None
    return f"{float(current) - float(previous):+,.1f}{unit}"
