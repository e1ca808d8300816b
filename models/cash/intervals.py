"""Prediction intervals from a method's own past errors (issue 6): for a forecast h weeks ahead, the 80% and 95%
intervals are the forecast scaled by the quantiles of the relative errors (actual / forecast - 1) the method made
h weeks ahead before, counting only errors already known at the forecast's origin (their target week ended by
then). This gives intervals to methods with no model of their own (seasonal naive, the two-part forecast) and
is honest in a backtest: no origin sees its own future.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

QUANTILES = {"lo80": 0.10, "hi80": 0.90, "lo95": 0.025, "hi95": 0.975}
MIN_ERRORS = 8  # fewer past errors at a horizon: no interval (NaN)


def relative_error_quantiles(errors: np.ndarray) -> dict[str, float]:
    """The QUANTILES of relative errors (numpy's linear interpolation)."""
    return {name: float(np.quantile(errors, q)) for name, q in QUANTILES.items()}


def with_past_error_intervals(backtest: pd.DataFrame) -> pd.DataFrame:
    """A backtest frame (origin, horizon_weeks, week_start, actual, forecast) with lo80/hi80/lo95/hi95
    replaced: each row's from the errors of rows at the same horizon whose week_start is before the row's origin
    week (so their actual was known); NaN while fewer than MIN_ERRORS exist."""
    out = backtest.copy()
    for name in QUANTILES:
        out[name] = np.nan
    out["_error"] = out["actual"] / out["forecast"] - 1.0
    for _, rows in out.groupby("horizon_weeks"):
        weeks, errors = rows["week_start"].to_numpy(), rows["_error"].to_numpy()
        usable = np.isfinite(errors)  # unknown actual, or a forecast of 0
        for index, origin, forecast in zip(rows.index, rows["origin"], rows["forecast"], strict=True):
            past = errors[usable & (weeks < (origin + pd.Timedelta(weeks=1)).to_datetime64())]
            if len(past) >= MIN_ERRORS:
                for name, value in relative_error_quantiles(past).items():
                    out.at[index, name] = forecast * (1.0 + value)
    return out.drop(columns="_error")
