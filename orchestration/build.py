"""`lantern build`: materialize the whole asset graph in-process on a landing zone.

Each delivery folder becomes a partition; the extraction assets load all of them in one run per
source (a single-run backfill), the practice's payer rules are loaded from its configuration file
(`<home>/config/practice.toml`; built-in rules when there is none), then dbt builds the warehouse,
then the event log is mined
(`marts.mining_*` tables, XES files in `<home>/exports`). Runs are recorded in the Dagster
instance under DAGSTER_HOME, so `dagster dev` shows them afterwards.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
from dagster import DagsterInstance, materialize
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from orchestration.environments import resources_for
from orchestration.extract.assets import deliveries, extract_assets
from orchestration.extract.loader import delivery_names
from orchestration.extract.practice_config import PracticeConfigResource, practice_payer_rules
from orchestration.mining.headline import mining_headline
from orchestration.paths import LanternPaths
from orchestration.project import DBT_PROJECT_DIR

SQL_DIR = Path(__file__).with_name("sql")
# The command line prints its own summary; Dagster's console log says only what went wrong.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}

Stage = Callable[[str], None]


@dataclass
class BuildSummary:
    deliveries: int = 0
    files: dict[str, int] = field(default_factory=dict)
    loaded: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    quarantine_by_rule: list[tuple[str, str, int]] = field(default_factory=list)
    tables: list[tuple[str, int]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    mining: list[str] = field(default_factory=list)  # the mining step's headline, a line per case type


class BuildError(RuntimeError):
    pass


def run_build(paths: LanternPaths, environment: str = "local", as_of: date | None = None,
              stage: Stage | None = None) -> BuildSummary:
    announce = stage or (lambda text: None)
    if not paths.landing.is_dir():
        raise BuildError(f"landing zone not found: {paths.landing}")
    names = delivery_names(paths.landing)
    if not names:
        raise BuildError(f"no deliveries in {paths.landing} (expected ehr/<delivery>/, pm/<delivery>/, payer/...)")
    summary = BuildSummary(deliveries=len(names))
    resources = resources_for(paths, environment, str(DBT_PROJECT_DIR))
    instance = DagsterInstance.get()
    known = set(instance.get_dynamic_partitions(deliveries.name))
    new = [n for n in names if n not in known]
    if new:
        instance.add_dynamic_partitions(deliveries.name, new)
    ordered = instance.get_dynamic_partitions(deliveries.name)
    wanted = [n for n in ordered if n in set(names)]

    for assets in extract_assets:
        started = time.perf_counter()
        announce(f"loading {assets.node_def.name.removeprefix('extract_')} deliveries")
        result = materialize([assets], instance=instance, resources=resources, raise_on_error=False,
                             run_config=QUIET, tags={
            ASSET_PARTITION_RANGE_START_TAG: wanted[0], ASSET_PARTITION_RANGE_END_TAG: wanted[-1]})
        if not result.success:
            raise BuildError(f"{assets.node_def.name} failed: {_first_error(result)}")
        summary.seconds[assets.node_def.name] = time.perf_counter() - started

    started = time.perf_counter()
    found = paths.config.is_file()
    announce(f"loading the payer rules of {paths.config}" if found
             else f"no practice configuration at {paths.config}: built-in payer rules (docs/practice-config.md)")
    resources = {**resources, "practice_config": PracticeConfigResource(path=str(paths.config))}
    result = materialize([practice_payer_rules], instance=instance, resources=resources, raise_on_error=False,
                         run_config=QUIET)
    if not result.success:
        raise BuildError(f"loading the practice configuration failed: {_root_cause(result)}")
    summary.seconds["practice_payer_rules"] = time.perf_counter() - started

    started = time.perf_counter()
    announce("building the warehouse (dbt)")
    from orchestration.warehouse.assets import build_dbt_assets, dbt_project

    project = dbt_project(environment)
    project.preparer.prepare(project)
    dbt_assets = build_dbt_assets(project)
    run_config = {**QUIET,
                  "ops": {dbt_assets.node_def.name: {"config": {"as_of_date": as_of.isoformat() if as_of else None}}}}
    log = paths.home / "logs" / "dbt_build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    # dagster-dbt echoes every dbt event to stdout; the user gets the summary, the log keeps the detail.
    with log.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
        result = materialize([dbt_assets, *extract_assets], selection=[dbt_assets], instance=instance,
                             resources=resources, run_config=run_config, raise_on_error=False)
    if not result.success:
        raise BuildError(f"dbt build failed: {_first_error(result)} (dbt's log: {log})")
    summary.seconds["warehouse_dbt"] = time.perf_counter() - started

    started = time.perf_counter()
    announce("mining the event log")
    from orchestration.mining.assets import event_log_mining

    log = paths.home / "logs" / "mining.log"
    # pm4py prints a banner when imported: it goes to the log with anything else printed.
    with log.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
        result = materialize([event_log_mining], instance=instance, resources=resources, run_config=QUIET,
                             raise_on_error=False)
    if not result.success:
        raise BuildError(f"mining the event log failed: {_first_error(result)} (log: {log})")
    summary.seconds["event_log_mining"] = time.perf_counter() - started
    _summarize(paths, summary)
    return summary


def _first_error(result) -> str:
    for event in result.all_events:
        if event.is_failure and event.event_specific_data is not None:
            error = getattr(event.event_specific_data, "error", None)
            if error is not None:
                return error.message.strip().splitlines()[-1]
    return "see the Dagster run log"


def _root_cause(result) -> str:
    """The innermost error of the first failure: for an error raised by an asset, its own message."""
    for event in result.all_events:
        if event.is_failure and event.event_specific_data is not None:
            error = getattr(event.event_specific_data, "error", None)
            while error is not None and error.cause is not None:
                error = error.cause
            if error is not None:
                # the message starts with the exception's qualified class name
                return error.message.strip().splitlines()[-1].split(f"{error.cls_name}: ", 1)[-1]
    return "see the Dagster run log"


def _summarize(paths: LanternPaths, summary: BuildSummary) -> None:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        for source, files, loaded, quarantined, duplicates in con.execute(_sql("ledger_by_source")).fetchall():
            summary.files[source] = files
            summary.loaded[source] = int(loaded or 0)
            summary.quarantined[source] = int(quarantined or 0)
            summary.duplicates += duplicates
        summary.quarantine_by_rule = con.execute(_sql("quarantine_by_rule")).fetchall()
        summary.tables = con.execute(_sql("mart_tables")).fetchall()
        summary.mining = mining_headline(con)


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()
