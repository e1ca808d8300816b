"""How many of a network's practices are worked on at once (their loads, their steps after dbt)."""

from __future__ import annotations

import os


def pool_size(tasks: int, workers: int | None = None) -> int:
    """`workers` processes, else one per core; never more than there are `tasks`, never none."""
    return max(1, min(workers or os.cpu_count() or 1, tasks))
