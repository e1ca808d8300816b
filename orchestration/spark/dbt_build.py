"""Run the dbt project on Spark in this process, on the session Lantern started (dbt-spark's `session` method)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# The Python model dbt-spark cannot run here; orchestration.spark.notes makes its table between the two phases.
PYTHON_MODEL = "note_documentation"


class SparkDbtError(RuntimeError):
    pass


@dataclass(frozen=True)
class DbtInvocation:
    project_dir: Path
    target_path: Path  # not the project's own target/: the DuckDB build's manifest stays as it is
    log_path: Path
    target: str = "spark"
    as_of: date | None = None

    def arguments(self, command: str, *selection: str) -> list[str]:
        # the Parquet raw layer carries each row's practice_id (a network's many practices, or one)
        variables = {"as_of_date": self.as_of.isoformat() if self.as_of else None, "raw_has_practice_id": True}
        return [command, "--project-dir", str(self.project_dir), "--profiles-dir", str(self.project_dir),
                "--target", self.target, "--target-path", str(self.target_path), "--log-path", str(self.log_path),
                "--vars", json.dumps(variables), "--quiet", *selection]


def phases() -> list[tuple[str, tuple[str, ...]]]:
    """The dbt commands of a Spark build, in order, around the Python model that Lantern builds itself."""
    return [
        ("build", ("--exclude", f"{PYTHON_MODEL}+")),
        # (orchestration.spark.notes builds the Python model's table here)
        # cautious: only its own tests, not those that also read models of the last phase
        ("test", ("--select", PYTHON_MODEL, "--indirect-selection", "cautious")),
        ("build", ("--select", f"{PYTHON_MODEL}+", "--exclude", PYTHON_MODEL)),
    ]


def run_dbt(invocation: DbtInvocation, command: str, selection: tuple[str, ...]) -> int:
    """Run one dbt command; the number of nodes it ran. A failing model or test is a SparkDbtError naming them."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(invocation.arguments(command, *selection))
    if result.exception is not None:
        raise SparkDbtError(f"dbt {command} on Spark failed: {result.exception}")
    failures = [f"{r.node.name} ({r.status}): {(r.message or '').strip().splitlines()[0] if r.message else ''}"
                for r in result.result or [] if str(r.status) in ("error", "fail")]
    if failures or not result.success:
        raise SparkDbtError(f"dbt {command} on Spark failed: " + "; ".join(failures[:5])
                            + f" (dbt's log: {invocation.log_path / 'dbt.log'})")
    return len(result.result or [])
