"""Backtest of weekly cash forecasts (issue 6): rolling origins, horizons 1 to 13 weeks, and the accuracy
measures finance reads: WAPE and MAPE per horizon, bias, and how often the intervals cover the actual.

- WAPE (weighted absolute percentage error) = sum |actual - forecast| / sum |actual|, over the rows given;
  "95% accuracy" is a WAPE of 5%.
- MAPE = mean of |actual - forecast| / |actual| over rows whose actual is not 0.
- bias = sum (forecast - actual) / sum |actual|: positive when the method over-forecasts.
- coverage = the share of rows whose actual lies within [lo, hi] (both included), over the rows that have an
  interval.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd


HORIZON_WEEKS = 13


def wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    return float(np.abs(actual - forecast).sum() / np.abs(actual).sum())


def mape(actual: np.ndarray, forecast: np.ndarray) -> float:
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    nonzero = actual != 0
    return float(np.mean(np.abs(actual[nonzero] - forecast[nonzero]) / np.abs(actual[nonzero])))


def bias(actual: np.ndarray, forecast: np.ndarray) -> float:
    actual, forecast = np.asarray(actual, float), np.asarray(forecast, float)
    return float((forecast - actual).sum() / np.abs(actual).sum())


def coverage(actual: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> float:
    """Over the rows that have an interval (NaN bounds: none yet); NaN when no row has one."""
    actual, lo, hi = np.asarray(actual, float), np.asarray(lo, float), np.asarray(hi, float)
    has = ~(np.isnan(lo) | np.isnan(hi))
    if not has.any():
        return float("nan")
    return float(np.mean((lo[has] <= actual[has]) & (actual[has] <= hi[has])))


def accuracy(backtest: pd.DataFrame, bands: Iterable[tuple[int, int]] = ((1, 1), (4, 4), (1, 4), (5, 13))
             ) -> pd.DataFrame:
    """WAPE, MAPE, bias and 80%/95% coverage of a backtest frame (horizon_weeks, actual, forecast, lo80/hi80, lo95/hi95), per horizon band (first, last) that has
    rows."""
    out = []
    for first, last in bands:
        rows = backtest[(backtest["horizon_weeks"] >= first) & (backtest["horizon_weeks"] <= last)]
        if rows.empty:  # too few origins to reach this far ahead
            continue
        out.append({"horizons": f"{first}" if first == last else f"{first}-{last}", "rows": len(rows),
                    "wape": wape(rows["actual"], rows["forecast"]), "mape": mape(rows["actual"], rows["forecast"]),
                    "bias": bias(rows["actual"], rows["forecast"]),
                    "coverage80": coverage(rows["actual"], rows["lo80"], rows["hi80"]),
                    "coverage95": coverage(rows["actual"], rows["lo95"], rows["hi95"])})
    return pd.DataFrame(out)
