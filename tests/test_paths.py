"""LanternPaths.resolve: explicit option > environment variable > default under home; always absolute."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.paths import LanternPaths


def test_defaults_live_under_data_in_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    paths = LanternPaths.resolve(env={})
    home = tmp_path.resolve() / "data"
    assert paths == LanternPaths(
        home=home,
        landing=home / "landing",
        warehouse=home / "warehouse.duckdb",
        dagster_home=home / "dagster_home",
        model_store=home / "models",
        truth=home / "truth",
        config=home / "config" / "practice.toml",
    )


def test_no_env_given_means_no_environment_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LANTERN_HOME", str(tmp_path / "from-process-env"))
    assert LanternPaths.resolve().home == tmp_path.resolve() / "data"


def test_environment_moves_home_and_everything_under_it(tmp_path: Path) -> None:
    env = {"LANTERN_HOME": str(tmp_path / "elsewhere")}
    paths = LanternPaths.resolve(env=env)
    home = tmp_path.resolve() / "elsewhere"
    assert paths.home == home
    assert paths.landing == home / "landing"
    assert paths.warehouse == home / "warehouse.duckdb"
    assert paths.dagster_home == home / "dagster_home"
    assert paths.model_store == home / "models"
    assert paths.truth == home / "truth"
    assert paths.config == home / "config" / "practice.toml"


def test_environment_beats_default_for_each_path(tmp_path: Path) -> None:
    env = {
        "LANTERN_LANDING": str(tmp_path / "env-landing"),
        "LANTERN_WAREHOUSE": str(tmp_path / "env.duckdb"),
        "LANTERN_TRUTH": str(tmp_path / "env-truth"),
        "LANTERN_CONFIG": str(tmp_path / "env-practice.toml"),
    }
    paths = LanternPaths.resolve(home=tmp_path / "home", env=env)
    assert paths.home == tmp_path.resolve() / "home"
    assert paths.landing == tmp_path.resolve() / "env-landing"
    assert paths.warehouse == tmp_path.resolve() / "env.duckdb"
    assert paths.truth == tmp_path.resolve() / "env-truth"
    assert paths.config == tmp_path.resolve() / "env-practice.toml"
    assert paths.dagster_home == tmp_path.resolve() / "home" / "dagster_home"


def test_option_beats_environment(tmp_path: Path) -> None:
    env = {
        "LANTERN_HOME": str(tmp_path / "env-home"),
        "LANTERN_LANDING": str(tmp_path / "env-landing"),
        "LANTERN_WAREHOUSE": str(tmp_path / "env.duckdb"),
        "LANTERN_TRUTH": str(tmp_path / "env-truth"),
        "LANTERN_CONFIG": str(tmp_path / "env-practice.toml"),
    }
    paths = LanternPaths.resolve(
        home=tmp_path / "opt-home",
        landing=tmp_path / "opt-landing",
        warehouse=tmp_path / "opt.duckdb",
        truth=tmp_path / "opt-truth",
        config=tmp_path / "opt-practice.toml",
        env=env,
    )
    root = tmp_path.resolve()
    assert paths.home == root / "opt-home"
    assert paths.landing == root / "opt-landing"
    assert paths.warehouse == root / "opt.duckdb"
    assert paths.truth == root / "opt-truth"
    assert paths.config == root / "opt-practice.toml"
    assert paths.model_store == root / "opt-home" / "models"


def test_empty_environment_variable_counts_as_unset(tmp_path: Path) -> None:
    paths = LanternPaths.resolve(home=tmp_path, env={"LANTERN_LANDING": "", "LANTERN_CONFIG": ""})
    assert paths.landing == tmp_path.resolve() / "landing"
    assert paths.config == tmp_path.resolve() / "config" / "practice.toml"


def test_relative_paths_become_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    paths = LanternPaths.resolve(home="h", landing="l", env={"LANTERN_TRUTH": "t", "LANTERN_CONFIG": "c.toml"})
    for path in (paths.home, paths.landing, paths.warehouse, paths.dagster_home, paths.model_store, paths.truth,
                 paths.config):
        assert path.is_absolute()
    assert paths.landing == tmp_path.resolve() / "l"
    assert paths.truth == tmp_path.resolve() / "t"
    assert paths.config == tmp_path.resolve() / "c.toml"
    assert paths.warehouse == tmp_path.resolve() / "h" / "warehouse.duckdb"


def test_paths_are_frozen(tmp_path: Path) -> None:
    paths = LanternPaths.resolve(home=tmp_path, env={})
    with pytest.raises(AttributeError):
        paths.home = tmp_path / "other"  # type: ignore[misc]
