"""The Spark build: the Parquet raw layer as `raw` tables, then every dbt model and test on Spark."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from orchestration.spark.dbt_build import phases
from orchestration.spark.notes import build_note_documentation
from orchestration.spark.raw_tables import register_raw_tables
from orchestration.spark.session import spark_session
from orchestration.spark.settings import SparkSettings
from orchestration.warehouse.dbt_invocation import DbtInvocation, run_dbt


@dataclass
class SparkBuildSummary:
    raw_tables: int = 0
    dbt_nodes: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def build_on_spark(raw_root: Path, settings: SparkSettings, project_dir: Path, work_dir: Path,
                   as_of: date | None = None, announce: Callable[[str], None] | None = None,
                   then: Callable[[Any], None] | None = None) -> SparkBuildSummary:
    """Build the warehouse's every model on Spark from the raw layer at `raw_root`; the tables are under
    `settings.warehouse_dir`, one folder of Parquet files per table. `then` is called with the Spark session after
    the last dbt command, before the session stops (the steps after dbt, which write back into Spark's marts)."""
    say = announce or (lambda text: None)
    summary = SparkBuildSummary()
    invocation = DbtInvocation(project_dir=project_dir, target_path=work_dir / "dbt_target",
                               log_path=work_dir / "logs", as_of=as_of)
    started = time.perf_counter()
    say(f"starting Spark ({settings.master})")
    with spark_session(settings) as spark:
        summary.raw_tables = len(register_raw_tables(spark, raw_root))
        summary.seconds["spark_start"] = time.perf_counter() - started
        for number, (command, selection) in enumerate(phases(), start=1):
            if number == 2:
                started = time.perf_counter()
                say("checking the progress notes on Spark (marts.note_documentation)")
                build_note_documentation(spark)
                summary.seconds["note_documentation"] = time.perf_counter() - started
            started = time.perf_counter()
            say(f"dbt {command} on Spark ({' '.join(selection)})")
            summary.dbt_nodes += run_dbt(invocation, command, selection)
            summary.seconds[f"dbt_{command}_{number}"] = time.perf_counter() - started
        if then is not None:
            then(spark)
    return summary
