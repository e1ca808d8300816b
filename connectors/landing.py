"""A quick inventory of a landing zone: what arrived, per source, without parsing it into tables.

`summarize_landing` walks `landing/{ehr,pm,payer}/<delivery>/` and counts deliveries, files and
bytes per source, plus one cheap measure of content per source:

- ehr: non-blank NDJSON lines per FHIR resource type (`<Type>.ndjson`, or a split export's
  `<Type>.000.ndjson`, `<Type>.001.ndjson`, ...);
- pm: data rows per CSV file name, read with the csv module so quoted newlines count right;
- payer: files per X12 kind (`.837`, `.835`, `.277`) and claims: `CLM` segments in 837s, `CLP`
  segments in 835s, using the separators each interchange's ISA header declares.

It is pure: no printing, no environment. Formatting belongs to the command line.
Files and folders whose names start with "." are ignored; files lying directly in a source
folder, outside any delivery folder, are not deliveries and are not counted.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from connectors.x12_segments import iter_segments

SOURCES = ("ehr", "pm", "payer")
X12_KINDS = ("837", "835", "277")
CLAIM_SEGMENT = {"837": "CLM", "835": "CLP"}  # the segment that opens one claim, per kind

_NDJSON_NAME = re.compile(r"^(?P<type>[A-Za-z][A-Za-z0-9]*)(?:\.\d+)?\.ndjson$")


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """What one source folder holds."""

    deliveries: int = 0
    files: int = 0
    bytes: int = 0


@dataclass(frozen=True, slots=True)
class EhrSummary(SourceSummary):
    lines_by_resource: dict[str, int] = field(default_factory=dict)  # FHIR resource type -> NDJSON lines


@dataclass(frozen=True, slots=True)
class PmSummary(SourceSummary):
    rows_by_file: dict[str, int] = field(default_factory=dict)  # CSV file name -> data rows (all deliveries)


@dataclass(frozen=True, slots=True)
class PayerSummary(SourceSummary):
    files_by_kind: dict[str, int] = field(default_factory=dict)  # "837" / "835" / "277" -> files
    claims_by_kind: dict[str, int] = field(default_factory=dict)  # "837" -> CLM segments, "835" -> CLP segments
    unreadable: tuple[str, ...] = ()  # payer files (relative to the landing zone) with no readable ISA header


@dataclass(frozen=True, slots=True)
class LandingSummary:
    landing: Path
    ehr: EhrSummary
    pm: PmSummary
    payer: PayerSummary

    def sources(self) -> list[tuple[str, SourceSummary]]:
        return [("ehr", self.ehr), ("pm", self.pm), ("payer", self.payer)]


def summarize_landing(landing: Path) -> LandingSummary:
    """Count what the landing zone holds, per source. Raises FileNotFoundError if it does not exist."""
    landing = Path(landing)
    if not landing.exists():
        raise FileNotFoundError(f"landing zone not found: {landing}")
    if not landing.is_dir():
        raise NotADirectoryError(f"landing zone is not a folder: {landing}")
    return LandingSummary(
        landing=landing,
        ehr=_summarize_ehr(landing),
        pm=_summarize_pm(landing),
        payer=_summarize_payer(landing),
    )


def _visible(path: Path) -> bool:
    return not path.name.startswith(".")


def list_deliveries(landing: Path, source: str) -> list[Path]:
    """The delivery folders of one source, in name order (hidden folders ignored)."""
    folder = landing / source
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and _visible(p))


def delivery_files(delivery: Path) -> Iterator[Path]:
    """Every visible file of one delivery folder, in path order."""
    for path in sorted(delivery.rglob("*")):
        relative = path.relative_to(delivery)
        if path.is_file() and all(part[:1] != "." for part in relative.parts):
            yield path


def _walk(landing: Path, source: str) -> tuple[int, list[Path], int]:
    deliveries = list_deliveries(landing, source)
    files = [f for d in deliveries for f in delivery_files(d)]
    return len(deliveries), files, sum(f.stat().st_size for f in files)


def _summarize_ehr(landing: Path) -> EhrSummary:
    deliveries, files, size = _walk(landing, "ehr")
    lines: Counter[str] = Counter()
    for path in files:
        match = _NDJSON_NAME.match(path.name)
        if match:
            lines[match["type"]] += _count_ndjson_lines(path)
    return EhrSummary(deliveries, len(files), size, dict(sorted(lines.items())))


def _count_ndjson_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def _summarize_pm(landing: Path) -> PmSummary:
    deliveries, files, size = _walk(landing, "pm")
    rows: Counter[str] = Counter()
    for path in files:
        if path.suffix.lower() == ".csv":
            rows[path.name] += _count_csv_rows(path)
    return PmSummary(deliveries, len(files), size, dict(sorted(rows.items())))


def _count_csv_rows(path: Path) -> int:
    """Data rows after the header; blank lines are not rows. Quoted newlines stay inside their row."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        records = sum(1 for row in csv.reader(handle) if row)
    return max(records - 1, 0)


def _summarize_payer(landing: Path) -> PayerSummary:
    deliveries, files, size = _walk(landing, "payer")
    kinds: Counter[str] = Counter()
    claims: Counter[str] = Counter()
    unreadable: list[str] = []
    for path in files:
        kind = path.suffix.lower().lstrip(".")
        if kind not in X12_KINDS:
            continue
        kinds[kind] += 1
        if kind not in CLAIM_SEGMENT:
            continue
        try:
            segment_ids = list(x12_segment_ids(path.read_text(encoding="latin-1")))
        except ValueError:
            unreadable.append(path.relative_to(landing).as_posix())
            continue
        claims[kind] += sum(1 for s in segment_ids if s == CLAIM_SEGMENT[kind])
    return PayerSummary(
        deliveries,
        len(files),
        size,
        files_by_kind={k: kinds[k] for k in X12_KINDS if kinds[k]},
        claims_by_kind={k: claims[k] for k in CLAIM_SEGMENT if kinds[k]},
        unreadable=tuple(unreadable),
    )


def x12_segment_ids(text: str) -> Iterator[str]:
    """Yield the id of every segment of every interchange in `text` (separators from each ISA)."""
    for _, _, fields in iter_segments(text):
        yield fields[0]
