"""Time every dashboard page with Streamlit's AppTest on a built warehouse (issue 7): the first load (caches
cleared: every loader reads the warehouse) and the warm reruns (what a click costs), p50 and p95.

    .venv/bin/python benchmarks/dashboard_speed.py --warehouse data/warehouse.duckdb --home data
    .venv/bin/python benchmarks/dashboard_speed.py --warehouse W --reruns 40 --page overview

Targets: each page's warm rerun under 0.5 s at p95, its first load under 3 s; PASS/FAIL printed per page.
AppTest runs the page's script in this process, without a browser: the times are the script's (queries,
pandas, building the charts), not the browser's drawing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_WARM_P95 = 0.5
TARGET_FIRST = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    parser.add_argument("--home", type=Path, default=ROOT / "data", help="Lantern's home (for the model card)")
    parser.add_argument("--reruns", type=int, default=20)
    parser.add_argument("--page", action="append", help="only these pages (default: all)")
    args = parser.parse_args(argv)
    os.environ["LANTERN_WAREHOUSE"] = str(args.warehouse.resolve())
    os.environ["LANTERN_HOME"] = str(args.home.resolve())
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # "no runtime" notes: AppTest runs without a server
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboards.pages_list import PAGES, PAGES_DIR

    print(f"{'page':<18} {'first load':>10} {'warm p50':>9} {'warm p95':>9}  verdict")
    failed = 0
    for info in PAGES:
        if args.page and info.name not in args.page:
            continue
        st.cache_data.clear()
        app = AppTest.from_file(str(PAGES_DIR / f"{info.name}.py"), default_timeout=120)
        started = time.perf_counter()
        app.run()
        first = time.perf_counter() - started
        if app.exception:
            print(f"{info.name:<18} raised: {app.exception[0].value}")
            failed += 1
            continue
        warm = []
        for _ in range(args.reruns):
            started = time.perf_counter()
            app.run()
            warm.append(time.perf_counter() - started)
        p50, p95 = np.percentile(warm, [50, 95])
        ok = p95 < TARGET_WARM_P95 and first < TARGET_FIRST
        failed += not ok
        print(f"{info.name:<18} {first:>8.2f} s {p50:>7.3f} s {p95:>7.3f} s  {'PASS' if ok else 'FAIL'}")
    print(f"targets: warm rerun p95 under {TARGET_WARM_P95} s, first load under {TARGET_FIRST} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
