"""The practice's configuration file, `practice.toml`: the payer rules kpis.md leaves to the practice.

`[payer_rules.default]` applies to every payer without a table of its own; a payer's table
`[payer_rules."<payer_id>"]` sets any of the same keys, and each key it leaves out falls back to
the default table, then to the built-in value (`BUILT_IN`). docs/practice-config.md has the format.

Pure: `parse_practice_config` turns text into a frozen `PracticeConfig`; `read_practice_config`
reads a file, and a missing file is not an error (the built-in rules, with `found` False, so the
caller can warn). Every mistake raises `PracticeConfigError` naming the file, the key
(`payer_rules."BCBS".authorization`) and the reason.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

AUTHORIZATION_RULES = ("none", "first_visit", "after_visits")
DEFAULT_TABLE = "default"  # the table name in the file
DEFAULT_PAYER_ID = "*"  # the default rule's payer_id in the warehouse (no payer has this id)
TOP_LEVEL_KEYS = ("payer_rules",)
RULE_KEYS = ("timely_filing_days", "authorization", "authorization_after_visits", "treatment_plan_review_days")
WHOLE_NUMBER_KEYS = ("timely_filing_days", "authorization_after_visits", "treatment_plan_review_days")


@dataclass(frozen=True, slots=True)
class PayerRule:
    """One payer's rules, every key resolved (the payer's own, else the default's, else built in)."""

    payer_id: str  # DEFAULT_PAYER_ID for the default rule
    timely_filing_days: int  # a claim first submitted more than this many days after its date of service is late
    authorization: str  # none | first_visit (every visit) | after_visits (visits N+1 onward)
    authorization_after_visits: int | None  # N when authorization is after_visits, else None
    treatment_plan_review_days: int  # a treatment plan must have been reviewed within this many days

    def row(self) -> tuple[str, int, str, int | None, int]:
        return (self.payer_id, self.timely_filing_days, self.authorization, self.authorization_after_visits,
                self.treatment_plan_review_days)


# What applies when the file or a key is missing: 90 days is the shortest common commercial
# filing limit, so a missing rule flags too many late claims rather than too few.
BUILT_IN = PayerRule(payer_id=DEFAULT_PAYER_ID, timely_filing_days=90, authorization="none",
                     authorization_after_visits=None, treatment_plan_review_days=90)


@dataclass(frozen=True, slots=True)
class PracticeConfig:
    """The payer rules of one configuration file (or the built-in ones when it does not exist)."""

    path: Path  # the file read, or looked for
    found: bool  # False: no file there, the built-in rules apply
    sha256: str | None  # of the file's bytes (None when not found)
    default: PayerRule
    payers: tuple[PayerRule, ...]  # one per payer table, by payer_id

    def rule_for(self, payer_id: str) -> PayerRule:
        """The payer's own rule, else the default one (with the payer's id)."""
        for rule in self.payers:
            if rule.payer_id == payer_id:
                return rule
        return replace(self.default, payer_id=payer_id)

    @property
    def rules(self) -> tuple[PayerRule, ...]:
        """The default rule first, then every payer's."""
        return (self.default, *self.payers)


class PracticeConfigError(ValueError):
    """A configuration file that cannot be used: which file, which key, why."""

    def __init__(self, path: Path, key: str | None, reason: str):
        self.path = path
        self.key = key
        self.reason = reason
        where = f"{path}: {key}" if key else str(path)
        super().__init__(f"{where}: {reason}")


def read_practice_config(path: Path) -> PracticeConfig:
    """Read `path`; when it does not exist, the built-in rules with `found` False."""
    if not path.exists():
        return PracticeConfig(path=path, found=False, sha256=None, default=BUILT_IN, payers=())
    if not path.is_file():
        raise PracticeConfigError(path, None, "is not a file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PracticeConfigError(path, None, f"is not UTF-8 text (byte {error.start})") from None
    return parse_practice_config(text, path, hashlib.sha256(data).hexdigest())


def parse_practice_config(text: str, path: Path, sha256: str | None = None) -> PracticeConfig:
    """The rules in TOML `text`, read from `path` (named in errors)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PracticeConfigError(path, None, f"is not valid TOML: {error}") from None
    for key in document:
        if key not in TOP_LEVEL_KEYS:
            raise PracticeConfigError(path, _quoted(key), f"unknown key (expected: {', '.join(TOP_LEVEL_KEYS)})")
    tables = document.get("payer_rules", {})
    if not isinstance(tables, dict):
        raise PracticeConfigError(path, "payer_rules", f"must be a table, got {_kind(tables)}")
    checked: dict[str, dict] = {}
    for payer_id, table in tables.items():
        key = _table_key(payer_id)
        if payer_id == "" or payer_id != payer_id.strip():
            raise PracticeConfigError(path, key, "a payer id cannot be empty or start or end with a space")
        if payer_id == DEFAULT_PAYER_ID:
            raise PracticeConfigError(path, key, f"{DEFAULT_PAYER_ID!r} is reserved (the default is "
                                                 f"[payer_rules.{DEFAULT_TABLE}])")
        if not isinstance(table, dict):
            raise PracticeConfigError(path, key, f"must be a table, got {_kind(table)}")
        checked[payer_id] = _checked_table(path, key, table)
    default = _resolved(path, DEFAULT_PAYER_ID, _table_key(DEFAULT_TABLE), checked.pop(DEFAULT_TABLE, {}), BUILT_IN)
    payers = tuple(_resolved(path, payer_id, _table_key(payer_id), checked[payer_id], default)
                   for payer_id in sorted(checked))
    return PracticeConfig(path=path, found=True, sha256=sha256, default=default, payers=payers)


def _checked_table(path: Path, table_key: str, table: dict) -> dict:
    for name, value in table.items():
        key = f"{table_key}.{_quoted(name)}"
        if name not in RULE_KEYS:
            raise PracticeConfigError(path, key, f"unknown key (expected one of: {', '.join(RULE_KEYS)})")
        if name in WHOLE_NUMBER_KEYS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise PracticeConfigError(path, key, f"must be a whole number, got {_kind(value)} {value!r}")
            if value < 1:
                raise PracticeConfigError(path, key, f"must be a positive whole number, got {value}")
        elif name == "authorization":
            if not isinstance(value, str):
                raise PracticeConfigError(path, key, f"must be a string, got {_kind(value)} {value!r}")
            if value not in AUTHORIZATION_RULES:
                raise PracticeConfigError(path, key, f"unknown rule {value!r} (expected one of: "
                                                     f"{', '.join(AUTHORIZATION_RULES)})")
    return table


def _resolved(path: Path, payer_id: str, table_key: str, table: dict, fallback: PayerRule) -> PayerRule:
    authorization = table.get("authorization", fallback.authorization)
    after_key = f"{table_key}.authorization_after_visits"
    if authorization == "after_visits":
        after = table.get("authorization_after_visits", fallback.authorization_after_visits)
        if after is None:
            raise PracticeConfigError(path, after_key, "is required when authorization is 'after_visits'")
    else:
        if "authorization_after_visits" in table:
            raise PracticeConfigError(path, after_key, f"applies only when authorization is 'after_visits' "
                                                       f"(here it is {authorization!r})")
        after = None
    return PayerRule(
        payer_id=payer_id,
        timely_filing_days=table.get("timely_filing_days", fallback.timely_filing_days),
        authorization=authorization,
        authorization_after_visits=after,
        treatment_plan_review_days=table.get("treatment_plan_review_days", fallback.treatment_plan_review_days),
    )


def _table_key(payer_id: str) -> str:
    return f"payer_rules.{DEFAULT_TABLE}" if payer_id == DEFAULT_TABLE else f"payer_rules.{_quoted(payer_id, always=True)}"


def _quoted(name: str, always: bool = False) -> str:
    """A TOML key as the file would spell it: bare when it can be, else in double quotes."""
    bare = name != "" and all(c.isascii() and (c.isalnum() or c in "-_") for c in name)
    if bare and not always:
        return name
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _kind(value: object) -> str:
    return {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array",
            dict: "a table"}.get(type(value), type(value).__name__)
