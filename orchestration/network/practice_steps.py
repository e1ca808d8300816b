"""After a network's warehouse is built, on DuckDB or on Spark: mining, the denial model and the cash forecast, per
practice, in parallel processes.

Why per practice, and not one LightGBM over the network through Dask or one Spark job of Prophet fits: a
practice's model is trained, checked and promoted on its own history (its payers' rules, its clinicians, its
documentation habits), and its forecast is of its own bank account; case ids are a practice's own, so its event
log is mined alone. Each practice's work is the single-practice pipeline, unchanged (the same code, the same
numbers as `lantern build` for that practice), and practices are independent: a process pool runs them side by
side, as many at once as there are cores, and on a cluster the same unit of work is one job per practice.

Each worker copies its practice's rows of the network's dbt schemas (from the network's DuckDB file, or from
Spark's Parquet files) into the practice's own warehouse (`practices/<id>/warehouse.duckdb`, which already holds
its raw layer), so that it is a single practice's warehouse, runs `orchestration.build.run_later_steps` on it, and
writes the tables those steps made as Parquet, `<steps>/<table>/<practice id>.parquet` with their practice_id. The
network's tables are then the union of those files: written into DuckDB's warehouse here (`write_step_tables`), or
by Spark into its own (orchestration.spark.step_tables). No table goes through a Python process whole.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration.network.pool import pool_size
from orchestration.practice_slice import slice_practice
from orchestration.raw_parquet.publish import check_name

if TYPE_CHECKING:  # the build imports this module: its types only, for the signatures
    from dagster import DagsterInstance

    from orchestration.build import BuildSummary
    from orchestration.paths import LanternPaths
    from orchestration.warehouse_connection import WarehouseKey

DBT_SCHEMAS = ("seeds", "staging", "intermediate", "marts")
# What the steps after dbt write into marts: mining's tables (not its working pairs), the denial risk and the cash
# forecast's. A table of theirs that no practice wrote this time is dropped from the network's warehouse.
STEP_TABLES = ("claim_denial_risk", "cash_forecast", "cash_forecast_backtest", "cash_forecast_accuracy")


def is_step_table(name: str) -> bool:
    return name in STEP_TABLES or (name.startswith("mining_") and not name.startswith("mining_pairs_"))


@dataclass(frozen=True)
class ParquetWarehouse:
    """A warehouse kept as folders of Parquet files (Spark's): each table's folder by "schema.table"."""

    folders: dict[str, Path]


# the network's dbt schemas: DuckDB's warehouse file, or Spark's tables as Parquet
Source = Path | ParquetWarehouse


@dataclass(frozen=True)
class PracticeSteps:
    practice_id: str
    model: str  # what the denial-model step did
    forecast: list[str]
    mining: list[str]


def copy_practice_slice(con: duckdb.DuckDBPyConnection, source: Source, practice_id: str) -> int:
    """Replace the dbt schemas of the practice's warehouse (`con`) with `practice_id`'s rows of the network's
    (seeds whole); the number of tables copied."""
    if isinstance(source, ParquetWarehouse):
        con.execute("attach ':memory:' as network")
        for name, folder in sorted(source.folders.items()):
            schema, table = name.split(".", 1)
            con.execute(f'create schema if not exists network."{schema}"')
            # views over the files: the practice's rows are read from them once, by the slice below
            con.execute(f"create view network.\"{schema}\".\"{table}\" as select * from "
                        f"read_parquet('{_literal(folder / '*.parquet')}')")
    else:
        con.execute(f"attach '{_literal(source)}' as network (read_only)")
    try:
        return slice_practice(con, "network", practice_id, DBT_SCHEMAS, "table")
    finally:
        con.execute("detach network")


def export_step_tables(con: duckdb.DuckDBPyConnection, practice_id: str, steps_dir: Path) -> list[str]:
    """Write each step table of the practice's warehouse (`con`) to `<steps_dir>/<table>/<practice_id>.parquet`,
    practice_id its first column; the tables' names."""
    check_name("practice id", practice_id)  # written into the statement
    names = sorted(name for (name,) in con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts'").fetchall() if is_step_table(name))
    for name in names:
        columns = [c for (c,) in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ? "
            "order by column_index", [name]).fetchall() if c != "practice_id"]
        target = steps_dir / name / f"{practice_id}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        listed = ", ".join(f'"{c}"' for c in columns)
        con.execute(f"copy (select '{practice_id}' as practice_id, {listed} from marts.\"{name}\") "
                    f"to '{_literal(target)}' (format parquet)")
    return names


def step_files(steps_dir: Path) -> dict[str, list[Path]]:
    """Each step table's files in `steps_dir` (which a run empties first, so they are this run's), by practice id."""
    return {folder.name: sorted(folder.glob("*.parquet"), key=lambda path: path.stem)
            for folder in sorted(steps_dir.glob("*")) if folder.is_dir()}


def steps_on_slice(paths: LanternPaths, source: Source, practice_id: str, steps_dir: Path, instance: DagsterInstance,
                   resources: dict, summary: BuildSummary, retrain: bool, key: WarehouseKey | None = None,
                   announce: Callable[[str], None] = lambda text: None) -> list[str]:
    """One practice's steps after dbt: its slice of `source` copied into its warehouse (`paths.warehouse`, with its
    `key` if encrypted), orchestration.build.run_later_steps run on it, and the step tables it made written to
    `steps_dir`; their names."""
    from orchestration.build import run_later_steps
    from orchestration.warehouse_connection import connect

    started = time.perf_counter()
    with connect(paths.warehouse, key) as con:
        copy_practice_slice(con, source, practice_id)
    summary.seconds["copy_practice_slice"] = time.perf_counter() - started
    run_later_steps(paths, instance, resources, summary, retrain, key, announce)
    with connect(paths.warehouse, key, read_only=True) as con:
        return export_step_tables(con, practice_id, steps_dir)


def run_practice_steps(home: Path, practice_id: str, environment: str, retrain: bool, source: Source,
                       steps_dir: Path) -> PracticeSteps:
    """One worker's practice (see the module): its own Dagster instance, so that workers do not share one."""
    from dagster import DagsterInstance

    from orchestration.build import BuildSummary
    from orchestration.cli import prepare_dagster_home
    from orchestration.environments import resources_for
    from orchestration.network.build import practice_paths_of
    from orchestration.project import DBT_PROJECT_DIR

    paths = practice_paths_of(home, practice_id)
    prepare_dagster_home(paths, os.environ)
    summary = BuildSummary()
    with DagsterInstance.get() as instance:
        steps_on_slice(paths, source, practice_id, steps_dir, instance,
                       resources_for(paths, environment, str(DBT_PROJECT_DIR)), summary, retrain)
    return PracticeSteps(practice_id, summary.model, summary.forecast, summary.mining)


def run_network_steps(home: Path, practice_ids: list[str], source: Source, steps_dir: Path,
                      environment: str = "local", retrain: bool = False, workers: int | None = None,
                      announce: Callable[[str], None] = lambda text: None) -> list[PracticeSteps]:
    """Every practice's later steps in a pool of processes, their tables in `steps_dir` (emptied first: what an
    earlier build wrote is not this one's); by practice id."""
    shutil.rmtree(steps_dir, ignore_errors=True)
    workers = pool_size(len(practice_ids), workers)
    done: list[PracticeSteps] = []
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(run_practice_steps, home, practice_id, environment, retrain, source, steps_dir):
                   practice_id for practice_id in practice_ids}
        for future in as_completed(futures):
            done.append(future.result())
            announce(f"[{len(done)}/{len(practice_ids)} {futures[future]}] mined, scored and forecast")
    return sorted(done, key=lambda steps: steps.practice_id)


def write_step_tables(network_warehouse: Path, files: dict[str, list[Path]]) -> None:
    """marts.<table> of the network's DuckDB warehouse: the union of every practice's file (`step_files`); a step
    table with no file this time (no model passed, say) is dropped rather than left from an earlier build."""
    with duckdb.connect(str(network_warehouse)) as con:
        for (name,) in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall():
            if is_step_table(name) and name not in files:
                con.execute(f'drop table marts."{name}"')
        for name, parts in files.items():
            con.execute(f'create or replace table marts."{name}" as '
                        f'select * from read_parquet(?, union_by_name = true)', [[str(p) for p in parts]])


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
