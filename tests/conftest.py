"""Shared fixtures: small demo practices generated once per test session (per xdist worker)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import settings

from synthetic.config import GeneratorConfig
from synthetic.generate import generate

# Property tests (tests/test_reader_properties.py): "ci", the default, runs the same examples on every run;
# HYPOTHESIS_PROFILE=long tries 30 times as many, new ones on each run (about 30 min).
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True, database=None,
                          print_blob=True)
settings.register_profile("long", max_examples=3000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL_FIXTURES = SHARED / "fixtures" / "real"


@dataclass(frozen=True)
class Practice:
    config: GeneratorConfig
    landing: Path
    truth: Path

    @property
    def practice_toml(self) -> Path:
        """The practice configuration the generator wrote (its default place, beside the landing zone)."""
        return self.landing.parent / "config" / "practice.toml"

    @property
    def figures(self) -> dict:
        return json.loads((self.truth / "figures.json").read_text())

    @property
    def messy(self) -> list[dict]:
        return json.loads((self.truth / "messy.json").read_text())


@dataclass(frozen=True)
class BuiltPractice:
    practice: Practice
    home: Path
    warehouse: Path
    output: str  # what `lantern build` printed


def _generate(root: Path, config: GeneratorConfig) -> Practice:
    generate(config, root / "landing", root / "truth")
    return Practice(config, root / "landing", root / "truth")


@pytest.fixture(scope="session")
def small_practice(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    """8 clinicians over 12 months: big enough for stable rates, about 2 s to generate."""
    return _generate(tmp_path_factory.mktemp("small"), GeneratorConfig(clinicians=8, months=12, seed=11,
                                                                        start=date(2024, 1, 1)))


@pytest.fixture(scope="session")
def built_small_practice(small_practice: Practice, tmp_path_factory: pytest.TempPathFactory) -> BuiltPractice:
    """The small practice's warehouse, with the practice.toml the generator wrote, built once per test session by
    `lantern build` (about a minute).
    Tests open it read-only, or copy it before changing anything."""
    from typer.testing import CliRunner

    from orchestration.cli import app

    home = tmp_path_factory.mktemp("built_small")
    warehouse = home / "warehouse.duckdb"
    saved = dict(os.environ)  # the command line sets Lantern's and the tools' variables for its run
    try:
        result = CliRunner().invoke(app, ["--home", str(home), "build", "--landing", str(small_practice.landing),
                                          "--warehouse", str(warehouse), "--config", str(small_practice.practice_toml)],
                                    env={"COLUMNS": "200"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 0, result.output
    return BuiltPractice(small_practice, home, warehouse, result.output)


@pytest.fixture(scope="session")
def messy_practice(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    return _generate(tmp_path_factory.mktemp("messy"), GeneratorConfig(clinicians=3, months=6, seed=5, messy=True))


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    if not REAL_FIXTURES.is_dir():
        pytest.skip(f"public sample files not found at {REAL_FIXTURES}")
    return REAL_FIXTURES


@pytest.fixture
def dashboard_warehouse(built_small_practice: BuiltPractice, monkeypatch: pytest.MonkeyPatch):
    """The small practice's warehouse as the dashboards see it (LANTERN_WAREHOUSE and LANTERN_HOME set), and a
    read-only connection for the tests' own queries."""
    import duckdb

    monkeypatch.setenv("LANTERN_WAREHOUSE", str(built_small_practice.warehouse))
    monkeypatch.setenv("LANTERN_HOME", str(built_small_practice.home))
    con = duckdb.connect(str(built_small_practice.warehouse), read_only=True)
    yield con
    con.close()


# Modules whose fixtures build a whole warehouse of their own (minutes each). Run first, so that with two xdist
# workers (`--dist loadscope`: a module stays on one worker) they overlap the many short modules instead of
# trailing alone at the end.
LONG_MODULES = ("test_network.py", "test_idempotency.py", "test_warehouse_encryption.py",
                "test_bad_deliveries.py", "test_tiny_landing_exact.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: number for number, name in enumerate(LONG_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONG_MODULES)))  # stable: the rest keep their order


@pytest.fixture(autouse=True)
def _main_module_restored():
    """Streamlit's AppTest runs a page as `__main__` and leaves it there. A process pool started later in the same
    worker (the cash forecast's, the note checker's) spawns processes that import the parent's `__main__`: they
    would run a dashboard page and die. Each test gets back the `__main__` it started with."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
