"""Time one Prophet fit with the settings the cash forecast uses (models.cash.series.prophet: yearly
seasonality, business days as a regressor, 300 predictive samples for the intervals), on weekly series of
several lengths, against Prophet's defaults (1,000 samples) on the same series. Target (issue 6): one fit under
2 s on this machine.

    .venv/bin/python benchmarks/prophet_fit_speed.py
    .venv/bin/python benchmarks/prophet_fit_speed.py --weeks 104 --weeks 520 --repeat 5

The series are synthetic (a trend, a yearly wave and noise, seed 0): the fit's time depends on their length,
not their values.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models.cash.series import prophet  # noqa: E402

TARGET_SECONDS = 2.0


def series(weeks: int) -> pd.Series:
    rng = np.random.default_rng(0)
    index = pd.date_range("2020-01-06", periods=weeks, freq="7D")
    t = np.arange(weeks)
    values = 90_000 + 80 * t + 8_000 * np.sin(2 * np.pi * t / 52.18) + rng.normal(0, 4_000, weeks)
    return pd.Series(values, index=index)


def best_of(repeat: int, function) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weeks", type=int, action="append", help="series lengths (default 78, 156, 260, 520)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    logging.getLogger("prophet").setLevel(logging.WARNING)
    prophet(series(78), 13)  # the first fit loads Stan's model: not what a fit costs
    print(f"{'weeks':>6} {'Lantern (300 samples)':>22} {'1,000 samples':>14} {'verdict':>8}")
    for weeks in args.weeks or [78, 156, 260, 520]:
        data = series(weeks)
        ours = best_of(args.repeat, lambda: prophet(data, 13))
        default = best_of(args.repeat, lambda: prophet(data, 13, samples=1000))
        verdict = "PASS" if ours < TARGET_SECONDS else "FAIL"
        print(f"{weeks:>6} {ours:>20.3f} s {default:>12.3f} s {verdict:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
