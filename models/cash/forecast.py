"""The cash forecast and its backtest (issue 6): every method forecast from every weekly origin of the last year,
scored against what came, and the method that scored best at 1-4 weeks chosen for the forecast from today.

Methods, each per segment (the payer types, `patient`, and `total`, their sum):
- `two-part`: cash from the claims open at the origin (models.cash.open_claims), plus cash from claims not yet
  submitted (the weekly amounts billed, forecast by a smoothed seasonal naive and paid after each payer's lags
  on its own payment days), plus patient payments (their own series, smoothed seasonal naive);
- `seasonal naive`: the same week a year before, scaled by the recent trend (the baseline finance knows);
- `Prophet`: Prophet alone on total weekly cash (total only).

The two-part and seasonal-naive intervals come from each method's own past errors at the same horizon
(models.cash.intervals); Prophet's from its predictive samples. An origin is the Sunday that ends the last week
the method sees; the forecast is for the 13 Monday weeks after it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import date
from importlib import resources
from string import Template

import duckdb
import numpy as np
import pandas as pd

from mining.events import check_relation
from models.cash import backtest
from models.cash.intervals import with_past_error_intervals
from models.cash.open_claims import receipts_from_future_claims
from models.cash.series import SEASON_WEEKS, TREND_WEEKS, prophet, seasonal_naive
from models.cash.warehouse import denial_probabilities, from_open_claims, future_billing, payment_history
from orchestration.warehouse_connection import WarehouseKey, connect

TOTAL, PATIENT = "total", "patient"
TWO_PART, SEASONAL_NAIVE, PROPHET = "two-part", "seasonal naive", "Prophet"
METHODS = (TWO_PART, SEASONAL_NAIVE, PROPHET)
SMOOTHING_WEEKS = 3  # the two-part forecast's seasonal naive averages the year-before week with its neighbours
ORIGINS = 52  # the backtest's scored origins: the last year's weeks
WARMUP = 26  # earlier origins run for their errors only, so the first scored forecasts have intervals
CHOICE_HORIZONS = (1, 4)  # the method with the lowest total WAPE over these horizons is the one chosen
MIN_HISTORY_WEEKS = SEASON_WEEKS + TREND_WEEKS + SMOOTHING_WEEKS // 2
INTERVAL_COLUMNS = ["lo80", "hi80", "lo95", "hi95"]
PARTS = ["from_open_claims", "from_future_care", "from_patients"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CashForecast:
    forecast: pd.DataFrame  # marts.cash_forecast: every method's forecast from the last complete week
    backtest: pd.DataFrame  # marts.cash_forecast_backtest: the scored origins' forecasts beside the actuals
    accuracy: pd.DataFrame  # marts.cash_forecast_accuracy: per segment, method and horizon (band)
    chosen: str  # the method with the lowest total WAPE at horizons 1-4
    origin: date  # the Sunday that ends the last complete week


def _sql(name: str) -> Template:
    return Template(resources.files("models.cash").joinpath(name).read_text(encoding="utf-8"))


def weekly_cash(con: duckdb.DuckDBPyConnection, relation: str = "marts.cash_weekly") -> pd.DataFrame:
    """Complete weeks' cash, one row per Monday week_start and one column per segment (0 where none came)."""
    rows = con.execute(_sql("cash_weekly_complete.sql").substitute(cash_weekly=check_relation(relation))).df()
    if rows.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="week_start"))
    rows["week_start"] = pd.to_datetime(rows["week_start"])
    table = rows.pivot(index="week_start", columns="segment", values="cash").astype(float).fillna(0.0)
    for needed in (TOTAL, PATIENT):
        if needed not in table.columns:
            table[needed] = 0.0
    return table


def origin_date(week: pd.Timestamp) -> date:
    """The Sunday that ends a Monday week."""
    return (week + pd.Timedelta(days=6)).date()


def two_part(con: duckdb.DuckDBPyConnection, cash: pd.DataFrame, origin_week: pd.Timestamp, horizon: int,
             claims: str = "marts.fct_claims", denial: pd.Series | None = None) -> pd.DataFrame:
    """The two-part forecast from the end of `origin_week`, per segment: week_start, segment, forecast and its
    parts (from_open_claims, from_future_care, from_patients). `denial`: the denial model's probabilities by
    claim_id, for the open claims it scored."""
    origin = origin_date(origin_week)
    history = payment_history(con, origin, claims)
    opened = from_open_claims(con, origin, horizon, claims, history=history, denial=denial)
    amounts, billing = future_billing(con, origin, history, claims)
    billed = seasonal_naive(amounts.loc[:origin_week], horizon, window=SMOOTHING_WEEKS)
    weeks = billed.week_start
    billed = pd.Series(billed.forecast, index=weeks)
    payer_segments = sorted((set(cash.columns) | set(opened["segment"]) | {b.segment for b in billing})
                            - {TOTAL, PATIENT})
    parts = []
    for segment in payer_segments:
        from_open = opened[opened["segment"] == segment].set_index("week_start")["expected"].reindex(weeks,
                                                                                                   fill_value=0.0)
        from_future = receipts_from_future_claims(billed, [b for b in billing if b.segment == segment])
        parts.append(pd.DataFrame({"week_start": weeks, "segment": segment, "from_open_claims": from_open.to_numpy(),
                                   "from_future_care": from_future.to_numpy(), "from_patients": 0.0}))
    patients = seasonal_naive(cash[PATIENT].loc[:origin_week], horizon, window=SMOOTHING_WEEKS).forecast
    parts.append(pd.DataFrame({"week_start": weeks, "segment": PATIENT, "from_open_claims": 0.0,
                               "from_future_care": 0.0, "from_patients": patients}))
    frame = pd.concat(parts, ignore_index=True)
    total = frame.groupby("week_start", as_index=False)[PARTS].sum().assign(segment=TOTAL)
    frame = pd.concat([frame, total], ignore_index=True)
    frame["forecast"] = frame[PARTS].sum(axis=1)
    return frame


def _series_forecasts(cash: pd.DataFrame, origin_week: pd.Timestamp, horizon: int) -> pd.DataFrame:
    """Seasonal naive per segment and Prophet on the total, from the end of `origin_week`."""
    seen = cash.loc[:origin_week]
    frames = []
    for segment in cash.columns:
        result = seasonal_naive(seen[segment], horizon).frame()
        result[INTERVAL_COLUMNS] = np.nan  # from past errors, later
        frames.append(result.assign(segment=segment, method=SEASONAL_NAIVE))
    frames.append(prophet(seen[TOTAL], horizon).frame().assign(segment=TOTAL, method=PROPHET))
    return pd.concat(frames, ignore_index=True)


def run(con: duckdb.DuckDBPyConnection, horizon: int = backtest.HORIZON_WEEKS, origins: int = ORIGINS,
        warmup: int = WARMUP, claims: str = "marts.fct_claims", cash_weekly: str = "marts.cash_weekly",
        risk: str | None = "marts.claim_denial_risk", progress: Progress | None = None,
        database: str | None = None, workers: int = 1, key: WarehouseKey | None = None) -> CashForecast:
    """Backtest every method from up to `warmup` + `origins` weekly origins before the last complete week, then
    forecast from the last complete week. The two-part forecast uses the denial model's probabilities (`risk`;
    None: not at all) for the open claims the model did not learn from. `progress(done, total)` is called as
    origins are done.

    With `workers` above 1 and the warehouse's file (`database`, which `con` must hold read-only, as DuckDB lets
    several processes read a file but none read one another writes), the origins are shared among that many
    processes, each with its own read-only connection (with the warehouse's `key` when it is encrypted): the results
    are the same."""
    denial = denial_probabilities(con, risk) if risk is not None else None
    cash = weekly_cash(con, cash_weekly)
    if len(cash) < MIN_HISTORY_WEEKS:
        raise ValueError(f"too little history for a cash forecast: {len(cash)} complete weeks of cash in "
                         f"{cash_weekly}, the forecast needs {MIN_HISTORY_WEEKS} (a year to compare with, and the "
                         "13 weeks before it)")
    weeks = cash.index
    live = weeks[-1]
    possible = weeks[MIN_HISTORY_WEEKS - 1:-1]  # backtest origins: enough history, and at least one week after
    run_origins = list(possible[-(origins + warmup):])
    scored = set(run_origins[-origins:])
    everything = [*run_origins, live]
    if workers > 1 and database is not None:
        frame = _in_processes(database, key, workers, cash, denial, everything, horizon, claims, progress)
    else:
        frames = []
        for done, origin_week in enumerate(everything, start=1):
            frames.append(_forecasts_from(con, cash, denial, origin_week, horizon, claims))
            if progress is not None:
                progress(done, len(everything))
        frame = pd.concat(frames, ignore_index=True)
    frame = frame.sort_values(["origin_week", "method", "segment", "week_start"], kind="stable", ignore_index=True)
    long_cash = cash.stack().rename("actual").reset_index().rename(columns={"level_1": "segment"})
    frame = frame.merge(long_cash, on=["week_start", "segment"], how="left")
    frame = _with_intervals(frame)
    evaluated = frame[frame["origin_week"].isin(scored)]
    accuracy = _accuracy(evaluated, horizon)
    totals = accuracy[(accuracy["segment"] == TOTAL)
                      & (accuracy["horizons"] == f"{CHOICE_HORIZONS[0]}-{CHOICE_HORIZONS[1]}")]
    # On a tie, the first of METHODS: the two-part forecast explains itself.
    ranked = totals.assign(order=totals["method"].map(METHODS.index)).sort_values(["wape", "order"])
    chosen = str(ranked["method"].iloc[0]) if len(ranked) else TWO_PART
    forecast = frame[frame["origin_week"] == live].drop(columns=["actual", "origin_week"])
    forecast = forecast.assign(is_chosen=forecast["method"] == chosen)
    return CashForecast(
        forecast=forecast[["origin", "week_start", "horizon_weeks", "segment", "method", "is_chosen", "forecast",
                           *INTERVAL_COLUMNS, *PARTS]].sort_values(["method", "segment", "week_start"])
        .reset_index(drop=True),
        backtest=evaluated[evaluated["actual"].notna()][
            ["origin", "horizon_weeks", "week_start", "segment", "method", "actual", "forecast", *INTERVAL_COLUMNS]]
        .sort_values(["method", "segment", "origin", "horizon_weeks"]).reset_index(drop=True),
        accuracy=accuracy, chosen=chosen, origin=origin_date(live))


def _forecasts_from(con: duckdb.DuckDBPyConnection, cash: pd.DataFrame, denial: pd.Series | None,
                    origin_week: pd.Timestamp, horizon: int, claims: str) -> pd.DataFrame:
    """Every method's forecast from the end of one week."""
    two = two_part(con, cash, origin_week, horizon, claims, denial).assign(method=TWO_PART)
    two[INTERVAL_COLUMNS] = np.nan
    rows = pd.concat([two, _series_forecasts(cash, origin_week, horizon)], ignore_index=True)
    steps = ((rows["week_start"] - origin_week).dt.days // 7).astype(int)
    return rows.assign(origin=pd.Timestamp(origin_date(origin_week)), origin_week=origin_week, horizon_weeks=steps)


def _forecasts_in_worker(database: str, key: WarehouseKey | None, cash: pd.DataFrame, denial: pd.Series | None,
                         origin_weeks: list[pd.Timestamp], horizon: int, claims: str) -> pd.DataFrame:
    with connect(database, key, read_only=True) as con:
        return pd.concat([_forecasts_from(con, cash, denial, week, horizon, claims) for week in origin_weeks],
                         ignore_index=True)


def _in_processes(database: str, key: WarehouseKey | None, workers: int, cash: pd.DataFrame,
                  denial: pd.Series | None, origin_weeks: list[pd.Timestamp], horizon: int, claims: str,
                  progress: Progress | None) -> pd.DataFrame:
    """The origins' forecasts computed by `workers` fresh processes (spawned: a forked copy of a process holding
    DuckDB's threads can hang), in interleaved chunks so that each chunk's origins cost about the same. The key
    reaches them through the pool's pipe, never a file."""
    chunks = [origin_weeks[i::workers * 4] for i in range(min(len(origin_weeks), workers * 4))]
    frames, done = [], 0
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(_forecasts_in_worker, database, key, cash, denial, chunk, horizon, claims): len(chunk)
                   for chunk in chunks}
        for future in as_completed(futures):
            frames.append(future.result())
            done += futures[future]
            if progress is not None:
                progress(done, len(origin_weeks))
    return pd.concat(frames, ignore_index=True)


def _with_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    """Past-error intervals for the methods without intervals of their own, per method and segment."""
    parts = []
    for (method, _), rows in frame.groupby(["method", "segment"], sort=False):
        if method == PROPHET:
            parts.append(rows)
            continue
        # with_past_error_intervals reads an origin as the week_start of the last week seen
        shaped = rows.assign(origin=rows["origin_week"])
        parts.append(with_past_error_intervals(shaped).assign(origin=rows["origin"]))
    return pd.concat(parts).sort_index()


def _accuracy(evaluated: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """WAPE, MAPE, bias and coverage per segment, method and horizon: each week ahead, 1-4 and 5-13."""
    bands = [(h, h) for h in range(1, horizon + 1)] + [(1, min(4, horizon))]
    if horizon > 4:
        bands.append((5, horizon))
    out = []
    for (segment, method), rows in evaluated[evaluated["actual"].notna()].groupby(["segment", "method"]):
        if np.abs(rows["actual"]).sum() == 0:
            continue
        table = backtest.accuracy(rows, bands)
        out.append(table.assign(segment=segment, method=method, origins=rows["origin"].nunique()))
    columns = ["segment", "method", "horizons", "origins", "rows", "wape", "mape", "bias", "coverage80", "coverage95"]
    return pd.concat(out, ignore_index=True)[columns] if out else pd.DataFrame(columns=columns)

