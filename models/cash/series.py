"""Forecasts of a weekly cash series (issue 6): the seasonal-naive baseline and Prophet, each with 80% and 95%
intervals, on Monday-start weeks.

Payers pay on business days, so a week's cash depends on how many it has: `business_days` (weekdays that are
not US federal holidays) is Prophet's regressor, known for every future week. Prophet's own daily holiday
effects do not apply to weekly rows (a weekly `ds` is always a Monday), which is why the holidays enter this way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import holidays
import numpy as np
import pandas as pd

SEASON_WEEKS = 52
TREND_WEEKS = 13
LEVELS = (0.80, 0.95)


@dataclass(frozen=True)
class Forecast:
    """One forecast: per future week, the point forecast and the bounds of the 80% and 95% intervals."""

    week_start: pd.DatetimeIndex
    forecast: np.ndarray
    lo80: np.ndarray
    hi80: np.ndarray
    lo95: np.ndarray
    hi95: np.ndarray

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"week_start": self.week_start, "forecast": self.forecast, "lo80": self.lo80,
                             "hi80": self.hi80, "lo95": self.lo95, "hi95": self.hi95})


def future_weeks(history: pd.Series, horizon: int) -> pd.DatetimeIndex:
    """The `horizon` Mondays after the history's last week."""
    return pd.date_range(history.index[-1] + pd.Timedelta(weeks=1), periods=horizon, freq="7D")


def business_days(week_starts: pd.DatetimeIndex) -> np.ndarray:
    """Per Monday-start week, its weekdays that are not US federal holidays (observed dates)."""
    years = range(week_starts.min().year - 1, week_starts.max().year + 2)
    closed = set(holidays.US(years=years, observed=True))
    return np.array([sum(1 for d in range(5) if (start + pd.Timedelta(days=d)).date() not in closed)
                     for start in week_starts], dtype=float)


def seasonal_naive(history: pd.Series, horizon: int, residual_scale: float | None = None, window: int = 1) -> Forecast:
    """The same week a year (52 weeks) earlier, scaled by the recent trend: the last 13 weeks' cash over the same
    13 weeks a year before. With `window` (odd) above 1, the year-before week is the mean of the `window` weeks
    centred on it, which keeps one unusual week (a catch-up after a holiday) from repeating a year later.
    Intervals, when `residual_scale` (a typical absolute error) is given, are normal with that scale; otherwise
    they collapse onto the forecast.

    Needs 52 + 13 weeks of history, and (window - 1) / 2 more.
    """
    if window < 1 or window % 2 == 0:
        raise ValueError(f"the window is an odd number of weeks, got {window}")
    values = history.to_numpy(dtype=float)
    half = window // 2
    if len(values) < SEASON_WEEKS + TREND_WEEKS + half:
        raise ValueError(f"seasonal naive needs {SEASON_WEEKS + TREND_WEEKS + half} weeks of history, "
                         f"got {len(values)}")
    recent = values[-TREND_WEEKS:].sum()
    year_before = values[-TREND_WEEKS - SEASON_WEEKS:-SEASON_WEEKS].sum()
    trend = recent / year_before if year_before > 0 else 1.0
    # Week h ahead (h = 1..horizon) is 52 - h + 1 weeks after its seasonal twin; beyond a year, the twin's twin.
    twins = np.array([values[len(values) - SEASON_WEEKS + (h % SEASON_WEEKS) - half:][:window].mean()
                      for h in range(horizon)])
    point = twins * trend
    scale = 0.0 if residual_scale is None else residual_scale
    z80, z95 = 1.2815515655446004, 1.959963984540054
    return Forecast(future_weeks(history, horizon), point, point - z80 * scale, point + z80 * scale,
                    point - z95 * scale, point + z95 * scale)


def prophet(history: pd.Series, horizon: int, samples: int = 300, seed: int = 0) -> Forecast:
    """Prophet on the weekly series: linear trend, yearly seasonality, business days as a regressor. The
    intervals are quantiles of Prophet's predictive samples (trend and noise), so one fit gives both levels."""
    from prophet import Prophet  # heavy import: only where a Prophet forecast is made

    from cmdstanpy.utils import get_logger

    # cmdstanpy sets its logger to DEBUG the first time it is used: configure it first, then quieten it.
    get_logger().setLevel(logging.WARNING)
    # Prophet warns on every fit with under two years of history that yearly seasonality may be under-identified:
    # true of the backtest's early origins, said once in docs/cash-forecast.md, not 78 times in the build's log.
    logging.getLogger("prophet").setLevel(logging.ERROR)
    frame = pd.DataFrame({"ds": history.index, "y": history.to_numpy(dtype=float)})
    frame["business_days"] = business_days(pd.DatetimeIndex(frame["ds"]))
    model = Prophet(yearly_seasonality=True, weekly_seasonality=False, daily_seasonality=False,
                    uncertainty_samples=samples)
    model.add_regressor("business_days")
    np.random.seed(seed)  # Prophet draws its predictive samples from numpy's global generator
    model.fit(frame)
    weeks = future_weeks(history, horizon)
    future = pd.DataFrame({"ds": weeks, "business_days": business_days(weeks)})
    draws = model.predictive_samples(future)["yhat"]  # weeks x samples
    point = model.predict(future)["yhat"].to_numpy()
    lo80, hi80, lo95, hi95 = (np.quantile(draws, q, axis=1) for q in (0.10, 0.90, 0.025, 0.975))
    return Forecast(weeks, point, lo80, hi80, lo95, hi95)
