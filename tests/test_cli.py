"""The `lantern` command line: help, option errors as one line, and the landing-zone checks.

Tests that need the real demo generator (synthetic.generate) live with it; nothing here reaches it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from orchestration.cli import USAGE_STATS_OPT_OUTS, app, opt_out_of_usage_stats, prepare_dagster_home
from orchestration.paths import LanternPaths

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

HELP_OPTIONS = {
    None: ["--home"],
    "generate": [
        "--clinicians",
        "--months",
        "--seed",
        "--start",
        "--landing",
        "--truth",
        "--messy",
        "--no-messy",
        "--force",
        "--config",
    ],
    "summary": ["--landing"],
    "build": ["--landing", "--warehouse", "--as-of", "--config", "--retrain", "--warehouse-key-file",
              "--warehouse-only"],
    "mine": ["--xes", "--out", "--money"],
    "demo": ["--clinicians", "--months", "--seed", "--serve", "--no-serve"],
    "serve": ["--port", "--address", "--warehouse", "--warehouse-key-file"],
    "users": ["add", "remove", "list"],
    "warehouse": ["key", "encrypt"],
    "network": ["build"],
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _restore_environment():
    """The command line sets DAGSTER_HOME, LANTERN_WAREHOUSE and the opt-outs in its process: undo that."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


def lines(text: str) -> list[str]:
    return [line for line in ANSI.sub("", text).splitlines() if line.strip()]


def test_every_command_is_covered_by_the_help_test() -> None:
    assert set(typer.main.get_command(app).commands) == {name for name in HELP_OPTIONS if name}


@pytest.mark.parametrize("command", list(HELP_OPTIONS), ids=lambda c: c or "lantern")
def test_help_names_every_option(runner: CliRunner, command: str | None) -> None:
    args = ([command] if command else []) + ["--help"]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = ANSI.sub("", result.output)
    for option in HELP_OPTIONS[command] + ["--help"]:
        assert option in text, f"{option} missing from `lantern {' '.join(args)}`"


def test_no_arguments_shows_help(runner: CliRunner) -> None:
    result = runner.invoke(app, [])
    assert "generate" in result.output and "summary" in result.output


def test_generate_rejects_zero_clinicians_in_one_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--home", str(tmp_path), "generate", "--clinicians", "0"])
    assert result.exit_code == 2
    assert len(lines(result.output)) == 1
    assert "clinicians" in result.output
    assert lines(result.output)[0].startswith("Error: ")
    assert "Traceback" not in result.output
    assert not (tmp_path / "landing").exists()


def test_generate_rejects_a_start_that_is_not_the_first_of_a_month(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--home", str(tmp_path), "generate", "--start", "2023-01-15"])
    assert result.exit_code == 2
    assert len(lines(result.output)) == 1
    assert "first day of a month" in result.output


def test_generate_rejects_a_malformed_option(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--home", str(tmp_path), "generate", "--months", "many"])
    assert result.exit_code != 0
    assert "--months" in result.output


def test_generate_refuses_to_overwrite_a_landing_zone(runner: CliRunner, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "pm" / "b1").mkdir(parents=True)
    (landing / "pm" / "b1" / "payers.csv").write_text("payer_id\n")
    result = runner.invoke(app, ["generate", "--landing", str(landing), "--truth", str(tmp_path / "truth")])
    assert result.exit_code == 2
    assert len(lines(result.output)) == 1
    assert str(landing) in result.output and "--force" in result.output
    assert (landing / "pm" / "b1" / "payers.csv").exists()


def test_summary_of_a_missing_landing_zone_names_it(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-landing"
    result = runner.invoke(app, ["summary", "--landing", str(missing)])
    assert result.exit_code != 0
    assert len(lines(result.output)) == 1
    assert str(missing) in result.output
    assert "Traceback" not in result.output


def test_summary_follows_home_and_environment(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "h" / "landing" / "pm" / "b1").mkdir(parents=True)
    (tmp_path / "h" / "landing" / "pm" / "b1" / "payers.csv").write_text("payer_id,payer_name\nP1,Acme\n")
    by_option = runner.invoke(app, ["--home", str(tmp_path / "h"), "summary"], env={"COLUMNS": "200"})
    by_env = runner.invoke(app, ["summary"], env={"LANTERN_HOME": str(tmp_path / "h"), "COLUMNS": "200"})
    for result in (by_option, by_env):
        assert result.exit_code == 0, result.output
        assert "payers.csv" in result.output


def test_opt_outs_keep_values_already_set() -> None:
    environ = {"DO_NOT_TRACK": "0"}
    opt_out_of_usage_stats(environ)
    assert environ["DO_NOT_TRACK"] == "0"
    assert environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] == "false"
    assert environ["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    assert environ["GX_ANALYTICS_ENABLED"] == "false"
    assert set(environ) == set(USAGE_STATS_OPT_OUTS)


def test_dagster_home_has_telemetry_off(tmp_path: Path) -> None:
    paths = LanternPaths.resolve(home=tmp_path, env={})
    environ: dict[str, str] = {}
    folder = prepare_dagster_home(paths, environ)
    assert environ["DAGSTER_HOME"] == str(folder) == str(tmp_path.resolve() / "dagster_home")
    assert (folder / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"


def test_generate_writes_a_practice_and_prints_its_summary(runner: CliRunner, tmp_path: Path) -> None:
    landing, truth = tmp_path / "landing", tmp_path / "truth"
    args = ["generate", "--clinicians", "2", "--months", "2", "--seed", "9", "--landing", str(landing),
            "--truth", str(truth)]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "claims" in result.output and "as-of date" in result.output and "2023-03-01" in result.output
    assert sorted(p.name for p in (landing / "pm").iterdir()) == ["2023-02-01", "2023-03-01"]
    assert (truth / "figures.json").is_file() and (truth / "claims.csv").is_file()

    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "--force" in again.output
    # a warehouse built from the practice being replaced goes with it: its loads would mix both practices
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"built from the old practice")
    forced = runner.invoke(app, [*args, "--force"], env={"LANTERN_WAREHOUSE": str(warehouse), "COLUMNS": "200"})
    assert forced.exit_code == 0, forced.output
    assert not warehouse.exists()
    assert "Removed the warehouse" in " ".join(forced.output.split())


def test_demo_generates_then_reuses_the_practice(runner: CliRunner, tmp_path: Path) -> None:
    # --no-serve: the demo would otherwise end by serving the dashboards until stopped
    first = runner.invoke(app, ["--home", str(tmp_path), "demo", "--clinicians", "2", "--months", "1", "--no-serve"],
                          env={"COLUMNS": "200"})
    assert first.exit_code == 0, first.output
    assert (tmp_path / "landing" / "payer" / "2023-02-01").is_dir()
    second = runner.invoke(app, ["--home", str(tmp_path), "demo", "--clinicians", "2", "--months", "1",
                                 "--no-serve"], env={"COLUMNS": "200"})
    assert second.exit_code == 0 and "reus" in second.output.lower()
    for output in (first.output, second.output):
        assert "Marts built" in output and "marts.fct_claims" in output
        # one month (after the generator's 3-month burn-in) is too little history for a denial model: said, not failed
        assert re.search(r"not trained: [1-5] months of adjudicated claims, a model needs 6", " ".join(output.split()))
    assert (tmp_path / "warehouse.duckdb").is_file()
    # each run makes the demo user a new one-time password, printed once; the last one printed is the one that works
    from dashboards import users

    passwords = [re.search(r"sign in as demo with the one-time password (\S+)", " ".join(o.output.split())).group(1)
                 for o in (first, second)]
    demo = users.read(tmp_path / "config" / "users.json")["demo"]
    assert demo.role == "leadership" and demo.must_change_password and passwords[0] != passwords[1]
    assert users.verify_password(passwords[1], demo.password_hash)
    assert not users.verify_password(passwords[0], demo.password_hash)


def test_build_refuses_a_broken_practice_configuration(runner, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(Path(__file__).with_name("tiny_landing"), landing)
    config = tmp_path / "practice.toml"
    config.write_text('[payer_rules.default]\ntimely_filing_days = 90\nauthorization = "sometimes"\n', encoding="utf-8")
    saved = dict(os.environ)
    try:
        result = runner.invoke(app, ["--home", str(tmp_path / "home"), "build", "--landing", str(landing),
                                     "--config", str(config)], env={"COLUMNS": "200"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("Error: loading the practice configuration failed")
    assert str(config) in error and "payer_rules.default.authorization" in error and "sometimes" in error
