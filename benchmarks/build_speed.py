"""Time `lantern build` (load every delivery through the contracts, then dbt) at several practice sizes.

    .venv/bin/python benchmarks/build_speed.py                        # 10, 50 and 200 clinicians x 36 months
    .venv/bin/python benchmarks/build_speed.py --clinicians 50 --keep /tmp/bench

Each size runs in a fresh process (so its peak memory is its own): generate the demo practice (not
timed as part of the build), then the build stage by stage, then the leadership table's query
(the question the platform must answer in under a second) and a few other mart queries.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS_50 = 300  # the issue: 50 clinicians x 36 months builds in under 5 minutes
QUERIES = {
    "leadership table": "select * from marts.leadership_adolescent_anxiety order by patients_seen desc nulls last",
    "revenue cycle by month": "select * from marts.kpi_revenue_cycle_monthly order by month_start",
    "denials by payer and CPT": "select payer_id, cpt_code, avg(is_denied_first_pass::int) from marts.fct_claims "
                                "where is_adjudicated group by all",
    "A/R on the as-of date": "select * from marts.kpi_ar_daily order by ar_date desc limit 1",
}


def _one_size(clinicians: int, months: int, root: str, queue) -> None:
    from datetime import date  # noqa: F401  (imports inside the child: a fresh interpreter per size)

    import duckdb

    from orchestration.build import run_build
    from orchestration.cli import opt_out_of_usage_stats, prepare_dagster_home
    from orchestration.paths import LanternPaths
    from synthetic.config import GeneratorConfig
    from synthetic.generate import generate

    opt_out_of_usage_stats(os.environ)
    paths = LanternPaths.resolve(home=Path(root) / f"c{clinicians}")
    started = time.perf_counter()
    summary = generate(GeneratorConfig(clinicians=clinicians, months=months), paths.landing, paths.truth)
    generated = time.perf_counter() - started
    prepare_dagster_home(paths, os.environ)
    stages: dict[str, float] = {}
    last = [time.perf_counter(), None]

    def stage(name: str) -> None:
        now = time.perf_counter()
        if last[1] is not None:
            stages[last[1]] = now - last[0]
        last[0], last[1] = now, name

    started = time.perf_counter()
    build = run_build(paths, "ci", stage=stage)
    stage("done")
    total = time.perf_counter() - started
    timings = {}
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        for name, sql in QUERIES.items():
            runs = []
            for _ in range(5):
                t = time.perf_counter()
                con.execute(sql).fetchall()
                runs.append(time.perf_counter() - t)
            timings[name] = statistics.median(runs)
    queue.put({
        "clinicians": clinicians, "months": months, "claims": summary.counts["claims"], "generate_s": generated,
        "stages": stages, "build_s": total, "records": sum(build.loaded.values()),
        "quarantined": sum(build.quarantined.values()), "queries_s": timings,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "warehouse_mb": paths.warehouse.stat().st_size / 2**20,
    })


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clinicians", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--keep", type=Path, help="build under this folder and keep it (default: a temp folder)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="lantern-build-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")
    results = []
    try:
        for clinicians in args.clinicians:
            queue = context.Queue()
            process = context.Process(target=_one_size, args=(clinicians, args.months, str(root), queue))
            process.start()
            result = queue.get()
            process.join()
            results.append(result)
            stages = ", ".join(f"{k} {v:.1f}s" for k, v in result["stages"].items())
            print(f"{clinicians:>4} clinicians x {args.months} months: {result['claims']:,} claims, "
                  f"{result['records']:,} records loaded, {result['quarantined']:,} quarantined; "
                  f"build {result['build_s']:.1f} s ({stages}); peak RSS {result['peak_rss_mb']:,.0f} MB; "
                  f"warehouse {result['warehouse_mb']:,.0f} MB", flush=True)
            for name, seconds in result["queries_s"].items():
                print(f"       {name:<26} {seconds * 1000:8.1f} ms (median of 5)")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    for result in results:
        if result["clinicians"] == 50 and result["months"] == 36:
            verdict = "PASS" if result["build_s"] < TARGET_SECONDS_50 else "FAIL"
            print(f"target: 50 clinicians x 36 months builds in under {TARGET_SECONDS_50} s: {verdict} "
                  f"({result['build_s']:.1f} s)")
    if len(results) > 1:
        first = results[0]
        for result in results[1:]:
            print(f"{first['clinicians']} -> {result['clinicians']} clinicians: claims x"
                  f"{result['claims'] / first['claims']:.1f}, build time x{result['build_s'] / first['build_s']:.1f}")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
