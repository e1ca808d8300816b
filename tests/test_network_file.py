"""The network file (orchestration.network.network_file): what a network build covers, and every mistake named by
file, entry and reason before anything is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orchestration.cli import app
from orchestration.network.network_file import NetworkFileError, NetworkPractice, parse_network, read_network

GOOD = """
[[practice]]
id = "north"
landing = "north/landing"
config = "north/practice.toml"

[[practice]]
id = "south-2"
landing = "/srv/exports/south"
"""


def test_practices_are_read_in_order_with_paths_from_the_files_folder(tmp_path: Path) -> None:
    network = parse_network(GOOD, tmp_path / "network.toml")
    assert network.practices == (
        NetworkPractice("north", tmp_path / "north" / "landing", tmp_path / "north" / "practice.toml"),
        NetworkPractice("south-2", Path("/srv/exports/south"), None),
    )


@pytest.mark.parametrize(("text", "message"), [
    ("", "practice: a network needs at least one [[practice]] table"),
    ("name = 'x'\n[[practice]]\nid = 'a'\nlanding = 'a'", "name: unknown key (expected [[practice]] tables)"),
    ("[[practice]]\nid = 'a'", "practice[1].landing: is required, as a string"),
    ("[[practice]]\nlanding = 'a'", "practice[1].id: is required, as a string"),
    ("[[practice]]\nid = 'a'\nlanding = 'a'\n[[practice]]\nid = 'a'\nlanding = 'b'",
     "practice[2].id: 'a' names two practices"),
    ("[[practice]]\nid = 'north side'\nlanding = 'a'", "practice[1].id: practice id 'north side' cannot name a folder"),
    ("[[practice]]\nid = 'a'\nlanding = 'a'\nlandng = 'b'", "practice[1].landng: unknown key"),
    ("[[practice]]\nid = 'a'\nlanding = 'a'\nconfig = 3", "practice[1].config: must be a path, as a string"),
    ("[[practice]\nid = 'a'", "is not valid TOML"),
])
def test_a_mistake_names_the_file_the_entry_and_the_reason(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "network.toml"
    with pytest.raises(NetworkFileError) as raised:
        parse_network(text, path)
    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_a_missing_file_says_where_the_format_is(tmp_path: Path) -> None:
    with pytest.raises(NetworkFileError, match=r"network.toml: no such file \(docs/scaling.md"):
        read_network(tmp_path / "network.toml")


def test_lantern_network_build_refuses_a_bad_file_before_loading_anything(tmp_path: Path) -> None:
    path = tmp_path / "network.toml"
    path.write_text("[[practice]]\nid = 'a'\n")
    result = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "network", "build", str(path)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert "practice[1].landing: is required, as a string" in result.output
    assert not (tmp_path / "home" / "networks").exists()


@pytest.mark.parametrize(("options", "message"), [
    (["--spark-master", "spark://head:7077"], "Error: --spark-master and --spark-conf apply to --engine spark only"),
    (["--engine", "spark", "--spark-conf", "executor.memory=8g"],
     "Error: --spark-conf 'executor.memory=8g': expected spark.<name>=<value>"),
])
def test_lantern_network_build_refuses_a_spark_option_it_cannot_use_before_loading(tmp_path: Path, options,
                                                                                  message) -> None:
    path = tmp_path / "network.toml"
    path.write_text("[[practice]]\nid = 'a'\nlanding = 'a'\n")
    result = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "network", "build", str(path), *options],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "home" / "networks").exists()


def test_a_practice_that_cannot_be_loaded_stops_the_network_build_with_its_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Practices load in a pool of processes (orchestration.network.practice_loads): a worker's error reaches the
    command line as the build's, and nothing is built after it."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))  # the build points it at its home: put back after
    path = tmp_path / "network.toml"
    path.write_text("[[practice]]\nid = 'gone'\nlanding = 'gone/landing'\n")
    home = tmp_path / "network_home"
    result = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "network", "build", str(path),
                                      "--network-home", str(home)], env={"COLUMNS": "300"})
    assert result.exit_code == 1, result.output
    assert f"landing zone not found: {tmp_path / 'gone' / 'landing'}" in " ".join(result.output.split())
    assert not (home / "warehouse.duckdb").exists()
