"""`lantern build`: materialize the whole asset graph in-process on a landing zone.

Each delivery folder becomes a partition; the extraction assets load all of them in one run per
source (a single-run backfill), the practice's payer rules are loaded from its configuration file
(`<home>/config/practice.toml`; built-in rules when there is none), then dbt builds the warehouse,
then the event log is mined
(`marts.mining_*` tables, XES files in `<home>/exports`), the claims' denial risk is scored, and cash is
forecast (`marts.cash_forecast*`). Runs are recorded in the Dagster
instance under DAGSTER_HOME, so `dagster dev` shows them afterwards.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dagster import DagsterInstance, materialize
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from models.denial.store import promoted_version
from orchestration.cash.assets import forecast_headline
from orchestration.environments import resources_for
from orchestration.extract.assets import deliveries, extract_assets
from orchestration.extract.loader import delivery_names
from orchestration.extract.practice_config import PracticeConfigResource, practice_payer_rules
from orchestration.mining.headline import mining_headline
from orchestration.models.assets import promoted_headline
from orchestration.paths import LanternPaths
from orchestration.project import DBT_PROJECT_DIR
from orchestration.raw_parquet.publish import DEFAULT_PRACTICE_ID, RawPublishError, publish_raw
from orchestration.spark.settings import SparkSettings
from orchestration.spark.warehouse_files import spark_mart_rows
from orchestration.warehouse_connection import WarehouseAccessError, WarehouseKey, connect

SQL_DIR = Path(__file__).with_name("sql")
SHORT_HISTORY_MONTHS = 24  # under this many months with adjudicated claims, test and validation take 3 and 2
MIN_HISTORY_MONTHS = 6  # the fewest a model can be trained and tested on: 3 test, 2 validation, 1 train
# The command line prints its own summary; Dagster's console log says only what went wrong.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}

Stage = Callable[[str], None]
ENGINES = ("duckdb", "spark")


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
    model: str = ""  # what the denial-model step did
    model_headline: str | None = None  # the promoted model's card headline
    forecast: list[str] = field(default_factory=list)  # the cash forecast's headline, or why there is none


class BuildError(RuntimeError):
    pass


def load_practice(paths: LanternPaths, environment: str, practice_id: str, raw_root: Path, summary: BuildSummary,
                  key: WarehouseKey | None = None, announce: Stage = lambda text: None) -> tuple[DagsterInstance, dict]:
    """Load every delivery of `paths.landing` into the practice's warehouse (`paths.warehouse`), then its payer
    rules, then publish its raw layer as Parquet under `raw_root` as the practice `practice_id`; the Dagster
    instance and resources the later steps run with. Counts and timings go into `summary`."""
    if not paths.landing.is_dir():
        raise BuildError(f"landing zone not found: {paths.landing}")
    names = delivery_names(paths.landing)
    if not names:
        raise BuildError(f"no deliveries in {paths.landing} (expected ehr/<delivery>/, pm/<delivery>/, payer/...)")
    summary.deliveries = len(names)
    if key is not None:
        announce(f"the warehouse {paths.warehouse} is encrypted (docs/encryption.md)")
    try:  # a missing or wrong key, a key for a plain file, DuckDB unable to encrypt: said before anything runs
        connect(paths.warehouse, key).close()
    except WarehouseAccessError as error:
        raise BuildError(str(error)) from None
    resources = resources_for(paths, environment, str(DBT_PROJECT_DIR), key)
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
    announce(f"publishing the raw layer as Parquet ({raw_root}, practice {practice_id})")
    try:
        with connect(paths.warehouse, key, read_only=True) as con:
            publish_raw(con, raw_root, practice_id)
    except RawPublishError as error:
        raise BuildError(str(error)) from None
    summary.seconds["raw_parquet"] = time.perf_counter() - started
    return instance, resources


def run_build(paths: LanternPaths, environment: str = "local", as_of: date | None = None,
              stage: Stage | None = None, retrain: bool = False, key: WarehouseKey | None = None,
              warehouse_only: bool = False, engine: str = "duckdb", practice_id: str = DEFAULT_PRACTICE_ID,
              spark: SparkSettings | None = None) -> BuildSummary:
    """Build the warehouse at `paths.warehouse`: encrypted with `key` when there is one (docs/encryption.md).
    `warehouse_only` stops after dbt: no mining, denial risk or cash forecast, whose marts keep what the last full
    build wrote. Either way the loaded raw layer is published as Parquet under `paths.raw_parquet` as the
    practice `practice_id`. With `engine` "spark", dbt builds the warehouse on Spark from that Parquet (under
    `paths.spark`, or where `spark` says); the steps after it run on the practice's rows copied into
    `paths.warehouse`, and their tables go back into Spark's marts (orchestration.spark.step_tables)."""
    if engine not in ENGINES:
        raise BuildError(f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}")
    announce = stage or (lambda text: None)
    summary = BuildSummary()
    instance, resources = load_practice(paths, environment, practice_id, paths.raw_parquet, summary, key, announce)
    if engine == "spark":
        return _build_on_spark(paths, summary, key, as_of, spark or SparkSettings.under(paths.spark), announce,
                               practice_id, None if warehouse_only else (instance, resources, retrain))

    started = time.perf_counter()
    announce("building the warehouse (dbt)")
    from orchestration.warehouse.assets import build_dbt_assets, dbt_project

    project = dbt_project(environment)
    project.preparer.prepare(project)
    dbt_assets = build_dbt_assets(project)
    run_config = {**QUIET,
                  "ops": {dbt_assets.node_def.name: {"config": {"as_of_date": as_of.isoformat() if as_of else None,
                                                                "practice_id": practice_id}}}}
    log = paths.home / "logs" / "dbt_build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    # dagster-dbt echoes every dbt event to stdout; the user gets the summary, the log keeps the detail.
    with log.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
        result = materialize([dbt_assets, *extract_assets], selection=[dbt_assets], instance=instance,
                             resources=resources, run_config=run_config, raise_on_error=False)
    if not result.success:
        raise BuildError(f"dbt build failed: {_first_error(result)} (dbt's log: {log})")
    summary.seconds["warehouse_dbt"] = time.perf_counter() - started
    if warehouse_only:
        summarize(paths, summary, key, later_steps=False)
        return summary
    run_later_steps(paths, instance, resources, summary, retrain, key, announce)
    return summary


def run_later_steps(paths: LanternPaths, instance: DagsterInstance, resources: dict, summary: BuildSummary,
                    retrain: bool = False, key: WarehouseKey | None = None,
                    announce: Stage = lambda text: None) -> None:
    """What follows dbt on a practice's warehouse: mining the event log, scoring denial risk (training a model
    when asked or when none is promoted) and forecasting cash; then the summary's figures."""
    started = time.perf_counter()
    announce("mining the event log")
    from orchestration.mining.assets import event_log_mining

    # pm4py prints a banner when imported: it goes to the log with anything else printed.
    _materialize_logged([event_log_mining], paths.home / "logs" / "mining.log", "mining the event log", instance,
                        resources)
    summary.seconds["event_log_mining"] = time.perf_counter() - started

    started = time.perf_counter()
    summary.model = _score_denial_risk(paths, instance, resources, retrain, announce, key)
    summary.seconds["denial_model"] = time.perf_counter() - started

    started = time.perf_counter()
    announce("forecasting cash: backtesting each method over the last year's weeks")
    from orchestration.cash.assets import cash_forecast

    result = _materialize_logged([cash_forecast], paths.home / "logs" / "cash_forecast.log", "the cash forecast",
                                 instance, resources)
    skipped = result.asset_materializations_for_node(cash_forecast.node_def.name)[0].metadata.get("skipped")
    if skipped is not None:
        summary.forecast = [f"not forecast: {skipped.value}"]
    summary.seconds["cash_forecast"] = time.perf_counter() - started
    summarize(paths, summary, key)


def _build_on_spark(paths: LanternPaths, summary: BuildSummary, key: WarehouseKey | None, as_of: date | None,
                    settings: SparkSettings, announce: Stage, practice_id: str,
                    later: tuple[DagsterInstance, dict, bool] | None) -> BuildSummary:
    """dbt on Spark; then, unless `later` is None, the practice's rows of Spark's dbt schemas copied into its
    warehouse, the later steps run on it (with `later`'s Dagster instance, resources and retrain flag) and their
    tables written into Spark's marts, while the session is still up."""
    from orchestration.network.practice_steps import step_files, steps_on_slice
    from orchestration.spark.build import build_on_spark
    from orchestration.spark.session import SparkUnavailable
    from orchestration.spark.step_tables import parquet_warehouse, register_step_tables
    from orchestration.warehouse.dbt_invocation import DbtRunError

    def steps(spark) -> None:
        instance, resources, retrain = later
        announce(f"copying practice {practice_id}'s tables from Spark into {paths.warehouse}")
        source = parquet_warehouse(spark, settings.warehouse_dir, paths.spark / "views")
        steps_dir = paths.spark / "steps"
        shutil.rmtree(steps_dir, ignore_errors=True)
        steps_on_slice(paths, source, practice_id, steps_dir, instance, resources, summary, retrain, key, announce)
        started = time.perf_counter()
        announce("writing mining's, the denial risk's and the forecast's tables into Spark's marts")
        register_step_tables(spark, step_files(steps_dir))
        summary.seconds["steps_to_spark"] = time.perf_counter() - started

    try:
        spark_summary = build_on_spark(paths.raw_parquet, settings, DBT_PROJECT_DIR, paths.spark, as_of, announce,
                                       then=None if later is None else steps)
    except (DbtRunError, SparkUnavailable) as error:
        raise BuildError(str(error)) from None
    summary.seconds.update(spark_summary.seconds)
    if later is None:
        summarize(paths, summary, key, later_steps=False)
    summary.tables = spark_mart_rows(settings.warehouse_dir)
    return summary


def _materialize_logged(assets: list, log: Path, what: str, instance: DagsterInstance, resources: dict):
    """Materialize `assets`, anything they print going to `log`; a failure is a BuildError naming `what`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
        result = materialize(assets, instance=instance, resources=resources, run_config=QUIET, raise_on_error=False)
    if not result.success:
        raise BuildError(f"{what} failed: {_first_error(result)} (log: {log})")
    return result


def _score_denial_risk(paths: LanternPaths, instance: DagsterInstance, resources: dict, retrain: bool,
                       announce: Stage, key: WarehouseKey | None = None) -> str:
    """Score every claim and unbilled session (marts.claim_denial_risk) with the promoted denial model; first train a
    candidate and run its blocking check when asked to or when no model is promoted yet. Returns what happened."""
    from orchestration.models.assets import claim_denial_risk, denial_model, denial_model_promotion
    from orchestration.models.resources import ModelStoreResource, TruthResource

    store = paths.model_store / "denial"
    resources = {**resources, "model_store": ModelStoreResource(path=str(store)),
                 "truth": TruthResource(path=str(paths.truth))}
    train = retrain or promoted_version(store) is None
    with connect(paths.warehouse, key, read_only=True) as con:
        months = con.execute(_sql("labelled_months")).fetchone()[0]
    if train and months < MIN_HISTORY_MONTHS:
        announce(f"not training a denial model: {months} months of adjudicated claims, it needs {MIN_HISTORY_MONTHS}")
        return (f"not trained: {months} months of adjudicated claims, a model needs {MIN_HISTORY_MONTHS} "
                f"(3 to test, 2 to validate, 1 to train); marts.claim_denial_risk is not built")
    announce("training the denial model, checking it and scoring the claims" if train
             else f"scoring the claims with the promoted denial model {promoted_version(store)}")
    # A practice with under two years of adjudicated history keeps more of it for training.
    split = {} if months >= SHORT_HISTORY_MONTHS else {"test_months": 3, "validation_months": 2}
    run_config = {**QUIET, "ops": {"models__denial_model": {"config": split}}} if train else QUIET
    assets = [denial_model, denial_model_promotion, claim_denial_risk]
    log = paths.home / "logs" / "denial_model.log"
    with log.open("w", encoding="utf-8") as handle, contextlib.redirect_stdout(handle):
        result = materialize(assets, selection=None if train else [claim_denial_risk], instance=instance,
                             resources=resources, run_config=run_config, raise_on_error=False)
    failed_check = any(not evaluation.passed for evaluation in result.get_asset_check_evaluations())
    if failed_check:
        kept = promoted_version(store)
        outcome = f"the promoted {kept} scored the claims" if kept else "no model is promoted, nothing was scored"
        return f"the new candidate failed its promotion check; {outcome} (log: {log})"
    if not result.success:
        raise BuildError(f"the denial model failed: {_first_error(result)} (log: {log})")
    return f"model {promoted_version(store)}" + (" trained, checked and promoted" if train else " reused")


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


def summarize(paths: LanternPaths, summary: BuildSummary, key: WarehouseKey | None, later_steps: bool = True) -> None:
    with connect(paths.warehouse, key, read_only=True) as con:
        for source, files, loaded, quarantined, duplicates in con.execute(_sql("ledger_by_source")).fetchall():
            summary.files[source] = files
            summary.loaded[source] = int(loaded or 0)
            summary.quarantined[source] = int(quarantined or 0)
            summary.duplicates += duplicates
        summary.quarantine_by_rule = con.execute(_sql("quarantine_by_rule")).fetchall()
        summary.tables = con.execute(_sql("mart_tables")).fetchall()
        if not later_steps:  # their headlines would describe an earlier build
            return
        summary.mining = mining_headline(con)
        summary.forecast = summary.forecast or forecast_headline(con)
    summary.model_headline = promoted_headline(paths.model_store / "denial")


def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text()
