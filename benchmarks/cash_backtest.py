"""The cash forecast's backtest on a built warehouse (issue 6): exactly what `lantern build` runs
(models.cash.forecast.run), timed, with every method's accuracy on total cash and per segment.

    .venv/bin/python benchmarks/cash_backtest.py --warehouse data/warehouse.duckdb
    .venv/bin/python benchmarks/cash_backtest.py --warehouse W --origins 26 --warmup 13

Rolling origins at the ends of the last `--origins` complete weeks (26 more before them run for their errors,
which give the scored forecasts their intervals), horizons 1-13. Printed: the seconds taken (target: under 3
minutes), and per method WAPE at 1 and 4 weeks, over 1-4 and 5-13, bias, and 80%/95% interval coverage; PASS/FAIL
against the targets: a 4-week WAPE of at most 5% on total cash, below Prophet alone and seasonal naive at 1-4 and
5-13, and 80% intervals covering 75-85% (over 1-4 weeks).

The warehouse is opened read-only: nothing is written.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.cash.forecast import ORIGINS, PROPHET, SEASONAL_NAIVE, TOTAL, TWO_PART, WARMUP, run  # noqa: E402

TARGET_SECONDS = 180
TARGET_WAPE_4 = 0.05
COVERAGE_80 = (0.75, 0.85)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    parser.add_argument("--origins", type=int, default=ORIGINS)
    parser.add_argument("--warmup", type=int, default=WARMUP)
    parser.add_argument("--workers", type=int, default=2, help="processes sharing the origins (as the build: 2)")
    parser.add_argument("--no-denial-model", action="store_true",
                        help="leave the denial model's probabilities out of the two-part forecast")
    args = parser.parse_args(argv)
    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    con = duckdb.connect(str(args.warehouse), read_only=True)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"\r{done}/{total} origins, {time.perf_counter() - started:.0f} s", end="", file=sys.stderr)

    result = run(con, origins=args.origins, warmup=args.warmup, progress=progress, database=str(args.warehouse),
                 workers=args.workers, risk=None if args.no_denial_model else "marts.claim_denial_risk")
    seconds = time.perf_counter() - started
    print(file=sys.stderr)
    accuracy = result.accuracy
    bands = ["1", "4", "1-4", "5-13"]
    print(f"Backtest of {args.origins} weekly origins (+{args.warmup} warm-up) before {result.origin}, "
          f"horizons 1-13: {seconds:.1f} s  [{_verdict(seconds < TARGET_SECONDS)}: under {TARGET_SECONDS} s]")
    print(f"chosen method: {result.chosen}; denial model: {'not used' if args.no_denial_model else 'used'}\n")
    for segment in [TOTAL, *sorted(set(accuracy["segment"]) - {TOTAL})]:
        rows = accuracy[(accuracy["segment"] == segment) & accuracy["horizons"].isin(bands)]
        table = rows.pivot(index="method", columns="horizons", values="wape")[bands]
        extra = rows[rows["horizons"] == "1-4"].set_index("method")[["bias", "coverage80", "coverage95"]]
        table = table.join(extra.rename(columns=lambda c: f"{c} 1-4"))
        print(f"{segment}: WAPE by horizon (weeks), bias and coverage over 1-4")
        print((table * 100).round(1).to_string(), "\n")
    total = accuracy[accuracy["segment"] == TOTAL].set_index(["method", "horizons"])
    two = total.loc[TWO_PART]
    print(f"[{_verdict(two.loc['4', 'wape'] <= TARGET_WAPE_4)}] two-part 4-week WAPE {two.loc['4', 'wape']:.1%} "
          f"(target at most {TARGET_WAPE_4:.0%})")
    for band in ("1-4", "5-13"):
        others = {method: total.loc[(method, band), "wape"] for method in (SEASONAL_NAIVE, PROPHET)}
        ok = all(two.loc[band, "wape"] < value for value in others.values())
        print(f"[{_verdict(ok)}] two-part WAPE over {band} {two.loc[band, 'wape']:.1%} vs "
              + ", ".join(f"{m} {v:.1%}" for m, v in others.items()))
    coverage = two.loc["1-4", "coverage80"]
    print(f"[{_verdict(COVERAGE_80[0] <= coverage <= COVERAGE_80[1])}] two-part 80% interval coverage over 1-4 "
          f"{coverage:.0%} (target {COVERAGE_80[0]:.0%}-{COVERAGE_80[1]:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
