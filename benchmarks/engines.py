"""The warehouse on DuckDB and on Spark (local mode) at several practice sizes: wall time and peak memory per stage.

    .venv/bin/python benchmarks/engines.py                                   # 50, 200 and 1,000 clinicians x 36 months
    .venv/bin/python benchmarks/engines.py --clinicians 10 --months 12 --keep /tmp/engines
    .venv/bin/python benchmarks/engines.py --clinicians 1000 --practices 5                # a network of 5 x 200

Per size, in fresh processes: the demo practice is generated (not timed with the builds); `lantern build
--warehouse-only` loads it (extraction, contracts, the Parquet raw layer) and builds every dbt model on DuckDB; then
the same dbt project is built on Spark from that Parquet raw layer (orchestration.spark.build.build_on_spark: the
Spark session's start, the dbt phases, the note mart). Memory is the peak of the process and all its children
(dbt's, Spark's JVM and Python workers), as proportional set sizes, sampled every 0.5 s. Last, the marts of both are
compared table by table (orchestration.warehouse_compare): the figures are only worth printing if the two warehouses are the same.

With --practices N, a size is a network of N practices of clinicians/N each (seeds 7, 8, ...; their ids collide, as
real practices' do), generated two at a time, and DuckDB's stage is `lantern network build --warehouse-only` (each
practice loaded into its own loader warehouse and published to the one Parquet raw layer, then dbt over all of them);
Spark builds from that raw layer as before. The generator holds a whole practice in memory before writing it (about
14 KB a claim, docs/benchmarks.md), so one 1,000-clinician practice would need some 38 GB: more than this machine has.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import psutil

from fresh_process import in_fresh_process  # benchmarks/, beside this script


def _pss(process: psutil.Process) -> int:
    """A process's proportional set size in bytes, from Linux's one-line summary (smaps_rollup): psutil's
    memory_full_info reads the whole smaps, which for a 12 GB process took a quarter of a core at two readings a
    second, taken from the build being measured."""
    try:
        with open(f"/proc/{process.pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:  # not Linux, or a kernel before 4.14
        pass
    return process.memory_full_info().pss


class PeakMemory:
    """The peak memory of this process and its descendants while in the `with` block, in MB: the sum of their
    proportional set sizes (PSS), so that the pages forked workers share (PySpark's Python daemon forks one per
    task) count once, not once per process as resident sizes would."""

    def __init__(self, interval: float = 0.5):
        self.interval, self.peak_mb, self._stop = interval, 0.0, threading.Event()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += _pss(process)
                except (psutil.Error, OSError):  # ended between the listing and the reading
                    pass
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _generate_network(clinicians: int, months: int, practices: int, folder: str) -> dict:
    """`practices` practices of clinicians/practices each, two generated at a time, and the network file naming them."""
    from concurrent.futures import ThreadPoolExecutor

    ids = [f"p{number:02d}" for number in range(1, practices + 1)]

    def one(number: int) -> dict:
        return in_fresh_process(_generate_practice, clinicians // practices, months, 7 + number,
                                str(Path(folder) / "landings" / ids[number]))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        generated = list(pool.map(one, range(practices)))
    (Path(folder) / "network.toml").write_text("".join(
        f'[[practice]]\nid = "{practice}"\nlanding = "landings/{practice}/landing"\n'
        f'config = "landings/{practice}/config/practice.toml"\n\n' for practice in ids))
    return {"claims": sum(g["claims"] for g in generated), "generate_s": time.perf_counter() - started}


def _generate_practice(clinicians: int, months: int, seed: int, folder: str, queue) -> None:
    from synthetic.config import GeneratorConfig
    from synthetic.generate import generate

    started = time.perf_counter()
    summary = generate(GeneratorConfig(clinicians=clinicians, months=months, seed=seed, start=date(2023, 1, 1)),
                       Path(folder) / "landing", Path(folder) / "truth",
                       practice_config=Path(folder) / "config" / "practice.toml")
    queue.put({"claims": summary.counts["claims"], "generate_s": time.perf_counter() - started})


def _duckdb_network(folder: str, queue) -> None:
    from orchestration.cli import opt_out_of_usage_stats, prepare_dagster_home
    from orchestration.network.build import build_network
    from orchestration.network.network_file import read_network
    from orchestration.paths import LanternPaths

    home = Path(folder)
    opt_out_of_usage_stats(os.environ)
    prepare_dagster_home(LanternPaths.resolve(home=home), os.environ)
    network = read_network(home / "network.toml")
    started = time.perf_counter()
    with PeakMemory() as memory:
        summary = build_network(network, home, "ci", "duckdb", warehouse_only=True)
    loads = {stage.removeprefix("load "): seconds for stage, seconds in summary.seconds.items()
             if stage.startswith("load ")}
    queue.put({"wall_s": time.perf_counter() - started, "peak_mb": memory.peak_mb,
               "stages_s": {"load": sum(loads.values()), "dbt": summary.seconds["warehouse"]},
               "load_s_by_practice": loads,
               "raw_rows": sum(sum(p.loaded.values()) for p in summary.practices.values())})


def _duckdb(folder: str, queue) -> None:
    from orchestration.build import run_build
    from orchestration.cli import opt_out_of_usage_stats, prepare_dagster_home
    from orchestration.paths import LanternPaths

    paths = LanternPaths.resolve(home=folder)
    opt_out_of_usage_stats(os.environ)
    prepare_dagster_home(paths, os.environ)
    started = time.perf_counter()
    with PeakMemory() as memory:
        summary = run_build(paths, "ci", warehouse_only=True, practice_id="bench")
    queue.put({"wall_s": time.perf_counter() - started, "stages_s": summary.seconds, "peak_mb": memory.peak_mb,
               "raw_rows": sum(summary.loaded.values())})


def _spark(folder: str, queue) -> None:
    from orchestration.cli import opt_out_of_usage_stats
    from orchestration.environments import ENV_WAREHOUSE
    from orchestration.paths import LanternPaths
    from orchestration.project import DBT_PROJECT_DIR
    from orchestration.spark.build import build_on_spark
    from orchestration.spark.settings import SparkSettings

    paths = LanternPaths.resolve(home=folder)
    opt_out_of_usage_stats(os.environ)
    os.environ[ENV_WAREHOUSE] = str(paths.warehouse)  # the profile names it, whatever the target
    started = time.perf_counter()
    with PeakMemory() as memory:
        summary = build_on_spark(paths.raw_parquet, SparkSettings.under(paths.spark), DBT_PROJECT_DIR, paths.spark)
    queue.put({"wall_s": time.perf_counter() - started, "stages_s": summary.seconds, "peak_mb": memory.peak_mb})


def _compare(folder: str, queue) -> None:
    from orchestration.spark.warehouse_files import copy_to_duckdb
    from orchestration.warehouse_compare import compare_warehouses

    home = Path(folder)
    copied = copy_to_duckdb(home / "spark" / "warehouse", home / "spark_marts.duckdb")
    differences = compare_warehouses(home / "warehouse.duckdb", home / "spark_marts.duckdb", ("marts",),
                                     tables=copied)
    queue.put({"tables": len(copied), "differences": [str(d)[:300] for d in differences]})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clinicians", type=int, nargs="+", default=[50, 200, 1000])
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--practices", type=int, default=1,
                        help="build each size as a network of this many practices (lantern network build)")
    parser.add_argument("--keep", type=Path, help="work under this folder and keep it (default: a temp folder)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="lantern-engines-"))
    results = []
    try:
        for clinicians in args.clinicians:
            folder = root / f"c{clinicians}_m{args.months}" / (f"n{args.practices}" if args.practices > 1 else "")
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            result = {"clinicians": clinicians, "months": args.months, "practices": args.practices}
            if args.practices > 1:
                result.update(_generate_network(clinicians, args.months, args.practices, str(folder)))
                print(f"{clinicians:>5} clinicians x {args.months} months in {args.practices} practices: "
                      f"{result['claims']:,} claims generated in {result['generate_s']:.0f} s", flush=True)
                result["duckdb"] = in_fresh_process(_duckdb_network, str(folder))
            else:
                result.update(in_fresh_process(_generate_practice, clinicians, args.months, 7, str(folder)))
                result["duckdb"] = in_fresh_process(_duckdb, str(folder))
            print(f"      DuckDB done: {result['duckdb']['wall_s']:.0f} s", flush=True)
            result["spark"] = in_fresh_process(_spark, str(folder))
            result["comparison"] = in_fresh_process(_compare, str(folder))
            results.append(result)
            duck, spark = result["duckdb"], result["spark"]
            print(f"{clinicians:>5} clinicians x {args.months} months: {result['claims']:,} claims, "
                  f"{duck['raw_rows']:,} raw rows")
            print(f"      DuckDB: {duck['wall_s']:.0f} s, peak {duck['peak_mb']:,.0f} MB ("
                  + ", ".join(f"{k} {v:.0f} s" for k, v in duck["stages_s"].items()) + ")")
            print(f"      Spark local[2]: {spark['wall_s']:.0f} s, peak {spark['peak_mb']:,.0f} MB ("
                  + ", ".join(f"{k} {v:.0f} s" for k, v in spark["stages_s"].items()) + ")")
            comparison = result["comparison"]
            print(f"      marts: {comparison['tables']} tables, "
                  + ("identical" if not comparison["differences"] else
                     f"{len(comparison['differences'])} DIFFER: " + "; ".join(comparison["differences"])), flush=True)
            if args.keep is None:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
    return 1 if any(r["comparison"]["differences"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
