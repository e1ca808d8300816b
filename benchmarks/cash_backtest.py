"""Backtest of the weekly cash forecasts on a built warehouse (issue 6; work in progress: the forecast mart is not
built yet). Rolling origins at the ends of the last 52 complete weeks, horizons 1-13; per method, WAPE, MAPE,
bias and 80%/95% coverage of total weekly cash (marts.cash_weekly, segment 'total'). The 26 origins before
them also run, so that the intervals drawn from past errors (models.cash.intervals) have errors to draw on.

    .venv/bin/python benchmarks/cash_backtest.py --warehouse data/warehouse.duckdb

Methods:
- two-part: cash from the claims open at the origin (models.cash.warehouse.from_open_claims), plus cash from
  claims not yet submitted (the weekly submitted amounts, forecast by seasonal naive, paid after the practice's
  lag distribution), plus patient payments (their own series, seasonal naive);
- seasonal naive on total cash;
- Prophet alone on total cash;
- the mean of the two-part and seasonal-naive forecasts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.cash import backtest  # noqa: E402
from models.cash.history import ALL  # noqa: E402
from models.cash.intervals import with_past_error_intervals  # noqa: E402
from models.cash.open_claims import receipts_from_future_claims  # noqa: E402
from models.cash.series import Forecast, prophet, seasonal_naive  # noqa: E402
from models.cash.warehouse import from_open_claims, payment_history, weekly_submitted_amounts  # noqa: E402

HORIZON = backtest.HORIZON_WEEKS
ORIGINS = 52
WARMUP = 26  # earlier origins whose errors give the first evaluated origins their intervals


def weekly_cash(con: duckdb.DuckDBPyConnection, segment: str) -> pd.Series:
    rows = con.execute("select week_start, cash from marts.cash_weekly where segment = ? and is_complete_week "
                       "order by week_start", [segment]).df()
    return pd.Series(rows["cash"].astype(float).to_numpy(), index=pd.to_datetime(rows["week_start"]))


def two_part(con: duckdb.DuckDBPyConnection, patient: pd.Series):
    def method(seen: pd.Series, horizon: int) -> Forecast:
        origin_week = seen.index[-1]
        origin = (origin_week + pd.Timedelta(days=6)).date()
        history = payment_history(con, origin)
        open_part = from_open_claims(con, origin, horizon, history=history).groupby("week_start")["expected"].sum()
        submitted = weekly_submitted_amounts(con, origin, history)
        future = seasonal_naive(submitted, horizon)
        weeks = future.week_start
        future_part = receipts_from_future_claims(pd.Series(future.forecast, index=weeks),
                                                  history.probability(ALL, False), history.lags[history.lag_key(ALL)])
        patient_part = seasonal_naive(patient.loc[:origin_week], horizon).forecast
        point = open_part.reindex(weeks, fill_value=0.0).to_numpy() + future_part.to_numpy() + patient_part
        return Forecast(weeks, point, point, point, point, point)  # intervals: from past errors, below
    return method


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    args = parser.parse_args(argv)
    con = duckdb.connect(str(args.warehouse), read_only=True)
    total, patient = weekly_cash(con, "total"), weekly_cash(con, "patient")
    origins = total.index[-ORIGINS - WARMUP - 1:-1]
    evaluated = set(origins[-ORIGINS:])
    methods = {"two-part": two_part(con, patient), "seasonal naive": lambda s, h: seasonal_naive(s, h),
               "Prophet alone": lambda s, h: prophet(s, h)}
    frames = {}
    for name, method in methods.items():
        started = time.perf_counter()
        frame = backtest.rolling_origin(total, origins, method, HORIZON)
        if name != "Prophet alone":  # Prophet has intervals of its own
            frame = with_past_error_intervals(frame)
        frames[name] = frame
        seconds = time.perf_counter() - started
        print(f"\n{name} ({ORIGINS} origins evaluated, {len(origins)} run, {seconds:.1f} s)")
        print(backtest.accuracy(frame[frame["origin"].isin(evaluated)]).round(3).to_string(index=False))
    # The mean of the two-part and the seasonal-naive forecasts (point forecasts only).
    mean = frames["two-part"].copy()
    mean["forecast"] = (frames["two-part"]["forecast"] + frames["seasonal naive"]["forecast"]) / 2
    mean = with_past_error_intervals(mean)
    print("\nmean of two-part and seasonal naive")
    print(backtest.accuracy(mean[mean["origin"].isin(evaluated)]).round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
