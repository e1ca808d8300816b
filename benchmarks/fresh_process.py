"""Run a benchmark step in a fresh interpreter (its memory, imports and Spark or DuckDB state its own) and get its
figures back: `in_fresh_process(target, *args)` calls `target(*args, queue)` in a spawned process, which puts a
dict on the queue. Shared by the benchmark scripts that measure whole builds (soak.py, engines.py)."""

from __future__ import annotations

import multiprocessing
import traceback
from queue import Empty


def _reporting(target, args, queue) -> None:
    """Runs in the fresh process: the figures, or the error, go back to the parent, which would wait forever else."""
    try:
        target(*args, queue)
    except BaseException:  # noqa: BLE001 - the parent prints it and stops
        queue.put({"error": traceback.format_exc()})
        raise


def in_fresh_process(target, *args) -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_reporting, args=(target, args, queue))
    process.start()
    try:
        while True:
            try:
                result = queue.get(timeout=5)
                break
            except Empty:
                if not process.is_alive():  # killed (the OOM killer, a signal): it could not say so itself
                    raise RuntimeError(f"{target.__name__} ended with exit code {process.exitcode} and no figures")
    finally:
        process.join()
    if "error" in result:
        raise RuntimeError(f"{target.__name__} failed:\n{result['error']}")
    return result
