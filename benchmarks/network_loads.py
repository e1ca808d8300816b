"""A network's loads one practice after another against side by side (orchestration.network.practice_loads).

    .venv/bin/python benchmarks/network_loads.py                     # 4 practices of 5 and of 25 clinicians
    .venv/bin/python benchmarks/network_loads.py --clinicians 100 --practices 4 --months 36

Per size, a network of N practices of clinicians/N each is generated (seeds 7, 8, ...; not timed), then loaded
twice into fresh network homes, each time in a fresh process: with one worker (the practices one after another, as
`lantern network build` loaded them before) and with as many workers as there are cores. A load is everything
before dbt: each practice's deliveries through the contracts into its loader warehouse, its payer rules, and its
publication to the network's Parquet raw layer. Wall time and peak memory (the sum of the processes' proportional
set sizes, sampled every 0.5 s) are printed, and the two raw layers are compared file by file (their bytes): the
figures are only worth printing if loading side by side publishes what loading in turn does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from engines import PeakMemory, _generate_network  # benchmarks/, beside this script
from fresh_process import in_fresh_process


def _load(folder: str, workers: int, queue) -> None:
    from orchestration.cli import opt_out_of_usage_stats
    from orchestration.network.network_file import read_network
    from orchestration.network.practice_loads import load_practices

    network_folder = Path(folder)
    home = network_folder / f"home_{workers}"
    opt_out_of_usage_stats(os.environ)
    network = read_network(network_folder / "network.toml")
    started = time.perf_counter()
    with PeakMemory() as memory:
        loads = load_practices(home, network.practices, "ci", home / "raw", workers=workers)
    queue.put({"wall_s": time.perf_counter() - started, "peak_mb": memory.peak_mb,
               "practice_s": {load.practice_id: load.seconds for load in loads},
               "raw_rows": sum(sum(load.summary.loaded.values()) for load in loads)})


def _digests(raw: Path) -> dict[str, str]:
    return {str(path.relative_to(raw)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(raw.rglob("*.parquet"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clinicians", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--practices", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON as well")
    options = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    results = []
    print(f"{'clinicians':>10} {'practices':>9} {'claims':>9} {'raw rows':>10} {'workers':>7} {'wall s':>8} "
          f"{'peak MB':>8}  per practice (s)")
    for clinicians in options.clinicians:
        folder = Path(tempfile.mkdtemp(prefix=f"network_loads_{clinicians}_"))
        try:
            generated = _generate_network(clinicians, options.months, options.practices, str(folder))
            runs = {}
            for workers in (1, cores):
                run = in_fresh_process(_load, str(folder), workers)
                runs[workers] = run
                per_practice = ", ".join(f"{p} {s:.0f}" for p, s in run["practice_s"].items())
                print(f"{clinicians:>10} {options.practices:>9} {generated['claims']:>9,} {run['raw_rows']:>10,} "
                      f"{workers:>7} {run['wall_s']:>8.1f} {run['peak_mb']:>8,.0f}  {per_practice}", flush=True)
            one, many = _digests(folder / "home_1" / "raw"), _digests(folder / f"home_{cores}" / "raw")
            if one != many:
                differ = sorted(name for name in set(one) | set(many) if one.get(name) != many.get(name))
                print(f"the raw layers differ at {clinicians} clinicians ({len(differ)} files, e.g. {differ[:3]}; "
                      f"kept in {folder}): these figures are not comparable")
                folder = None
                return 1
            print(f"{'':>10} speed-up x{runs[1]['wall_s'] / runs[cores]['wall_s']:.2f}; the two raw layers are "
                  f"byte for byte the same ({len(one)} Parquet files)", flush=True)
            results.append({"clinicians": clinicians, "practices": options.practices, "months": options.months,
                            **generated, "runs": {str(w): r for w, r in runs.items()}})
        finally:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
    if options.json:
        json.dump(results, sys.stdout, indent=2)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
