"""Lantern's orchestration: where things live (`paths`), the `lantern` command (`cli`), later Dagster definitions."""
