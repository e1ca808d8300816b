"""The cash forecast's asset (issue 6): `marts/cash_forecast` backtests every method from the last year's weekly
origins, forecasts 13 weeks from the last complete week, and writes the forecast, the backtest and its accuracy
(`marts.cash_forecast`, `marts.cash_forecast_backtest`, `marts.cash_forecast_accuracy`) in one transaction.

`write_cash_forecast` and `forecast_headline` are what the tests and `lantern build` call.
"""

import os
from importlib import resources

import duckdb
import pandas as pd
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from mining.events import relation_exists
from models.cash.forecast import CashForecast, run
from orchestration.resources import WarehouseResource
from orchestration.transactions import registered, transaction

CASH_FORECAST_KEY = AssetKey(["marts", "cash_forecast"])
WORKERS = max(1, min(2, os.cpu_count() or 1))  # the backtest's origins shared among processes
# the denial model's scores are read when they exist
UPSTREAM = [AssetKey(["marts", "cash_weekly"]), AssetKey(["marts", "fct_claims"]),
            AssetKey(["marts", "claim_denial_risk"])]


def _sql(name: str) -> str:
    return resources.files("orchestration.cash").joinpath(name).read_text(encoding="utf-8")


def write_cash_forecast(con: duckdb.DuckDBPyConnection, result: CashForecast | None) -> int:
    """Replace the three tables' rows with the run's (emptied when `result` is None: too little history);
    returns the forecast rows written."""
    forecast = result.forecast if result is not None else None
    backtest = result.backtest if result is not None else None
    accuracy = (result.accuracy.assign(is_chosen=result.accuracy["method"] == result.chosen)
                if result is not None else None)
    with transaction(con):
        con.execute(_sql("cash_forecast_tables.sql"))
        if result is not None:
            with (registered(con, "forecast_rows", forecast), registered(con, "backtest_rows", backtest),
                  registered(con, "accuracy_rows", accuracy)):
                con.execute(_sql("cash_forecast_insert.sql"))
    return 0 if forecast is None else len(forecast)


def forecast_headline(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Lines `lantern build` prints: each method's backtest accuracy on total cash, the chosen one first, and
    the chosen method's next 4 weeks; none when the forecast has not run or had too little history."""
    if not relation_exists(con, "marts.cash_forecast_accuracy"):
        return []
    rows = con.execute(_sql("headline.sql")).fetchall()
    lines = []
    for method, chosen, origins, wape_1, wape_4, wape_1_4, wape_5_13, coverage, next_4, origin in rows:
        if chosen:
            lines.append(f"{method} (chosen: lowest WAPE at 1-4 weeks over {origins} weekly origins): "
                         f"${next_4:,.0f} expected in the 4 weeks after {origin}")
        covered = f", 80% interval covers {coverage:.0%}" if coverage is not None and not pd.isna(coverage) else ""
        lines.append(f"  {method}: WAPE {wape_1:.1%} at 1 week, {wape_4:.1%} at 4 weeks, {wape_1_4:.1%} over 1-4, "
                     f"{wape_5_13:.1%} over 5-13{covered}")
    return lines


@asset(
    key=CASH_FORECAST_KEY,
    deps=UPSTREAM,
    group_name="marts",
    kinds={"prophet", "duckdb", "python"},
    description="Weekly cash for the next 13 weeks per segment (payer types, patient, total) by every method "
                "(two-part, seasonal naive, Prophet), with 80% and 95% intervals; the method with the lowest total "
                "WAPE at 1-4 weeks in the rolling-origin backtest over the last year is flagged is_chosen. Also "
                "writes marts.cash_forecast_backtest and marts.cash_forecast_accuracy.",
)
def cash_forecast(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    def progress(done: int, total: int) -> None:
        if done % 10 == 0 or done == total:
            context.log.info(f"cash forecast: {done} of {total} origins")

    # Read-only while computing, so that worker processes can read the file too; then one writer.
    try:
        with warehouse.connect(read_only=True) as con:
            result = run(con, progress=progress, database=warehouse.path, workers=WORKERS,
                         key=warehouse.warehouse_key)
    except ValueError as error:  # too little history: the build goes on without a forecast
        context.log.warning(f"no cash forecast: {error}")
        with warehouse.connect() as con:
            write_cash_forecast(con, None)
        return MaterializeResult(metadata={"rows": MetadataValue.int(0), "skipped": MetadataValue.text(str(error))})
    with warehouse.connect() as con:
        rows = write_cash_forecast(con, result)
        headline = forecast_headline(con)
    context.log.info("\n".join(headline))
    return MaterializeResult(metadata={
        "rows": MetadataValue.int(rows),
        "origin": MetadataValue.text(str(result.origin)),
        "chosen_method": MetadataValue.text(result.chosen),
        "headline": MetadataValue.md("\n".join(f"- {line.strip()}" for line in headline)),
    })
