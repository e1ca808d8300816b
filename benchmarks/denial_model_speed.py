"""Time the denial model: training, and scoring without and with reasons (LightGBM's pred_contrib).

    .venv/bin/python benchmarks/denial_model_speed.py --warehouse /path/to/warehouse.duckdb
    .venv/bin/python benchmarks/denial_model_speed.py --warehouse W --truth T/claims.csv --rows 10000 --rows 100000

The warehouse must hold `marts.fct_claim_features` (a `lantern build` of the demo practice). Timed:
- training: `models.denial.train.train_denial_model` with the default split and model (LightGBM with early
  stopping, calibration), and separately the whole call with the baselines and the evaluation;
- scoring at each --rows size (the feature rows repeated to that many, in their order): the calibrated
  probability from the frame (`DenialModel.predict`: encoding, trees, calibration); LightGBM's contributions
  alone (`pred_contrib=True`); and the full scoring with reasons and fixes (`models.denial.score.score`, what
  `marts.claim_denial_risk` gets), best of --repeat runs (one run at 1M rows and over for the reasons).

Targets (issue 5): scoring at least 100,000 claims/s, with reasons at least 2,000 claims/s, training under
2 minutes; PASS/FAIL printed for each. The machine's cores are what LightGBM gets (num_threads=2).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_CLAIMS_PER_SECOND = 100_000
TARGET_WITH_REASONS = 2_000
TARGET_TRAINING_SECONDS = 120
ONE_RUN_FROM = 1_000_000


def _best(function, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", required=True, type=Path)
    parser.add_argument("--truth", type=Path, help="the ground truth's claims.csv (for the card's best achievable)")
    parser.add_argument("--rows", type=int, action="append", help="scoring sizes (default 10k, 100k, 1M)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = args.rows or [10_000, 100_000, 1_000_000]

    import duckdb
    import numpy as np
    import pandas as pd

    from models.denial.dataset import SplitConfig, load_features
    from models.denial.score import score
    from models.denial.train import TrainConfig, train_denial_model

    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        started = time.perf_counter()
        frame, features = load_features(con)
        loaded = time.perf_counter() - started
    truth = None
    if args.truth:
        truth = pd.read_csv(args.truth, usecols=["claim_id", "true_denial_probability"], dtype={"claim_id": str})
    print(f"{len(frame):,} feature rows ({int(frame['label'].notna().sum()):,} labelled), {len(features.names)} "
          f"features, read in {loaded:.2f} s; {os.cpu_count()} cores")

    started = time.perf_counter()
    run = train_denial_model(frame, features, SplitConfig(), TrainConfig(), truth=truth)
    whole = time.perf_counter() - started
    model = run.model
    print(f"training: {run.training_seconds:.1f} s (LightGBM, {run.best_iteration} trees, and "
          f"{model.calibrator.method} calibration); {whole:.1f} s with the baselines and the evaluation "
          f"[{_verdict(whole < TARGET_TRAINING_SECONDS)}: under {TARGET_TRAINING_SECONDS} s]")
    test = run.evaluation.test
    for name, measures in test.items():
        print(f"  test {name}: ROC AUC {measures['roc_auc']:.4f}, Brier {measures['brier']:.4f}, "
              f"ECE {measures['ece']:.4f}")

    print(f"{'rows':>10} {'claims/s (probability)':>24} {'claims/s (contributions)':>26} "
          f"{'claims/s (with reasons)':>25}")
    for size in sizes:
        rows = frame.iloc[np.arange(size) % len(frame)].reset_index(drop=True)
        matrix = model.matrix(rows)
        probability = _best(lambda: model.predict(rows), args.repeat)
        contributions = _best(lambda: model.contributions(matrix), 1 if size >= ONE_RUN_FROM else args.repeat)
        reasons = _best(lambda: score(rows, model), 1 if size >= ONE_RUN_FROM else args.repeat)
        print(f"{size:>10,} {size / probability:>24,.0f} {size / contributions:>26,.0f} {size / reasons:>25,.0f}"
              f"   [{_verdict(size / probability >= TARGET_CLAIMS_PER_SECOND)} >= {TARGET_CLAIMS_PER_SECOND:,}/s; "
              f"{_verdict(size / reasons >= TARGET_WITH_REASONS)} >= {TARGET_WITH_REASONS:,}/s with reasons]")


if __name__ == "__main__":
    main()
