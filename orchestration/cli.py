"""The `lantern` command line: generate the demo practice, summarize a landing zone, run the demo.

This module is the only one that reads `os.environ`: it passes it to `LanternPaths.resolve`,
and at start it sets the usage-statistics opt-outs of the tools Lantern runs (setdefault, so a
value the user set explicitly wins).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectors.landing import LandingSummary, summarize_landing
from orchestration.paths import LanternPaths

if TYPE_CHECKING:
    from orchestration.warehouse_connection import WarehouseKey
    from synthetic.config import GeneratorConfig

# Opt-outs of the usage statistics ("telemetry") of the tools Lantern starts. Names from each
# project's documentation, checked against the installed sources:
#   dbt         DO_NOT_TRACK (dbt/cli/flags.py) and DBT_SEND_ANONYMOUS_USAGE_STATS (dbt/cli/params.py)
#   Streamlit   STREAMLIT_BROWSER_GATHER_USAGE_STATS, the env form of browser.gatherUsageStats
#   GX          GX_ANALYTICS_ENABLED
#   Dagster     `telemetry: enabled: false` in $DAGSTER_HOME/dagster.yaml (written by
#               prepare_dagster_home); DAGSTER_DISABLE_TELEMETRY also stops its log upload
#               (dagster/_core/telemetry_upload.py) but is not a documented switch.
USAGE_STATS_OPT_OUTS: dict[str, str] = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "DAGSTER_DISABLE_TELEMETRY": "1",
}

DAGSTER_YAML = "telemetry:\n  enabled: false\n"

SOURCES = ("ehr", "pm", "payer")

app = typer.Typer(
    name="lantern",
    help="Lantern: one warehouse from a behavioral-health practice's EHR, PM and payer exports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def opt_out_of_usage_stats(environ: MutableMapping[str, str]) -> None:
    """Set every usage-statistics opt-out in `environ`, keeping any value already there."""
    for name, value in USAGE_STATS_OPT_OUTS.items():
        environ.setdefault(name, value)


def prepare_dagster_home(paths: LanternPaths, environ: MutableMapping[str, str]) -> Path:
    """Create Lantern's DAGSTER_HOME with telemetry off (an existing dagster.yaml is left alone) and point
    `environ` at it, so a Dagster instance this process starts uses the folder LanternPaths decided."""
    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    config = paths.dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    environ["DAGSTER_HOME"] = str(paths.dagster_home)
    return paths.dagster_home


@dataclass(frozen=True, slots=True)
class _State:
    home: Path | None


def _paths(ctx: typer.Context, landing: Path | None = None, truth: Path | None = None,
           warehouse: Path | None = None, config: Path | None = None) -> LanternPaths:
    state = ctx.obj if isinstance(ctx.obj, _State) else _State(home=None)
    return LanternPaths.resolve(home=state.home, landing=landing, truth=truth, warehouse=warehouse, config=config,
                                env=os.environ)


WAREHOUSE_HELP = "DuckDB warehouse file (default: $LANTERN_WAREHOUSE, else <home>/warehouse.duckdb)."
KEY_FILE_HELP = ("File holding the warehouse's key, to encrypt it (default: the key in $LANTERN_WAREHOUSE_KEY, else "
                 "<home>/config/warehouse.key if it exists, else none: a plain warehouse; docs/encryption.md).")
KeyFileOption = Annotated[Path | None, typer.Option("--warehouse-key-file", metavar="FILE", help=KEY_FILE_HELP,
                                                    dir_okay=False)]
CONFIG_HELP = "The practice's configuration, its payer rules (default: $LANTERN_CONFIG, else <home>/config/practice.toml)."


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def _warehouse_key(paths: LanternPaths, key_file: Path | None) -> WarehouseKey | None:
    """The warehouse's key: --warehouse-key-file, else $LANTERN_WAREHOUSE_KEY, else <home>/config/warehouse.key if
    it exists (orchestration.warehouse_key); None for a plain warehouse."""
    from orchestration.warehouse_connection import WarehouseAccessError
    from orchestration.warehouse_key import resolve_warehouse_key

    try:
        return resolve_warehouse_key(key_file, os.environ, paths.warehouse_key_file)
    except WarehouseAccessError as error:
        _fail(str(error))


@app.callback()
def main(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            help="Folder for Lantern's data (default: $LANTERN_HOME, else ./data).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Lantern: one warehouse from a behavioral-health practice's EHR, PM and payer exports."""
    opt_out_of_usage_stats(os.environ)
    ctx.obj = _State(home=home)


# ----------------------------------------------------------------------------- generate


def _is_nonempty(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def _build_config(clinicians: int, months: int, seed: int, start: date, messy: bool) -> GeneratorConfig:
    from synthetic.config import GeneratorConfig

    try:
        return GeneratorConfig(clinicians=clinicians, months=months, seed=seed, start=start, messy=messy)
    except ValueError as error:
        _fail(str(error))


def _clear_previous_practice(paths: LanternPaths) -> None:
    """Remove what a previous generation wrote: the landing zone's source folders and the truth folder's contents,
    and the warehouse built from them. The loads keep every delivery they have seen (a file replaced in place is a
    new delivery), so a warehouse kept across a regeneration would mix the two practices."""
    cwd = Path.cwd().resolve()
    for folder in (paths.landing, paths.truth):
        if folder == cwd or folder in cwd.parents:
            _fail(f"refusing to clear {folder}: it is the current directory or one of its parents")
    doomed = [paths.landing / source for source in SOURCES]
    if paths.truth.is_dir():
        doomed.extend(paths.truth.iterdir())
    for entry in doomed:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        elif entry.exists() or entry.is_symlink():
            entry.unlink()
    stale = [p for p in (paths.warehouse, paths.warehouse.with_name(paths.warehouse.name + ".wal")) if p.exists()]
    for path in stale:
        path.unlink()
    if stale:
        Console(stderr=True).print(f"Removed the warehouse {paths.warehouse}: it was built from the replaced "
                                   "practice; `lantern build` builds it again.")


def _generate(config: GeneratorConfig, paths: LanternPaths, console: Console) -> None:
    from synthetic.generate import generate

    progress = Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    tasks: dict[str, int] = {}

    def on_progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            for previous in tasks.values():  # a new stage means the earlier ones are done
                task = progress.tasks[previous]
                if not task.finished:
                    progress.update(previous, completed=task.total or task.completed)
                    progress.stop_task(previous)
            tasks[stage] = progress.add_task(stage, total=total or None)
        progress.update(tasks[stage], completed=done, total=total or None)

    with progress:
        summary = generate(config, landing=paths.landing, truth=paths.truth, practice_config=paths.config,
                           progress=on_progress)

    table = Table(title="Demo practice", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    for label, value in summary.as_rows():
        table.add_row(str(label), str(value))
    console.print(table)
    console.print(f"Landing zone: {paths.landing}")
    console.print(f"Ground truth: {paths.truth}")


@app.command()
def generate(
    ctx: typer.Context,
    clinicians: Annotated[int, typer.Option(help="Clinicians in the demo practice.")] = 50,
    months: Annotated[int, typer.Option(help="Months of activity to generate (1-120).")] = 36,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same practice.")] = 7,
    start: Annotated[
        datetime,
        typer.Option(
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-01",
            show_default="2023-01-01",
            help="First day of the first month.",
        ),
    ] = datetime(2023, 1, 1),
    landing: Annotated[
        Path | None, typer.Option(help="Landing zone to write (default: $LANTERN_LANDING, else <home>/landing).")
    ] = None,
    truth: Annotated[
        Path | None, typer.Option(help="Folder for the ground truth (default: $LANTERN_TRUTH, else <home>/truth).")
    ] = None,
    messy: Annotated[bool, typer.Option("--messy/--no-messy", help="Add the flaws real deliveries have.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing landing zone and ground truth.")] = False,
    config_file: Annotated[Path | None, typer.Option("--config", help="Where to write the demo practice's "
                                                     "configuration (default: $LANTERN_CONFIG, else "
                                                     "<home>/config/practice.toml).", dir_okay=False)] = None,
) -> None:
    """Generate the demo practice: a landing zone of EHR, PM and payer deliveries, its configuration (payer rules)
    and its ground truth."""
    config = _build_config(clinicians, months, seed, start.date(), messy)
    paths = _paths(ctx, landing=landing, truth=truth, config=config_file)
    if not force:
        for what, folder in (("landing zone", paths.landing), ("ground-truth folder", paths.truth)):
            if _is_nonempty(folder):
                _fail(f"{what} {folder} is not empty; pass --force to replace it")
    else:
        _clear_previous_practice(paths)
    _generate(config, paths, Console())


# ----------------------------------------------------------------------------- summary


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _print_summary(summary: LandingSummary, console: Console) -> None:
    overview = Table(title=f"Landing zone {summary.landing}")
    overview.add_column("source")
    overview.add_column("deliveries", justify="right")
    overview.add_column("files", justify="right")
    overview.add_column("size", justify="right")
    for name, source in summary.sources():
        overview.add_row(name, f"{source.deliveries:,}", f"{source.files:,}", _size(source.bytes))
    console.print(overview)

    if summary.ehr.lines_by_resource:
        ehr = Table(title="EHR: FHIR resources")
        ehr.add_column("resource type")
        ehr.add_column("resources", justify="right")
        for resource, lines in summary.ehr.lines_by_resource.items():
            ehr.add_row(resource, f"{lines:,}")
        console.print(ehr)

    if summary.pm.rows_by_file:
        pm = Table(title="PM: CSV rows")
        pm.add_column("file")
        pm.add_column("rows", justify="right")
        for name, rows in summary.pm.rows_by_file.items():
            pm.add_row(name, f"{rows:,}")
        console.print(pm)

    if summary.payer.files_by_kind:
        payer = Table(title="Payer: X12 files")
        payer.add_column("kind")
        payer.add_column("files", justify="right")
        payer.add_column("claims", justify="right")
        for kind, files in summary.payer.files_by_kind.items():
            claims = summary.payer.claims_by_kind.get(kind)
            payer.add_row(kind, f"{files:,}", "" if claims is None else f"{claims:,}")
        console.print(payer)
    for path in summary.payer.unreadable:
        console.print(f"[yellow]warning:[/yellow] no readable ISA header in {path}", highlight=False)


def _summarize_or_fail(landing: Path) -> LandingSummary:
    try:
        return summarize_landing(landing)
    except (FileNotFoundError, NotADirectoryError) as error:
        _fail(str(error), code=1)


@app.command()
def summary(
    ctx: typer.Context,
    landing: Annotated[
        Path | None, typer.Option(help="Landing zone to read (default: $LANTERN_LANDING, else <home>/landing).")
    ] = None,
) -> None:
    """Summarize a landing zone: deliveries, files and size per source, and what they hold."""
    paths = _paths(ctx, landing=landing)
    _print_summary(_summarize_or_fail(paths.landing), Console())


# ----------------------------------------------------------------------------- build


def _stage_printer(console: Console, started: float) -> Callable[[str], None]:
    """Print each stage of a long command with the seconds elapsed since `started`."""
    def stage(text: str) -> None:
        console.print(f"[{time.perf_counter() - started:6.1f}s] {text}", highlight=False, soft_wrap=True)
    return stage


@contextlib.contextmanager
def _stages(console: Console, started: float, title: str) -> Iterator[Callable[[str], None]]:
    """A long command's stage printer whose latest line also shows beside a spinner while the command runs."""
    printed = _stage_printer(console, started)
    with console.status(title) as status:
        def stage(text: str) -> None:
            printed(text)
            status.update(text)
        yield stage


def _build(paths: LanternPaths, as_of: date | None, console: Console, retrain: bool = False,
           key: WarehouseKey | None = None, warehouse_only: bool = False, engine: str = "duckdb",
           practice_id: str = "default", spark=None) -> None:
    from orchestration.build import BuildError, run_build
    from orchestration.environments import environment_name

    prepare_dagster_home(paths, os.environ)
    started = time.perf_counter()
    with _stages(console, started, "building") as stage:
        try:
            summary = run_build(paths, environment_name(os.environ), as_of=as_of, stage=stage, retrain=retrain,
                                key=key, warehouse_only=warehouse_only, engine=engine, practice_id=practice_id,
                                spark=spark)
        except BuildError as error:
            _fail(str(error), code=1)
    table = Table(title=f"Warehouse {paths.warehouse}" + (" (encrypted)" if key is not None else ""))
    for column in ("source", "files", "records loaded", "records quarantined"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for source in summary.files:
        table.add_row(source, f"{summary.files[source]:,}", f"{summary.loaded[source]:,}",
                      f"{summary.quarantined[source]:,}")
    console.print(table)
    console.print(f"{summary.deliveries} deliveries; {summary.duplicates} files repeat another file's bytes "
                  f"(kept once)", highlight=False)
    if summary.quarantine_by_rule:
        rules = Table(title="Quarantined, by rule (details in raw.quarantine)")
        for column in ("source", "rule", "records"):
            rules.add_column(column, justify="right" if column == "records" else "left")
        for source, rule, count in summary.quarantine_by_rule:
            rules.add_row(source, rule, f"{count:,}")
        console.print(rules)
    marts = Table(title="Marts built" + (" on Spark" if engine == "spark" else ""))
    marts.add_column("table")
    marts.add_column("rows", justify="right")
    for name, rows in summary.tables:
        marts.add_row(name, f"{rows:,}")
    console.print(marts)
    if engine == "spark":
        console.print(f"Spark's tables are Parquet under {paths.spark / 'warehouse'} (docs/scaling.md)",
                      highlight=False, soft_wrap=True)
    if summary.mining:
        console.print("Process mining (marts.mining_*, docs/mining.md):", highlight=False)
        for line in summary.mining:
            console.print(f"  {line}", highlight=False, soft_wrap=True)
    if summary.model:
        console.print(f"Denial risk (marts.claim_denial_risk, model store {paths.model_store / 'denial'}): "
                      f"{summary.model}", highlight=False, soft_wrap=True)
        if summary.model_headline:
            console.print(f"  {summary.model_headline}", highlight=False, soft_wrap=True)
    if summary.forecast:
        console.print("Cash forecast, 13 weeks (marts.cash_forecast; backtest in marts.cash_forecast_backtest, "
                      "docs/cash-forecast.md):", highlight=False)
        for line in summary.forecast:
            console.print(f"  {line}", highlight=False, soft_wrap=True)
    console.print(f"Built in {time.perf_counter() - started:.1f} s", highlight=False)


class Engine(str, Enum):
    """Where dbt builds the warehouse."""

    duckdb = "duckdb"
    spark = "spark"


SparkMasterOption = Annotated[str | None, typer.Option(
    "--spark-master", metavar="URL", help="With --engine spark: the Spark master, local[2] (this machine's two cores) "
                                          "unless given; spark://host:7077, k8s://https://host:443 or yarn for a "
                                          "cluster (docs/scaling.md).")]
SparkConfOption = Annotated[list[str] | None, typer.Option(
    "--spark-conf", metavar="KEY=VALUE", help="With --engine spark: a Spark setting, as spark-submit's --conf takes "
                                              "it (repeatable), e.g. spark.executor.instances=8.")]


def _spark_settings(engine: Engine, folder: Path, master: str | None, conf: list[str] | None):
    """The Spark session's settings from the command line (orchestration.spark.settings), None on DuckDB."""
    from orchestration.spark.settings import SparkSettingsError, cluster_settings

    if engine != Engine.spark:
        if master is not None or conf:
            _fail("--spark-master and --spark-conf apply to --engine spark only")
        return None
    try:
        return cluster_settings(folder, master, conf or [])
    except SparkSettingsError as error:
        _fail(str(error))


@app.command()
def build(
    ctx: typer.Context,
    landing: Annotated[
        Path | None, typer.Option(help="Landing zone to load (default: $LANTERN_LANDING, else <home>/landing).")
    ] = None,
    warehouse: Annotated[
        Path | None, typer.Option(help="DuckDB warehouse file (default: $LANTERN_WAREHOUSE, else <home>/warehouse.duckdb).")
    ] = None,
    as_of: Annotated[
        datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"],
                                      help="As-of date for the measures (default: the newest delivery's date).")
    ] = None,
    config: Annotated[Path | None, typer.Option(help=CONFIG_HELP, dir_okay=False)] = None,
    retrain: Annotated[bool, typer.Option("--retrain", help="Train a new denial model (promoted only if it passes its "
                                                            "check) instead of reusing the promoted one.")] = False,
    warehouse_key_file: KeyFileOption = None,
    warehouse_only: Annotated[bool, typer.Option(
        "--warehouse-only", help="Load the deliveries and build the warehouse (dbt), then stop: no mining, denial "
                                 "risk or cash forecast; their marts keep what the last full build wrote.")] = False,
    engine: Annotated[Engine, typer.Option(
        help="Where dbt builds the warehouse: duckdb (the warehouse file), or spark (a Spark session building the "
             "same dbt project from the Parquet raw layer into <home>/spark; mining and the models then run on "
             "the practice's rows copied into the warehouse file, and their tables go back to Spark: "
             "docs/scaling.md).")] = Engine.duckdb,
    practice_id: Annotated[str, typer.Option(
        help="The practice's id in the Parquet raw layer (<home>/raw/<table>/practice=<id>/...): letters, digits, "
             "'.', '_' and '-'.")] = "default",
    spark_master: SparkMasterOption = None,
    spark_conf: SparkConfOption = None,
) -> None:
    """Load every delivery of a landing zone, build the warehouse, mine it, score the claims' denial risk and forecast
    cash (the whole asset graph, in-process); encrypted when there is a warehouse key."""
    paths = _paths(ctx, landing=landing, warehouse=warehouse, config=config)
    spark = _spark_settings(engine, paths.spark, spark_master, spark_conf)
    _build(paths, as_of.date() if as_of else None, Console(), retrain=retrain,
           key=_warehouse_key(paths, warehouse_key_file), warehouse_only=warehouse_only, engine=engine.value,
           practice_id=practice_id, spark=spark)


network_app = typer.Typer(help="A network of practices built as one warehouse (docs/scaling.md).", no_args_is_help=True)
app.add_typer(network_app, name="network")


@network_app.command("build")
def network_build(
    ctx: typer.Context,
    network_file: Annotated[Path, typer.Argument(help="The network file (network.toml): its [[practice]] tables, "
                                                      "each an id, a landing zone and optionally a practice.toml.",
                                                 dir_okay=False)],
    network_home: Annotated[Path | None, typer.Option(
        help="Where the network's practices, Parquet raw layer and warehouse go (default: "
             "<home>/networks/<the network file's name>).")] = None,
    engine: Annotated[Engine, typer.Option(help="Where dbt builds the network's warehouse: duckdb "
                                                "(<network home>/warehouse.duckdb) or spark (<network home>/spark).")]
    = Engine.duckdb,
    as_of: Annotated[datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="As-of date for every practice's measures (default: each practice's "
                                               "newest delivery's date).")] = None,
    warehouse_only: Annotated[bool, typer.Option(
        "--warehouse-only", help="Stop after the warehouse: no mining, denial risk or cash forecast.")] = False,
    retrain: Annotated[bool, typer.Option("--retrain", help="Train a new denial model for each practice.")] = False,
    spark_master: SparkMasterOption = None,
    spark_conf: SparkConfOption = None,
) -> None:
    """Load every practice of a network file, publish them to one Parquet raw layer and build the warehouse of all
    of them at once; then mine, score denial risk and forecast cash for each practice, in parallel."""
    from orchestration.build import BuildError
    from orchestration.environments import environment_name
    from orchestration.network.build import build_network
    from orchestration.network.network_file import NetworkFileError, read_network

    root = _paths(ctx.find_root())
    try:
        network = read_network(network_file.resolve())
    except NetworkFileError as error:
        _fail(str(error), code=2)
    home = (network_home or root.home / "networks" / network_file.stem).expanduser().resolve()
    spark = _spark_settings(engine, home / "spark", spark_master, spark_conf)
    prepare_dagster_home(LanternPaths.resolve(home=home), os.environ)
    console = Console()
    started = time.perf_counter()
    with _stages(console, started, "building the network") as stage:
        try:
            summary = build_network(network, home, environment_name(os.environ), engine.value,
                                    as_of.date() if as_of else None, spark=spark,
                                    warehouse_only=warehouse_only, retrain=retrain, announce=stage)
        except BuildError as error:
            _fail(str(error), code=1)
    table = Table(title=f"Network {network_file.name}: {len(network.practices)} practices, built on {engine.value}")
    for column in ("practice", "deliveries", "records loaded", "records quarantined", "claims", "sessions",
                   "referrals"):
        table.add_column(column, justify="left" if column == "practice" else "right")
    marts = {row[0]: row[1:] for row in summary.rows_by_practice}
    for practice_id, loaded in summary.practices.items():
        claims, sessions, referrals = marts.get(practice_id, (0, 0, 0))
        table.add_row(practice_id, f"{loaded.deliveries:,}", f"{sum(loaded.loaded.values()):,}",
                      f"{sum(loaded.quarantined.values()):,}", f"{claims:,}", f"{sessions:,}", f"{referrals:,}")
    console.print(table)
    for steps in summary.steps:
        console.print(f"{steps.practice_id}: denial risk: {steps.model}; cash forecast: "
                      f"{'; '.join(steps.forecast) or 'made'}", highlight=False, soft_wrap=True)
    where = home / "warehouse.duckdb" if engine == Engine.duckdb else home / "spark" / "warehouse"
    console.print(f"{summary.dbt_nodes} dbt models and tests; the marts are in {where}, each row with its "
                  f"practice_id. Built in {time.perf_counter() - started:.1f} s", highlight=False, soft_wrap=True)


# ----------------------------------------------------------------------------- serve


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[int | None, typer.Option(help="Port (default: Streamlit's own setting, STREAMLIT_SERVER_PORT, "
                                                  "else 8501).")] = None,
    address: Annotated[str, typer.Option(help="Address to listen on (default: localhost, this machine only; "
                                              "0.0.0.0 for the network).")] = "localhost",
    warehouse: Annotated[Path | None, typer.Option(help=WAREHOUSE_HELP)] = None,
    warehouse_key_file: KeyFileOption = None,
) -> None:
    """Start the dashboards (Streamlit) on the built warehouse, read-only, and print their address."""
    paths = _paths(ctx, warehouse=warehouse)
    _serve(paths, port, address, _warehouse_key(paths, warehouse_key_file))


def _serve(paths: LanternPaths, port: int | None, address: str, key: WarehouseKey | None) -> NoReturn:
    from dashboards.serve import port_to_use, serve_environment, streamlit_command
    from orchestration.warehouse_connection import WarehouseAccessError, connect

    if not paths.warehouse.is_file():
        _fail(f"no warehouse at {paths.warehouse}: run `lantern build` (or `make demo`) first", code=1)
    try:  # a missing or wrong key is said here, not on every page
        connect(paths.warehouse, key, read_only=True).close()
    except WarehouseAccessError as error:
        _fail(str(error), code=1)
    try:
        shown = port_to_use(port, os.environ)
    except ValueError as error:
        _fail(str(error))
    from models.documentation.sentences import stored_model

    # The co-pilot page checks notes with the sentence model: stored once in the model store (a few seconds the
    # first time), so that the page opens at once.
    typer.echo("Preparing the documentation checker's model ...")
    stored_model(paths.model_store / "documentation")
    host = "localhost" if address in ("localhost", "0.0.0.0", "::") else address
    typer.echo(f"Lantern's dashboards on {paths.warehouse}: http://{host}:{shown}  (Ctrl-C stops them)")
    sys.stdout.flush()
    # Streamlit takes this process's place: stopping `lantern serve` (Ctrl-C, a service manager's SIGTERM) stops
    # the server itself, and no orphaned server is left behind.
    command = streamlit_command(port, address)
    os.execve(command[0], command, serve_environment(os.environ, paths.warehouse, paths.home,
                                                     key.secret if key is not None else None))


# ----------------------------------------------------------------------------- users

users_app = typer.Typer(help="The dashboards' local accounts: add, remove, list (<home>/config/users.json).",
                        no_args_is_help=True)
app.add_typer(users_app, name="users")


def _users_file(ctx: typer.Context) -> Path:
    # the sub-command's context: Lantern's --home sits on the root command's
    from dashboards.users import users_file

    return users_file(_paths(ctx.find_root()).home)


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user's name (lower case).")],
    role: Annotated[str, typer.Option(help="leadership, finance, billing, clinician or analyst.")],
    npi: Annotated[str | None, typer.Option(help="For a clinician: their NPI (they see only their own patients).")]
    = None,
    practice: Annotated[str | None, typer.Option(
        help="In a network's warehouse: the practice whose rows alone they see (its id in the network file); "
             "without it, a user picks any practice of the warehouse.")] = None,
) -> None:
    """Add a user with a one-time password, printed once: give it to the user, who is to change it."""
    from dashboards import users

    path = _users_file(ctx)
    try:
        updated, password = users.add(users.read(path), username, role, npi, practice_id=practice)
        users.write(path, updated)
    except users.UsersError as error:
        _fail(str(error))
    typer.echo(f"Added {username} ({role}) to {path}. One-time password (shown once): {password}")


@users_app.command("remove")
def users_remove(ctx: typer.Context, username: Annotated[str, typer.Argument(help="The user to remove.")]) -> None:
    """Remove a user."""
    from dashboards import users

    path = _users_file(ctx)
    try:
        users.write(path, users.remove(users.read(path), username))
    except users.UsersError as error:
        _fail(str(error))
    typer.echo(f"Removed {username} from {path}.")


@users_app.command("list")
def users_list(ctx: typer.Context) -> None:
    """List the users and their roles (never their passwords)."""
    from dashboards import users

    path = _users_file(ctx)
    try:
        known = users.read(path)
    except users.UsersError as error:
        _fail(str(error))
    if not known:
        typer.echo(f"No users in {path}: `lantern users add NAME --role ROLE` adds one.")
        return
    table = Table(title=f"Users ({path})")
    for column in ("user", "role", "clinician NPI", "practice", "password"):
        table.add_column(column)
    for user in known.values():
        table.add_row(user.username, user.role, user.clinician_npi or "", user.practice_id or "every",
                      "one-time, to change" if user.must_change_password else "set by the user")
    Console().print(table)


# ----------------------------------------------------------------------------- warehouse

warehouse_app = typer.Typer(help="The warehouse's encryption at rest: make a key, encrypt a plain warehouse "
                                 "(docs/encryption.md).", no_args_is_help=True)
app.add_typer(warehouse_app, name="warehouse")


@warehouse_app.command("key")
def warehouse_key(
    ctx: typer.Context,
    warehouse_key_file: Annotated[Path | None, typer.Option(
        "--warehouse-key-file", metavar="FILE", dir_okay=False,
        help="Where to write it (default: <home>/config/warehouse.key).")] = None,
) -> None:
    """Write a new random warehouse key to a file only you can read (never printed).

    256 random bits; `lantern build` then encrypts the warehouse with it. Keep a copy somewhere safe: without it the
    warehouse cannot be read."""
    from orchestration.warehouse_connection import WarehouseAccessError
    from orchestration.warehouse_key import write_new_key

    path = warehouse_key_file or _paths(ctx.find_root()).warehouse_key_file
    try:
        write_new_key(path)
    except WarehouseAccessError as error:
        _fail(str(error))
    typer.echo(f"Wrote a new warehouse key to {path} (mode 0600). Back it up: a warehouse encrypted with it cannot "
               "be read without it.")


@warehouse_app.command("encrypt")
def warehouse_encrypt(
    ctx: typer.Context,
    warehouse: Annotated[Path | None, typer.Option(help=WAREHOUSE_HELP)] = None,
    warehouse_key_file: KeyFileOption = None,
) -> None:
    """Encrypt a plain warehouse in place with the warehouse key, checking every table's row count."""
    from orchestration.warehouse_connection import WarehouseAccessError, encrypt_warehouse

    paths = _paths(ctx.find_root(), warehouse=warehouse)
    key = _warehouse_key(paths, warehouse_key_file)
    if key is None:
        _fail("no warehouse key: `lantern warehouse key` writes one to <home>/config/warehouse.key, or set "
              "LANTERN_WAREHOUSE_KEY, or give --warehouse-key-file")
    started = time.perf_counter()
    try:
        tables = encrypt_warehouse(paths.warehouse, key)
    except WarehouseAccessError as error:
        _fail(str(error), code=1)
    typer.echo(f"Encrypted {paths.warehouse}: {len(tables)} tables, {sum(rows for _, rows in tables):,} rows, in "
               f"{time.perf_counter() - started:.1f} s.")


# ----------------------------------------------------------------------------- mine


@app.command()
def mine(
    xes: Annotated[Path, typer.Option("--xes", metavar="FILE",
                                      help="XES event log to mine (.xes, or gzipped .xes.gz).")],
    out: Annotated[Path, typer.Option("--out", metavar="DIR",
                                      help="Folder for the results: dfg.csv, start_end.csv, variants.csv, "
                                           "bottlenecks.csv, rework.csv, model.pnml, model.bpmn and report.md.")],
    money: Annotated[
        list[str] | None,
        typer.Option("--money", metavar="ATTRIBUTE",
                     help="An event attribute holding money, summed per variant (repeatable)."),
    ] = None,
) -> None:
    """Mine any XES event log: directly-follows graph with times, start and end activities, variants, bottlenecks,
    rework, and the inductive miner's model with the log's fitness."""
    import duckdb

    from mining.report import mine_log
    from mining.schema import Money
    from mining.xes import XesError, load_events, read_xes_events

    if out.exists() and not out.is_dir():
        _fail(f"--out {out} is a file, not a folder", code=1)
    console = Console()
    started = time.perf_counter()
    stage = _stage_printer(console, started)
    if xes.is_file():
        stage(f"reading {xes} ({_size(xes.stat().st_size)})")
    try:  # pm4py's own progress bar, per trace, while it parses (on a terminal)
        log = read_xes_events(xes, show_progress=Console(stderr=True).is_terminal)
    except XesError as error:
        _fail(str(error), code=1)
    con = duckdb.connect()
    stage(f"loading {len(log.events):,} events into DuckDB"
          + (f" ({log.dropped:,} without a case, activity or timestamp left out)" if log.dropped else ""))
    load_events(con, log.events)
    with console.status("mining") as status:
        def step(text: str) -> None:
            stage(text)
            status.update(text)
        try:
            measures = [Money(column, column) for column in money or []]  # not Lantern's: its activities differ
            mined = mine_log(con, "events", out, title=xes.name, money=measures, stage=step)
        except (ValueError, duckdb.Error, OSError) as error:
            _fail(f"{xes}: {str(error).splitlines()[0]}", code=1)
    size = mined.overview
    console.print(f"{size.cases:,} cases, {size.events:,} events, {size.activities:,} activities, "
                  f"{size.variants:,} variants, {len(mined.dfg):,} edges", highlight=False)
    console.print(f"Wrote {', '.join(path.name for path in mined.files)} to {out} in "
                  f"{time.perf_counter() - started:.1f} s", highlight=False, soft_wrap=True)


# ----------------------------------------------------------------------------- demo


DEMO_USER = "demo"


def _demo_user(paths: LanternPaths, console: Console) -> None:
    """The demo's sign-in: user `demo` (leadership) with a new one-time password each run, printed once, since
    no password ships with Lantern and the last run's cannot be shown again."""
    from dashboards import users

    path = users.users_file(paths.home)
    known = users.read(path)
    if DEMO_USER in known:
        known = users.remove(known, DEMO_USER)
    known, password = users.add(known, DEMO_USER, "leadership")
    users.write(path, known)
    console.print(f"Dashboards: sign in as [bold]{DEMO_USER}[/bold] with the one-time password "
                  f"[bold]{password}[/bold] (shown once; you choose your own at the first sign-in). "
                  "`lantern users add` adds accounts for the others.", highlight=False)


@app.command()
def demo(
    ctx: typer.Context,
    clinicians: Annotated[int, typer.Option(help="Clinicians, if the demo practice has to be generated.")] = 50,
    months: Annotated[int, typer.Option(help="Months, if the demo practice has to be generated.")] = 36,
    seed: Annotated[int, typer.Option(help="Random seed, if the demo practice has to be generated.")] = 7,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the dashboards once built (until "
                                                                         "Ctrl-C).")] = True,
) -> None:
    """Run the main job on the demo practice: generate it if it is not there yet, summarize it, build it (warehouse,
    mining, denial risk, cash forecast), then serve the dashboards."""
    config = _build_config(clinicians, months, seed, date(2023, 1, 1), messy=False)
    paths = _paths(ctx)
    console = Console()
    if _is_nonempty(paths.landing):
        console.print(
            f"Reusing the demo practice in {paths.landing}; `lantern generate --force` regenerates it.",
            highlight=False,
        )
    else:
        _generate(config, paths, console)
    prepare_dagster_home(paths, os.environ)
    _print_summary(_summarize_or_fail(paths.landing), console)
    key = _warehouse_key(paths, None)
    _build(paths, None, console, key=key)
    _demo_user(paths, console)
    if serve_after:
        _serve(paths, None, "localhost", key)
