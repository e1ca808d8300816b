"""Shared fixtures: small demo practices generated once per test session (per xdist worker)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from synthetic.config import GeneratorConfig
from synthetic.generate import generate

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL_FIXTURES = SHARED / "fixtures" / "real"


@dataclass(frozen=True)
class Practice:
    config: GeneratorConfig
    landing: Path
    truth: Path

    @property
    def figures(self) -> dict:
        return json.loads((self.truth / "figures.json").read_text())

    @property
    def messy(self) -> list[dict]:
        return json.loads((self.truth / "messy.json").read_text())


def _generate(root: Path, config: GeneratorConfig) -> Practice:
    generate(config, root / "landing", root / "truth")
    return Practice(config, root / "landing", root / "truth")


@pytest.fixture(scope="session")
def small_practice(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    """8 clinicians over 12 months: big enough for stable rates, about 2 s to generate."""
    return _generate(tmp_path_factory.mktemp("small"), GeneratorConfig(clinicians=8, months=12, seed=11,
                                                                        start=date(2024, 1, 1)))


@pytest.fixture(scope="session")
def messy_practice(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    return _generate(tmp_path_factory.mktemp("messy"), GeneratorConfig(clinicians=3, months=6, seed=5, messy=True))


@pytest.fixture(scope="session")
def real_fixtures() -> Path:
    if not REAL_FIXTURES.is_dir():
        pytest.skip(f"public sample files not found at {REAL_FIXTURES}")
    return REAL_FIXTURES
