"""The network file, `network.toml`: which practices a network build covers and where their exports land.

    [[practice]]
    id = "north"                      # the practice's id in the warehouse (every row's practice_id)
    landing = "north/landing"         # its landing zone (ehr/, pm/, payer/ deliveries)
    config = "north/practice.toml"    # optional: its payer rules (docs/practice-config.md)

Relative paths are taken from the file's folder. Pure: `parse_network` turns text into a `Network`; every
mistake raises `NetworkFileError` naming the file, the entry (`practice[2].landing`) and the reason.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from orchestration.raw_parquet.publish import RawPublishError, check_name

PRACTICE_KEYS = ("id", "landing", "config")


@dataclass(frozen=True, slots=True)
class NetworkPractice:
    practice_id: str
    landing: Path
    config: Path | None  # None: the practice's built-in payer rules


@dataclass(frozen=True, slots=True)
class Network:
    path: Path
    practices: tuple[NetworkPractice, ...]


class NetworkFileError(ValueError):
    def __init__(self, path: Path, key: str | None, reason: str):
        self.path, self.key, self.reason = path, key, reason
        super().__init__(f"{path}: {key}: {reason}" if key else f"{path}: {reason}")


def read_network(path: Path) -> Network:
    if not path.is_file():
        raise NetworkFileError(path, None, "no such file (docs/scaling.md describes the network file)")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise NetworkFileError(path, None, f"is not UTF-8 text (byte {error.start})") from None
    return parse_network(text, path)


def parse_network(text: str, path: Path) -> Network:
    """The network in TOML `text`, read from `path` (named in errors; relative paths are from its folder)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise NetworkFileError(path, None, f"is not valid TOML: {error}") from None
    for key in document:
        if key != "practice":
            raise NetworkFileError(path, key, "unknown key (expected [[practice]] tables)")
    entries = document.get("practice", [])
    if not isinstance(entries, list) or not entries:
        raise NetworkFileError(path, "practice", "a network needs at least one [[practice]] table")
    folder = path.parent
    practices, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"practice[{number}]"
        if not isinstance(entry, dict):
            raise NetworkFileError(path, where, "must be a table")
        for key in entry:
            if key not in PRACTICE_KEYS:
                raise NetworkFileError(path, f"{where}.{key}", f"unknown key (expected one of: {', '.join(PRACTICE_KEYS)})")
        for key in ("id", "landing"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise NetworkFileError(path, f"{where}.{key}", "is required, as a string")
        practice_id = entry["id"]
        try:
            check_name("practice id", practice_id)
        except RawPublishError as error:
            raise NetworkFileError(path, f"{where}.id", str(error)) from None
        if practice_id in seen:
            raise NetworkFileError(path, f"{where}.id", f"{practice_id!r} names two practices")
        seen.add(practice_id)
        if "config" in entry and (not isinstance(entry["config"], str) or not entry["config"]):
            raise NetworkFileError(path, f"{where}.config", "must be a path, as a string")
        practices.append(NetworkPractice(
            practice_id=practice_id,
            landing=(folder / entry["landing"]).resolve(),
            config=(folder / entry["config"]).resolve() if "config" in entry else None,
        ))
    return Network(path=path, practices=tuple(practices))
