"""dbt run in this process (dbtRunner) on the Parquet raw layer: a network's warehouse on DuckDB, any warehouse on
Spark. A single practice's DuckDB build runs dbt through its Dagster assets instead (orchestration.warehouse.assets)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path


class DbtRunError(RuntimeError):
    pass


@dataclass(frozen=True)
class DbtInvocation:
    project_dir: Path
    target_path: Path  # not the project's own target/: the single-practice build's manifest stays as it is
    log_path: Path
    target: str = "spark"
    as_of: date | None = None

    def arguments(self, command: str, *selection: str) -> list[str]:
        # the Parquet raw layer carries each row's practice_id (a network's many practices, or one)
        variables = {"as_of_date": self.as_of.isoformat() if self.as_of else None, "raw_has_practice_id": True}
        return [command, "--project-dir", str(self.project_dir), "--profiles-dir", str(self.project_dir),
                "--target", self.target, "--target-path", str(self.target_path), "--log-path", str(self.log_path),
                "--vars", json.dumps(variables), "--quiet", *selection]


def run_dbt(invocation: DbtInvocation, command: str, selection: tuple[str, ...] = ()) -> int:
    """Run one dbt command; the number of nodes it ran. A failing model or test is a DbtRunError naming them."""
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(invocation.arguments(command, *selection))
    if result.exception is not None:
        raise DbtRunError(f"dbt {command} (target {invocation.target}) failed: {result.exception}")
    failures = [f"{r.node.name} ({r.status}): {(r.message or '').strip().splitlines()[0] if r.message else ''}"
                for r in result.result or [] if str(r.status) in ("error", "fail")]
    if failures or not result.success:
        raise _failed(invocation, command, failures)
    return len(result.result or [])


def _failed(invocation: DbtInvocation, command: str, said: list[str]) -> DbtRunError:
    return DbtRunError(f"dbt {command} (target {invocation.target}) failed: " + "; ".join(said[:5])
                       + f" (dbt's log: {invocation.log_path / 'dbt.log'})")


def run_dbt_process(invocation: DbtInvocation, command: str, env: Mapping[str, str],
                    selection: tuple[str, ...] = ()) -> int:
    """Run one dbt command in a process of its own (DuckDB: dbt-duckdb keeps its connection open for as long as the
    process lives, and the build reads the warehouse after it); the number of nodes it ran."""
    dbt = Path(sys.executable).with_name("dbt")
    finished = subprocess.run([str(dbt), *invocation.arguments(command, *selection)], env=dict(env),
                              capture_output=True, text=True, check=False)
    results = invocation.target_path / "run_results.json"
    ran = json.loads(results.read_text())["results"] if results.is_file() else []
    if finished.returncode != 0:
        failures = [f"{r['unique_id'].split('.')[-1]} ({r['status']}): {(r.get('message') or '').strip()[:200]}"
                    for r in ran if r["status"] in ("error", "fail")]
        raise _failed(invocation, command, failures or [line for line in finished.stdout.splitlines()
                                                         if line.strip()][-5:])
    return len(ran)
