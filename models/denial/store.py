"""The model store: a folder of versioned denial models, and which one is promoted.

Layout (the folder is injected: `<home>/models/denial/` by default):

    v0001/model.txt         the booster, LightGBM's own text format (Booster.save_model, best iteration)
    v0001/calibrator.json   the calibration (Platt's a and b, or the centered isotonic points)
    v0001/metadata.json     training window, data hash, features and category lists, parameters, metrics,
                            expected allowed per payer × CPT, created_at
    v0001/card.md           the model card (models.denial.card)
    v0001/reliability.png   its reliability plot
    promoted.json           {"version": ..., "promoted_at": ..., "check": ...}: the model scoring uses

Nothing is pickled. A version is written to a temporary folder and renamed, so a half-written version is never
seen. A version is promoted only when `promotion_check` passes on its test metrics (the Dagster asset check
calls it).
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import lightgbm as lgb

from models.denial.calibration import Calibrator
from models.denial.dataset import FeatureSet, SplitWindow
from models.denial.model import DenialModel

VERSION = re.compile(r"v(\d{4,})")
PROMOTED = "promoted.json"
MAX_ECE = 0.05


def versions(root: Path) -> list[str]:
    """The stored versions, oldest first."""
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if p.is_dir() and VERSION.fullmatch(p.name)]
    return sorted(found, key=lambda name: int(name[1:]))


def next_version(root: Path) -> str:
    existing = versions(root)
    return f"v{int(existing[-1][1:]) + 1 if existing else 1:04d}"


def latest_version(root: Path) -> str | None:
    existing = versions(root)
    return existing[-1] if existing else None


def save_version(root: Path, model: DenialModel, metadata: dict,
                 files: Callable[[dict], dict[str, bytes]] | None = None) -> str:
    """Store a new version: the booster, the calibrator, `metadata` (with the version and the model's encoding
    added) and the files `files` makes from that full metadata (name -> bytes: the card and its plot). Returns the
    version's name."""
    root.mkdir(parents=True, exist_ok=True)
    version = next_version(root)
    staging = root / f".{version}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    model.booster.save_model(str(staging / "model.txt"))
    (staging / "calibrator.json").write_text(json.dumps(model.calibrator.to_json(), indent=2) + "\n")
    full = {"version": version, **metadata, "features": model.features.to_json(), "categories": model.categories,
            "training_window": model.window.to_json(), "calibration": model.calibrator.to_json(),
            "expected_allowed": model.expected_allowed}
    full = _finite(full)
    (staging / "metadata.json").write_text(json.dumps(full, indent=2) + "\n")
    for name, content in (files(full) if files else {}).items():
        (staging / name).write_bytes(content)
    staging.rename(root / version)
    model.version = version
    return version


def _finite(value):
    """JSON has no NaN: measures that are undefined (one class only) are stored as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def read_metadata(root: Path, version: str) -> dict:
    return json.loads((root / version / "metadata.json").read_text())


def load_version(root: Path, version: str) -> DenialModel:
    folder = root / version
    if not folder.is_dir():
        raise FileNotFoundError(f"no model {version} in {root}")
    metadata = read_metadata(root, version)
    return DenialModel(
        booster=lgb.Booster(model_file=str(folder / "model.txt")),
        calibrator=Calibrator.from_json(json.loads((folder / "calibrator.json").read_text())),
        features=FeatureSet.from_json(metadata["features"]),
        categories={name: list(values) for name, values in metadata["categories"].items()},
        window=SplitWindow.from_json(metadata["training_window"]),
        expected_allowed={key: float(value) for key, value in metadata.get("expected_allowed", {}).items()},
        version=version,
    )


# -- promotion -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromotionCheck:
    passed: bool
    conditions: list[tuple[str, bool]]  # (what was required, with the figures; whether it holds)

    def describe(self) -> str:
        return "; ".join(f"{'ok' if holds else 'FAILED'}: {text}" for text, holds in self.conditions)


def promotion_check(test: dict[str, dict[str, float | None]], max_ece: float = MAX_ECE) -> PromotionCheck:
    """Whether a model may be promoted, from its test-month measures (`metadata["metrics"]["test"]`): its ROC AUC
    at least the payer × CPT rate's, its Brier score at most the payer × CPT rate's, and its ECE at most
    `max_ece`. An undefined measure fails."""
    model, baseline = test["model"], test["payer_cpt_rate"]

    def number(value) -> float:
        return math.nan if value is None else float(value)

    auc, base_auc = number(model.get("roc_auc")), number(baseline.get("roc_auc"))
    brier, base_brier = number(model.get("brier")), number(baseline.get("brier"))
    ece = number(model.get("ece"))
    conditions = [
        (f"ROC AUC {auc:.4f} >= payer x CPT rate's {base_auc:.4f}", auc >= base_auc),
        (f"Brier {brier:.4f} <= payer x CPT rate's {base_brier:.4f}", brier <= base_brier),
        (f"ECE {ece:.4f} <= {max_ece}", ece <= max_ece),
    ]
    return PromotionCheck(all(holds for _, holds in conditions), conditions)


def promote(root: Path, version: str, check: PromotionCheck, now: datetime | None = None) -> None:
    """Make `version` the promoted model (refused when its check did not pass)."""
    if not check.passed:
        raise ValueError(f"{version} did not pass its promotion check: {check.describe()}")
    if not (root / version).is_dir():
        raise FileNotFoundError(f"no model {version} in {root}")
    record = {"version": version, "promoted_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
              "check": check.describe()}
    temporary = root / f".{PROMOTED}.partial"
    temporary.write_text(json.dumps(record, indent=2) + "\n")
    temporary.replace(root / PROMOTED)


def promoted_version(root: Path) -> str | None:
    path = root / PROMOTED
    return json.loads(path.read_text())["version"] if path.is_file() else None


def load_promoted(root: Path) -> DenialModel:
    version = promoted_version(root)
    if version is None:
        raise FileNotFoundError(f"no promoted denial model in {root}: train one (asset models/denial_model)")
    return load_version(root, version)
