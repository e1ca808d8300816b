"""After a network's warehouse is built on DuckDB: mining, the denial model and the cash forecast, per practice, in
parallel processes.

Why per practice, and not one LightGBM over the network through Dask or one Spark job of Prophet fits: a
practice's model is trained, checked and promoted on its own history (its payers' rules, its clinicians, its
documentation habits), and its forecast is of its own bank account; case ids are a practice's own, so its event
log is mined alone. Each practice's work is the single-practice pipeline, unchanged (the same code, the same
numbers as `lantern build` for that practice), and practices are independent: a process pool runs them side by
side, as many at once as there are cores, and on a cluster the same unit of work is one job per practice.

Each worker copies its practice's rows of the network's dbt schemas into the practice's own warehouse
(`practices/<id>/warehouse.duckdb`, which already holds its raw layer), so that it is a single practice's
warehouse, runs `orchestration.build.run_later_steps` on it, and hands back the tables those steps wrote; the
parent writes them into the network's warehouse with their practice_id.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.practice_slice import slice_practice

SQL = Path(__file__).with_name
DBT_SCHEMAS = ("seeds", "staging", "intermediate", "marts")
# what the later steps write: mining's marts (not its working pairs), the denial risk and the cash forecast
STEP_TABLES_SQL = "step_tables.sql"


@dataclass(frozen=True)
class PracticeSteps:
    practice_id: str
    model: str  # what the denial-model step did
    forecast: list[str]
    mining: list[str]
    tables: dict[str, pa.Table]  # marts.<name> -> its rows, practice_id first


def copy_practice_slice(network_warehouse: Path, practice_warehouse: Path, practice_id: str) -> int:
    """Replace the dbt schemas of `practice_warehouse` with `practice_id`'s rows of the network's (seeds whole);
    the number of tables copied."""
    with duckdb.connect(str(practice_warehouse)) as con:
        con.execute(f"attach '{_literal(network_warehouse)}' as network (read_only)")
        copied = slice_practice(con, "network", practice_id, DBT_SCHEMAS, "table")
        con.execute("detach network")
    return copied


def run_practice_steps(home: Path, practice_id: str, environment: str, retrain: bool) -> PracticeSteps:
    """One worker's practice (see the module): its own Dagster instance, so that workers do not share one."""
    from dagster import DagsterInstance

    from orchestration.build import BuildSummary, run_later_steps
    from orchestration.cli import prepare_dagster_home
    from orchestration.environments import resources_for
    from orchestration.network.build import practice_paths_of
    from orchestration.project import DBT_PROJECT_DIR

    paths = practice_paths_of(home, practice_id)
    copy_practice_slice(home / "warehouse.duckdb", paths.warehouse, practice_id)
    prepare_dagster_home(paths, os.environ)
    summary = BuildSummary()
    with DagsterInstance.get() as instance:
        run_later_steps(paths, instance, resources_for(paths, environment, str(DBT_PROJECT_DIR)), summary, retrain)
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        names = [name for (name,) in con.execute(SQL(STEP_TABLES_SQL).read_text()).fetchall()]
        tables = {name: _with_practice(con.sql(f'select * from marts."{name}"').to_arrow_table(), practice_id)
                  for name in names}
    return PracticeSteps(practice_id, summary.model, summary.forecast, summary.mining, tables)


def run_network_steps(home: Path, practice_ids: list[str], environment: str = "local", retrain: bool = False,
                      workers: int | None = None,
                      announce: Callable[[str], None] = lambda text: None) -> list[PracticeSteps]:
    """Every practice's later steps in a pool of processes, then their tables written into the network's warehouse
    (marts.<table>: every practice's rows, replaced as a whole)."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(practice_ids)))
    done: list[PracticeSteps] = []
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(run_practice_steps, home, practice_id, environment, retrain): practice_id
                   for practice_id in practice_ids}
        for future in as_completed(futures):
            done.append(future.result())
            announce(f"[{len(done)}/{len(practice_ids)} {futures[future]}] mined, scored and forecast")
    done.sort(key=lambda steps: steps.practice_id)
    write_step_tables(home / "warehouse.duckdb", done)
    return done


def write_step_tables(network_warehouse: Path, done: list[PracticeSteps]) -> None:
    """marts.<table> of the network: the union of every practice's (a practice without one adds no rows); a table
    no practice wrote this time (no model passed, say) is dropped rather than left from an earlier build."""
    names = sorted({name for steps in done for name in steps.tables})
    with duckdb.connect(str(network_warehouse)) as con:
        for (stale,) in con.execute(SQL(STEP_TABLES_SQL).read_text()).fetchall():
            if stale not in names:
                con.execute(f'drop table marts."{stale}"')
        for name in names:
            parts = [steps.tables[name] for steps in done if name in steps.tables]
            con.register("practice_rows", pa.concat_tables(parts, promote_options="permissive"))
            con.execute(f'create or replace table marts."{name}" as select * from practice_rows')
            con.unregister("practice_rows")


def _with_practice(table: pa.Table, practice_id: str) -> pa.Table:
    if "practice_id" in table.column_names:
        table = table.drop_columns(["practice_id"])
    return table.add_column(0, "practice_id", pa.array([practice_id] * table.num_rows, pa.string()))


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")
