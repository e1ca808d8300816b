"""`lantern network build`: every practice of a network file loaded and published to one Parquet raw layer, then
the warehouse of all of them built at once by dbt, on DuckDB (views over the Parquet) or on Spark.

Under the network's home: practices/<id>/ (each practice's loader warehouse, its ledger and quarantine),
raw/ (the Parquet raw layer, a partition per practice), warehouse.duckdb (DuckDB's marts) or spark/ (Spark's).
Then, on either engine, mining, the denial model and the cash forecast run per practice, in parallel
(orchestration.network.practice_steps), and their tables join the network's marts (docs/scaling.md).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from orchestration.build import ENGINES, BuildError, BuildSummary
from orchestration.network.network_file import Network, NetworkPractice
from orchestration.network.practice_loads import load_practices
from orchestration.network.pool import pool_size
from orchestration.network.practice_steps import Source, run_network_steps, step_files, write_step_tables
from orchestration.paths import LanternPaths
from orchestration.project import DBT_PROJECT_DIR
from orchestration.raw_parquet.duckdb_views import create_raw_views
from orchestration.raw_parquet.publish import remove_other_practices
from orchestration.spark.settings import SparkSettings
from orchestration.warehouse.dbt_invocation import DbtInvocation, DbtRunError, run_dbt_process

SQL = Path(__file__).with_name


@dataclass
class NetworkSummary:
    practices: dict[str, BuildSummary] = field(default_factory=dict)
    removed_practices: list[str] = field(default_factory=list)
    dbt_nodes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    rows_by_practice: list[tuple[str, int, int, int]] = field(default_factory=list)  # id, claims, sessions, referrals
    steps: list = field(default_factory=list)  # orchestration.network.practice_steps.PracticeSteps, per practice


def practice_paths(home: Path, practice: NetworkPractice) -> LanternPaths:
    """A practice's own folders under the network's home; its landing zone and configuration where the file says."""
    base = practice_paths_of(home, practice.practice_id).home
    return LanternPaths.resolve(home=base, landing=practice.landing,
                                config=practice.config or base / "config" / "practice.toml")


def practice_paths_of(home: Path, practice_id: str) -> LanternPaths:
    """A practice's folders under the network's home: its warehouse, model store, exports and Dagster instance."""
    return LanternPaths.resolve(home=home / "practices" / practice_id)


def build_network(network: Network, home: Path, environment: str = "local", engine: str = "duckdb",
                  as_of: date | None = None, spark: SparkSettings | None = None, warehouse_only: bool = False,
                  retrain: bool = False, announce: Callable[[str], None] = lambda text: None) -> NetworkSummary:
    """Load and publish every practice in parallel (orchestration.network.practice_loads), build the network's
    warehouse; then, unless `warehouse_only`, mine, score and forecast each practice in parallel
    (orchestration.network.practice_steps)."""
    if engine not in ENGINES:
        raise BuildError(f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}")
    summary = NetworkSummary()
    raw_root = home / "raw"
    announce(f"loading {len(network.practices)} practices, {pool_size(len(network.practices))} at a time")
    for load in load_practices(home, network.practices, environment, raw_root, announce=announce):
        summary.practices[load.practice_id] = load.summary
        summary.seconds[f"load {load.practice_id}"] = load.seconds
    # a practice taken out of the network file leaves the warehouse with its rows
    summary.removed_practices = remove_other_practices(raw_root, {p.practice_id for p in network.practices})
    for practice_id in summary.removed_practices:
        announce(f"practice {practice_id} is no longer in {network.path}: its raw rows were removed")

    practice_ids = [p.practice_id for p in network.practices]

    def run_steps(source: Source, steps_dir: Path) -> dict[str, list[Path]]:
        """Every practice's steps after dbt; their tables' files, by table."""
        started = time.perf_counter()
        announce(f"mining, scoring denial risk and forecasting cash for each practice, "
                 f"{pool_size(len(practice_ids))} at a time")
        summary.steps = run_network_steps(home, practice_ids, source, steps_dir, environment, retrain,
                                          announce=announce)
        summary.seconds["practice_steps"] = time.perf_counter() - started
        return step_files(steps_dir)

    started = time.perf_counter()
    if engine == "duckdb":
        announce(f"building the network's warehouse on DuckDB ({home / 'warehouse.duckdb'})")
        summary.dbt_nodes = _build_on_duckdb(home, raw_root, environment, as_of)
        summary.rows_by_practice = _rows_by_practice_duckdb(home / "warehouse.duckdb")
        summary.seconds["warehouse"] = time.perf_counter() - started
        if not warehouse_only:
            write_step_tables(home / "warehouse.duckdb", run_steps(home / "warehouse.duckdb", home / "steps"))
        return summary
    from orchestration.spark.build import build_on_spark
    from orchestration.spark.session import SparkUnavailable
    from orchestration.spark.step_tables import parquet_warehouse, register_step_tables

    settings = spark or SparkSettings.under(home / "spark")

    def steps_on_spark(session) -> None:
        summary.seconds["warehouse"] = time.perf_counter() - started
        source = parquet_warehouse(session, settings.warehouse_dir, home / "spark" / "views")
        files = run_steps(source, home / "spark" / "steps")
        announce("writing the practices' mining, denial-risk and forecast tables into Spark's marts")
        register_step_tables(session, files)

    try:
        built = build_on_spark(raw_root, settings, DBT_PROJECT_DIR, home / "spark", as_of, announce,
                               then=None if warehouse_only else steps_on_spark)
    except (DbtRunError, SparkUnavailable) as error:
        raise BuildError(str(error)) from None
    summary.dbt_nodes = built.dbt_nodes
    summary.rows_by_practice = _rows_by_practice_spark(settings.warehouse_dir)
    summary.seconds.setdefault("warehouse", time.perf_counter() - started)
    return summary


def _build_on_duckdb(home: Path, raw_root: Path, environment: str, as_of: date | None) -> int:
    warehouse = home / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        create_raw_views(con, raw_root)
    invocation = DbtInvocation(project_dir=DBT_PROJECT_DIR, target_path=home / "dbt_target", log_path=home / "logs",
                               target=environment, as_of=as_of)
    # profiles.yml names the warehouse through LANTERN_WAREHOUSE
    try:
        return run_dbt_process(invocation, "build", {**os.environ, "LANTERN_WAREHOUSE": str(warehouse)})
    except DbtRunError as error:
        raise BuildError(str(error)) from None


def _rows_by_practice_duckdb(warehouse: Path) -> list[tuple[str, int, int, int]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [tuple(row) for row in con.execute(SQL("rows_by_practice.sql").read_text().format(
            claims="marts.fct_claims", sessions="marts.fct_sessions", referrals="marts.fct_referrals")).fetchall()]


def _rows_by_practice_spark(warehouse_dir: Path) -> list[tuple[str, int, int, int]]:
    from orchestration.spark.warehouse_files import spark_tables

    tables = spark_tables(warehouse_dir, "marts")

    def files(name: str) -> str:
        return f"read_parquet('{(tables[name] / '*.parquet').as_posix()}')"

    with duckdb.connect() as con:
        return [tuple(row) for row in con.execute(SQL("rows_by_practice.sql").read_text().format(
            claims=files("fct_claims"), sessions=files("fct_sessions"), referrals=files("fct_referrals"))).fetchall()]
