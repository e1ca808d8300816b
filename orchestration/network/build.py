"""`lantern network build`: every practice of a network file loaded and published to one Parquet raw layer, then
the warehouse of all of them built at once by dbt, on DuckDB (views over the Parquet) or on Spark.

Under the network's home: practices/<id>/ (each practice's loader warehouse, its ledger and quarantine),
raw/ (the Parquet raw layer, a partition per practice), warehouse.duckdb (DuckDB's marts) or spark/ (Spark's).
The build stops after the warehouse, as `lantern build --engine spark` does: mining and the models run per
practice (docs/scaling.md).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from orchestration.build import ENGINES, BuildError, BuildSummary, load_practice, summarize
from orchestration.network.network_file import Network, NetworkPractice
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
    """Load and publish every practice, build the network's warehouse; on DuckDB, unless `warehouse_only`, then mine,
    score and forecast each practice in parallel (orchestration.network.practice_steps). Spark's build stops after
    the warehouse."""
    if engine not in ENGINES:
        raise BuildError(f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}")
    summary = NetworkSummary()
    raw_root = home / "raw"
    for number, practice in enumerate(network.practices, start=1):
        started = time.perf_counter()
        paths = practice_paths(home, practice)
        loaded = BuildSummary()

        def say(text: str, prefix: str = f"[{number}/{len(network.practices)} {practice.practice_id}] ") -> None:
            announce(prefix + text)

        load_practice(paths, environment, practice.practice_id, raw_root, loaded, announce=say)
        summarize(paths, loaded, None, later_steps=False)
        loaded.tables = []  # the practice's loader warehouse has no marts: the network's has
        summary.practices[practice.practice_id] = loaded
        summary.seconds[f"load {practice.practice_id}"] = time.perf_counter() - started
    # a practice taken out of the network file leaves the warehouse with its rows
    summary.removed_practices = remove_other_practices(raw_root, {p.practice_id for p in network.practices})
    for practice_id in summary.removed_practices:
        announce(f"practice {practice_id} is no longer in {network.path}: its raw rows were removed")

    started = time.perf_counter()
    if engine == "duckdb":
        announce(f"building the network's warehouse on DuckDB ({home / 'warehouse.duckdb'})")
        summary.dbt_nodes = _build_on_duckdb(home, raw_root, environment, as_of)
        summary.rows_by_practice = _rows_by_practice_duckdb(home / "warehouse.duckdb")
        summary.seconds["warehouse"] = time.perf_counter() - started
        if not warehouse_only:
            from orchestration.network.practice_steps import run_network_steps

            started = time.perf_counter()
            announce(f"mining, scoring denial risk and forecasting cash for each practice, "
                     f"{min(os.cpu_count() or 1, len(network.practices))} at a time")
            summary.steps = run_network_steps(home, [p.practice_id for p in network.practices], environment,
                                              retrain, announce=announce)
            summary.seconds["practice_steps"] = time.perf_counter() - started
        return summary
    from orchestration.spark.build import build_on_spark
    from orchestration.spark.session import SparkUnavailable

    settings = spark or SparkSettings.under(home / "spark")
    try:
        built = build_on_spark(raw_root, settings, DBT_PROJECT_DIR, home / "spark", as_of, announce)
    except (DbtRunError, SparkUnavailable) as error:
        raise BuildError(str(error)) from None
    summary.dbt_nodes = built.dbt_nodes
    summary.rows_by_practice = _rows_by_practice_spark(settings.warehouse_dir)
    summary.seconds["warehouse"] = time.perf_counter() - started
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
