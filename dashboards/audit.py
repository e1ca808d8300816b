"""The audit trail (issue 8): who signed in, viewed which page, exported which file, when.

One JSON object a line in `<home>/audit/audit.jsonl`, private to its owner (0600) and only ever appended to:
each event is one `write` of one line to a file opened with O_APPEND, so events of concurrent sessions, or of two
`lantern serve` processes, never interleave within a line, and nothing rewrites past lines. The Data health page
shows it to leadership; any log shipper can follow the file.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

ACTIONS = ("sign-in", "sign-in refused", "password changed", "sign-out", "view", "export")
COLUMNS = ["at", "username", "role", "action", "target", "detail"]
_lock = threading.Lock()


@dataclass(frozen=True)
class AuditEvent:
    at: str  # ISO 8601, UTC, to the second
    username: str
    role: str  # "" when the sign-in was refused
    action: str
    target: str  # the page, the file exported, or the sign-in method
    detail: str = ""


def event(username: str, role: str, action: str, target: str, detail: str = "",
          now: datetime | None = None) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"audit action {action!r} is not one of {', '.join(ACTIONS)}")
    at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return AuditEvent(at.isoformat().replace("+00:00", "Z"), username, role, action, target, detail)


def audit_file(home: Path) -> Path:
    return home / "audit" / "audit.jsonl"


def append(path: Path, record: AuditEvent) -> None:
    line = (json.dumps(asdict(record), ensure_ascii=False) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line)
        finally:
            os.close(descriptor)


def read(path: Path) -> pd.DataFrame:
    """Every event, newest first; a line that is not an event (a torn last line after a crash) is skipped."""
    rows = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and set(COLUMNS) <= set(row):
                rows.append({column: row[column] for column in COLUMNS})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    # newest first; events of the same second in the reverse of the order they were written
    return frame.iloc[::-1].sort_values("at", ascending=False, kind="stable").reset_index(drop=True)
