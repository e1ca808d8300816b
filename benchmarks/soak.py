"""Soak: a practice's deliveries arrive one month at a time through the delivery sensor, for months on end.

    .venv/bin/python benchmarks/soak.py                                   # 10, 50 and 200 clinicians x 36 months
    .venv/bin/python benchmarks/soak.py --clinicians 10 --months 6 --keep /tmp/soak

Per size: the demo practice is generated aside (its own process). Then, in a fresh process, its deliveries are
moved into an empty landing zone one at a time, in date order; after each, the delivery sensor
(`orchestration.extract.sensors.new_deliveries_sensor`) is evaluated, its dynamic-partition requests applied to the
Dagster instance and its run requests executed (the `extract_deliveries` job, for the new partition), as the Dagster
daemon would, but in this process, so that its memory accumulates over the whole soak. Each delivery's time is from
the sensor's evaluation to the end of its run; the process's resident memory is read after each. When all have
arrived, `lantern build --warehouse-only` builds the marts on that warehouse. Last, a one-shot build of the same
landing zone (`lantern build --warehouse-only`, another fresh process and warehouse) is compared with it table by
table (`orchestration.warehouse_compare`): the raw layer and every mart, exactly.

`--full` runs the whole build on both instead (mining, denial model, cash forecast), so their marts are compared too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from fresh_process import in_fresh_process  # benchmarks/, beside this script

SOURCES = ("ehr", "pm", "payer")
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def _rss_mb() -> float:
    """This process's resident memory now."""
    return _status_mb("VmRSS:")


def _peak_mb() -> float:
    """This process's peak resident memory. Not ru_maxrss: Linux counts in it the memory of the process this one
    was forked from, carried across exec, so a process a big one starts would report at least the big one's."""
    return _status_mb("VmHWM:")


def _cpu_s() -> float:
    """CPU seconds this process and its finished children (dbt) have used: unlike wall time, it hardly moves when
    other work shares the machine."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _generate(clinicians: int, months: int, seed: int, messy: bool, root: str, queue) -> None:
    from synthetic.config import GeneratorConfig
    from synthetic.generate import generate

    folder = Path(root)
    started = time.perf_counter()
    summary = generate(GeneratorConfig(clinicians=clinicians, months=months, seed=seed, start=date(2023, 1, 1),
                                       messy=messy),
                       folder / "arriving", folder / "truth", practice_config=folder / "config" / "practice.toml")
    queue.put({"claims": summary.counts["claims"], "generate_s": time.perf_counter() - started})


def _paths(root: Path, name: str, landing: Path):
    from orchestration.paths import LanternPaths

    home = root / name
    return LanternPaths.resolve(home=home, landing=landing, warehouse=home / "warehouse.duckdb",
                                config=root / "config" / "practice.toml")


def _build(paths, environment: str, full: bool) -> dict:
    from orchestration.build import run_build
    from orchestration.cli import opt_out_of_usage_stats, prepare_dagster_home

    opt_out_of_usage_stats(os.environ)
    prepare_dagster_home(paths, os.environ)
    started, cpu = time.perf_counter(), _cpu_s()
    summary = run_build(paths, environment, warehouse_only=not full)
    return {"build_s": time.perf_counter() - started, "build_cpu_s": _cpu_s() - cpu, "stages_s": summary.seconds,
            "records": sum(summary.loaded.values()), "quarantined": sum(summary.quarantined.values())}


def _soak(root: str, environment: str, full: bool, queue) -> None:
    """Runs in a fresh process: deliver month by month through the sensor, then build the marts."""
    from dagster import DagsterInstance, Definitions, build_sensor_context

    from orchestration.cli import opt_out_of_usage_stats, prepare_dagster_home
    from orchestration.environments import resources_for
    from orchestration.extract.assets import extract_assets
    from orchestration.extract.loader import delivery_names
    from orchestration.extract.sensors import extract_job, new_deliveries_sensor
    from orchestration.project import DBT_PROJECT_DIR

    folder = Path(root)
    arriving, landing = folder / "arriving", folder / "landing"
    paths = _paths(folder, "month_by_month", landing)
    opt_out_of_usage_stats(os.environ)
    prepare_dagster_home(paths, os.environ)
    instance = DagsterInstance.get()
    resources = resources_for(paths, environment, str(DBT_PROJECT_DIR))
    defs = Definitions(assets=extract_assets, jobs=[extract_job], sensors=[new_deliveries_sensor],
                       resources=resources)
    job = defs.resolve_job_def(extract_job.name)
    deliveries = []
    for name in delivery_names(arriving):
        for source in SOURCES:
            if (arriving / source / name).is_dir():
                (landing / source).mkdir(parents=True, exist_ok=True)
                (arriving / source / name).rename(landing / source / name)
        started, cpu = time.perf_counter(), _cpu_s()
        context = build_sensor_context(instance=instance, resources={"landing": resources["landing"]})
        result = new_deliveries_sensor(context)
        for request in result.dynamic_partitions_requests:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        records = 0
        for run in result.run_requests:
            outcome = job.execute_in_process(partition_key=run.partition_key, instance=instance, tags=run.tags,
                                             run_config=QUIET)
            records += sum(event.event_specific_data.materialization.metadata["rows_loaded"].value
                           for event in outcome.get_asset_materialization_events())
        seconds, cpu, rss = time.perf_counter() - started, _cpu_s() - cpu, _rss_mb()
        deliveries.append({"delivery": name, "runs": len(result.run_requests), "seconds": seconds, "cpu_s": cpu,
                           "rows": records, "rss_mb": rss})
        print(f"       delivery {len(deliveries):>3} {name}: {seconds:6.1f} s ({cpu:5.1f} s CPU), {records:>9,} raw "
              f"rows, RSS {rss:,.0f} MB", flush=True)
    loading_peak = _peak_mb()
    build = _build(paths, environment, full)
    queue.put({"deliveries": deliveries, "loading_peak_mb": loading_peak, "peak_mb": _peak_mb(), **build})


def _one_shot(root: str, environment: str, full: bool, queue) -> None:
    folder = Path(root)
    build = _build(_paths(folder, "one_shot", folder / "landing"), environment, full)
    queue.put({**build, "peak_mb": _peak_mb()})


def _compare(root: str, queue) -> None:
    import duckdb

    from orchestration.warehouse_compare import compare_warehouses

    root = Path(root)
    month_by_month = root / "month_by_month" / "warehouse.duckdb"
    one_shot = root / "one_shot" / "warehouse.duckdb"
    differences = compare_warehouses(one_shot, month_by_month, ("raw", "marts"))
    with duckdb.connect(str(one_shot), read_only=True) as con:
        tables = con.execute("select count(*), sum(estimated_size) from duckdb_tables() "
                             "where schema_name in ('raw', 'marts')").fetchall()[0]
    queue.put({"differences": [str(d) for d in differences], "tables": tables[0], "rows": int(tables[1])})


def _one_size(clinicians: int, months: int, args, root: Path) -> dict:
    folder = root / f"c{clinicians}_m{months}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    result = {"clinicians": clinicians, "months": months,
              **in_fresh_process(_generate, clinicians, months, args.seed, args.messy, str(folder))}
    print(f"{clinicians} clinicians x {months} months: generated in {result['generate_s']:.0f} s; delivering month "
          f"by month", flush=True)
    result["soak"] = in_fresh_process(_soak, str(folder), args.environment, args.full)
    print(f"       marts built in {result['soak']['build_s']:.0f} s; the one-shot build", flush=True)
    result["one_shot"] = in_fresh_process(_one_shot, str(folder), args.environment, args.full)
    result["comparison"] = in_fresh_process(_compare, str(folder))  # this process stays small: see _peak_mb
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def _report(result: dict) -> None:
    soak, one_shot, comparison = result["soak"], result["one_shot"], result["comparison"]
    deliveries = soak["deliveries"]
    wall, cpu = [d["seconds"] for d in deliveries], [d["cpu_s"] for d in deliveries]
    third = max(1, len(deliveries) // 3)
    print(f"{result['clinicians']:>4} clinicians x {result['months']} months: {result['claims']:,} claims, "
          f"{len(deliveries)} deliveries, {sum(d['rows'] for d in deliveries):,} raw rows (generated in "
          f"{result['generate_s']:.0f} s)")
    for name, seconds in (("wall", wall), ("CPU", cpu)):
        print(f"     per delivery, sensor + run, {name}: median {statistics.median(seconds):.1f} s, the first (with "
              f"the burn-in) {seconds[0]:.1f} s, the others {min(seconds[1:] or seconds):.1f}-"
              f"{max(seconds[1:] or seconds):.1f} s; median of the first third {statistics.median(seconds[:third]):.1f}"
              f" s, of the last {statistics.median(seconds[-third:]):.1f} s; all {sum(seconds):.0f} s")
    checkpoints = sorted({0, len(deliveries) // 3, 2 * len(deliveries) // 3, len(deliveries) - 1})
    rss = ", ".join(f"after {i + 1}: {deliveries[i]['rss_mb']:,.0f} MB" for i in checkpoints)
    print(f"     memory of the soak process: peak {soak['loading_peak_mb']:,.0f} MB while loading; RSS {rss}")
    for what, build in (("then the marts", soak), ("one-shot build of the same landing zone", one_shot)):
        stages = ", ".join(f"{k} {v:.0f} s" for k, v in build["stages_s"].items())
        print(f"     {what}: {build['build_s']:.0f} s, {build['build_cpu_s']:.0f} s CPU ({stages}); peak of the "
              f"process (dbt runs in its own) {build['peak_mb']:,.0f} MB")
    if comparison["differences"]:
        print(f"     DIFFERENT from the one-shot build in {len(comparison['differences'])} tables:")
        for line in comparison["differences"]:
            print(f"       {line[:400]}")
    else:
        print(f"     equal to the one-shot build: {comparison['tables']} tables of raw and marts, "
              f"{comparison['rows']:,} rows, compared exactly")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clinicians", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--messy", action="store_true", help="generate the practice with the flaws real deliveries "
                                                             "have (quarantined records, a file sent twice)")
    parser.add_argument("--full", action="store_true", help="the whole build (mining, denial model, cash "
                                                            "forecast) on both warehouses, not only the warehouse")
    parser.add_argument("--environment", default="ci", choices=("local", "ci"))
    parser.add_argument("--keep", type=Path, help="work under this folder and keep it (default: a temp folder)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="lantern-soak-"))
    root.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for clinicians in args.clinicians:
            results.append(_one_size(clinicians, args.months, args, root))
            _report(results[-1])
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
    return 1 if any(r["comparison"]["differences"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
