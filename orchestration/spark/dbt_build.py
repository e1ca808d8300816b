"""The dbt commands of a Spark build (dbt-spark's `session` method, on the session Lantern started)."""

from __future__ import annotations

# The Python model dbt-spark cannot run here; orchestration.spark.notes makes its table between the two phases.
PYTHON_MODEL = "note_documentation"


def phases() -> list[tuple[str, tuple[str, ...]]]:
    """The dbt commands of a Spark build, in order, around the Python model that Lantern builds itself."""
    return [
        ("build", ("--exclude", f"{PYTHON_MODEL}+")),
        # (orchestration.spark.notes builds the Python model's table here)
        # cautious: only its own tests, not those that also read models of the last phase
        ("test", ("--select", PYTHON_MODEL, "--indirect-selection", "cautious")),
        ("build", ("--select", f"{PYTHON_MODEL}+", "--exclude", PYTHON_MODEL)),
    ]
