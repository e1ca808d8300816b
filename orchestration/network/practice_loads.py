"""A network's practices loaded side by side: each into its own loader warehouse and its own Dagster instance, then
published to the network's Parquet raw layer (its own partition of it), in a pool of processes.

Practices share nothing while they load (a practice's warehouse, ledger, quarantine, Dagster runs and raw-layer
partition are its own; each publishes through its own scratch folder), so as many load at once as there are cores.
The workers' progress lines come back through a queue, each prefixed with its practice.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from orchestration.build import BuildSummary, load_practice, summarize
from orchestration.network.network_file import NetworkPractice
from orchestration.network.pool import pool_size

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class PracticeLoad:
    practice_id: str
    summary: BuildSummary  # what was loaded and quarantined; no marts (the network's warehouse has them)
    seconds: float


def load_network_practice(home: Path, practice: NetworkPractice, environment: str, raw_root: Path, prefix: str,
                          progress) -> PracticeLoad:
    """One worker's practice: loaded with its own Dagster instance (`practices/<id>/dagster`), so that workers do
    not share one; `progress` (a queue) gets its stage lines."""
    from orchestration.cli import prepare_dagster_home
    from orchestration.network.build import practice_paths

    started = time.perf_counter()
    paths = practice_paths(home, practice)
    prepare_dagster_home(paths, os.environ)
    loaded = BuildSummary()
    load_practice(paths, environment, practice.practice_id, raw_root, loaded,
                  announce=lambda text: progress.put(prefix + text))
    summarize(paths, loaded, None, later_steps=False)
    loaded.tables = []
    return PracticeLoad(practice.practice_id, loaded, time.perf_counter() - started)


def load_practices(home: Path, practices: list[NetworkPractice], environment: str, raw_root: Path,
                   workers: int | None = None, announce: Callable[[str], None] = lambda text: None
                   ) -> list[PracticeLoad]:
    """Every practice loaded and published, `workers` at a time (as many as there are cores unless given), in the
    network file's order. The first practice that fails stops the others that have not started; its error is
    raised."""
    workers = pool_size(len(practices), workers)
    context = multiprocessing.get_context("spawn")
    loads: dict[str, PracticeLoad] = {}
    with context.Manager() as manager, ProcessPoolExecutor(workers, mp_context=context) as pool:
        progress = manager.Queue()
        futures = {pool.submit(load_network_practice, home, practice, environment, raw_root,
                               f"[{number}/{len(practices)} {practice.practice_id}] ", progress): practice
                   for number, practice in enumerate(practices, start=1)}
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                _forward(progress, announce)
                for future in done:
                    load = future.result()
                    loads[load.practice_id] = load
                    announce(f"[{len(loads)}/{len(practices)} loaded] {load.practice_id} in {load.seconds:.0f} s")
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            _forward(progress, announce)
            raise
    return [loads[practice.practice_id] for practice in practices]


def _forward(progress, announce: Callable[[str], None]) -> None:
    while True:
        try:
            announce(progress.get_nowait())
        except queue.Empty:
            return
