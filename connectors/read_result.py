"""What a reader returns for one file: raw rows per table, quarantine records, and the counts.

Shared by the FHIR NDJSON, PM CSV and X12 readers, so the loader handles every source alike.

- `rows` maps a raw table name (see `connectors.raw_tables`) to its rows, each a dict keyed exactly
  by that table's `column_names` (lineage columns included).
- `quarantine` holds dicts keyed exactly by `QUARANTINE.column_names`: what was rejected, where
  (`location` "line N", "segment N ..." or "file"), the rule, a reason in plain words, the record's
  key when it has one, and the rejected text as read.
- `records_read` counts the records found in the file (non-blank NDJSON lines, CSV data rows, ...);
  every one of them is loaded, quarantined or skipped (a record of a kind the platform does not use,
  e.g. a FHIR Immunization), so `records_read == records_loaded + records_quarantined + skipped`.
  A file quarantined whole has one quarantine record but counts all its records as quarantined.
- `warnings` are things worth telling a person that do not reject anything (e.g. extra CSV columns).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.raw_tables import QUARANTINE

QUARANTINE_COLUMNS = QUARANTINE.column_names


@dataclass(slots=True)
class ReadResult:
    rows: dict[str, list[dict]] = field(default_factory=dict)
    quarantine: list[dict] = field(default_factory=list)
    records_read: int = 0
    records_loaded: int = 0
    records_quarantined: int = 0
    skipped: int = 0  # records read but of a kind no raw table takes
    skipped_by_kind: dict[str, int] = field(default_factory=dict)  # e.g. FHIR resource type -> records skipped
    warnings: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        """True when every record read was loaded, quarantined or skipped: nothing lost silently."""
        return self.records_read == self.records_loaded + self.records_quarantined + self.skipped


def quarantine_record(*, source: str, table_name: str, location: str, rule: str, reason: str,
                      record_key: str | None, raw_text: str | None, delivery: str, source_file: str,
                      file_sha256: str, position: int | None) -> dict:
    """One quarantine row keyed by `QUARANTINE.column_names`; `position` is None for a whole file."""
    return {
        "source": source,
        "table_name": table_name,
        "location": location,
        "rule": rule,
        "reason": reason,
        "record_key": record_key,
        "raw_text": raw_text,
        "_delivery": delivery,
        "_source_file": source_file,
        "_file_sha256": file_sha256,
        "_position": position,
    }
