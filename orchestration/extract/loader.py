"""Load deliveries into the raw layer: read every file, apply the contracts, write rows, quarantine, ledger.

Re-running a load changes nothing: a file whose path and bytes were loaded before is skipped, and a
file whose bytes changed replaces what its path loaded before. Every record of every file ends up
in a raw table or in `raw.quarantine`, and the ledger counts both per file.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from connectors.fhir_reader import read_ndjson
from connectors.landing import delivery_files, list_deliveries
from connectors.pm_reader import read_pm_csv
from connectors.raw_ddl import create_raw_schema
from connectors.raw_tables import BY_NAME, LEDGER, PM_FILES, QUARANTINE, RawTable
from connectors.read_result import ReadResult, quarantine_record
from connectors.x12_reader import X12ReadResult, read_x12
from data_contracts.validate import TableOutcome, apply_contracts

SOURCES = ("ehr", "pm", "payer")
SQL = Path(__file__).with_name

# Tables whose rows are the records a file's counts are about (X12: claims, claim payments, acks).
RECORD_TABLES = {
    "ehr": ("fhir_patients", "fhir_practitioners", "fhir_encounters", "fhir_conditions", "fhir_observations",
            "fhir_document_references"),
    "pm": tuple(PM_FILES),
    "payer": ("x12_claims", "x12_claim_payments", "x12_claim_acks"),
}
TABLES_OF_SOURCE = {source: tuple(t.name for t in BY_NAME.values() if t.source == source) for source in SOURCES}
_PM_TABLE_OF_FILE = {file_name: table for table, file_name in PM_FILES.items()}

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LandingFile:
    source: str
    delivery: str
    path: Path
    relative: str  # path relative to the landing zone, with forward slashes


@dataclass
class FileStats:
    file: LandingFile
    sha256: str
    kind: str
    size: int
    read: int = 0
    quarantined: int = 0
    skipped: int = 0
    whole_file_rejected: bool = False


@dataclass
class LoadReport:
    source: str
    deliveries: list[str]
    files_seen: int = 0
    files_loaded: int = 0
    files_unchanged: int = 0
    records_read: int = 0
    records_loaded: int = 0
    records_quarantined: int = 0
    records_skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    rows_by_table: dict[str, int] = field(default_factory=dict)
    read_rejects_by_table: dict[str, dict[str, int]] = field(default_factory=dict)  # the readers' quarantine
    quarantined_by_rule: dict[str, int] = field(default_factory=dict)
    contract_checks: dict[str, TableOutcome] = field(default_factory=dict)  # per raw table, over all batches


def landing_files(landing: Path, source: str, deliveries: Iterable[str] | None = None) -> list[LandingFile]:
    wanted = set(deliveries) if deliveries is not None else None
    files = []
    for folder in list_deliveries(landing, source):
        if wanted is not None and folder.name not in wanted:
            continue
        for path in delivery_files(folder):
            files.append(LandingFile(source, folder.name, path, path.relative_to(landing).as_posix()))
    return files


def delivery_names(landing: Path) -> list[str]:
    """Every delivery folder name found under any source, sorted."""
    return sorted({folder.name for source in SOURCES for folder in list_deliveries(landing, source)})


def _kind(file: LandingFile) -> str:
    name = file.path.name
    if file.source == "ehr":
        return name.split(".", 1)[0]
    if file.source == "pm":
        return name
    return file.path.suffix.lstrip(".").lower()


def read_landing_file(file: LandingFile, data: bytes, sha256: str, mrn_system: str | None) -> ReadResult:
    """Dispatch one file to its reader; a file no reader takes is quarantined whole with the reason."""
    lineage = {"delivery": file.delivery, "source_file": file.relative, "file_sha256": sha256}
    name = file.path.name.lower()
    if file.source == "ehr" and name.endswith(".ndjson"):
        return read_ndjson(data, mrn_system=mrn_system, **lineage)
    if file.source == "pm" and name in _PM_TABLE_OF_FILE:
        return read_pm_csv(data, file_name=name, **lineage)
    if file.source == "payer" and file.path.suffix.lower() in (".837", ".835", ".277", ".edi", ".txt", ".x12"):
        text = _decode_x12(data)
        kind = file.path.suffix.lstrip(".").lower()
        result = read_x12(text, expected_kind=kind if kind in ("837", "835", "277") else None, **lineage)
        return result
    expected = {"ehr": "<ResourceType>.ndjson", "pm": "one of " + ", ".join(sorted(_PM_TABLE_OF_FILE)),
                "payer": "an X12 file (.837, .835, .277)"}[file.source]
    result = ReadResult(records_read=1, records_quarantined=1)
    result.quarantine.append(quarantine_record(
        source=file.source, table_name="", location="file", rule="unknown_file",
        reason=f"{file.path.name} is not a file the {file.source} folder takes (expected {expected})",
        record_key=None, raw_text=data[:2000].decode("utf-8", "replace"), position=None, **lineage))
    return result


def _decode_x12(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # X12's extended character set fits in one byte per character


def _arrow_type(sql_type: str) -> pa.DataType:
    if sql_type.startswith("DECIMAL"):
        precision, scale = sql_type[8:-1].split(",")
        return pa.decimal128(int(precision), int(scale))
    return {
        "VARCHAR": pa.string(), "DATE": pa.date32(), "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
        "TIMESTAMP": pa.timestamp("us"), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
    }[sql_type]


def _arrow_table(table: RawTable, frame: pd.DataFrame) -> pa.Table:
    schema = pa.schema([(c.name, _arrow_type(c.type)) for c in table.all_columns])
    frame = frame.copy()
    for column in table.all_columns:
        if column.type == "TIMESTAMPTZ":
            frame[column.name] = pd.to_datetime(frame[column.name], utc=True)
        values = frame[column.name]
        if column.type in ("INTEGER", "BIGINT"):
            frame[column.name] = values.astype("Int64")
        elif column.type == "VARCHAR":
            frame[column.name] = values.astype(object).where(values.notna(), None)
    return pa.Table.from_pandas(frame[list(table.column_names)], schema=schema, preserve_index=False)


def _insert(con: duckdb.DuckDBPyConnection, table: RawTable, frame: pd.DataFrame | list[dict]) -> int:
    if isinstance(frame, list):
        frame = pd.DataFrame(frame, columns=table.column_names)
    if frame.empty:
        return 0
    arrow = _arrow_table(table, frame)
    con.register("incoming_rows", arrow)
    try:
        con.execute(f"insert into raw.{table.name} by name select * from incoming_rows")
    finally:
        con.unregister("incoming_rows")
    return len(frame)


BATCH_ROWS = 400_000  # candidate rows held before the contracts run and the rows are written: caps memory


@dataclass
class _Batch:
    """Files read but not yet written: their candidate rows, the readers' quarantine, their stats."""

    candidates: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    reader_quarantine: list[dict] = field(default_factory=list)
    stats: list[FileStats] = field(default_factory=list)
    rows: int = 0
    # "<file>|<remittance_key>" -> what the 835 claims and PLBs the reader quarantined add to BPR02's balance
    unloaded_paid: dict[str, Decimal | None] = field(default_factory=dict)


def load_deliveries(con: duckdb.DuckDBPyConnection, landing: Path, source: str,
                    deliveries: Iterable[str] | None = None, *, mrn_system: str | None = None,
                    progress: Progress | None = None) -> LoadReport:
    """Load the given deliveries (all when None) of one source into the raw layer of `con`.

    Files are written in batches of whole files, each batch in one transaction with its ledger
    rows, so an interrupted load leaves every file either fully loaded or not at all.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}: expected one of {', '.join(SOURCES)}")
    create_raw_schema(con)
    files = landing_files(landing, source, deliveries)
    report = LoadReport(source=source, deliveries=sorted({f.delivery for f in files}))
    known = dict(con.execute(SQL("ledger_known_files.sql").read_text(), {"source": source}).fetchall())
    batch = _Batch()
    for done, file in enumerate(files, start=1):
        data = file.path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        report.files_seen += 1
        if progress is not None:
            progress(f"loading {source}", done, len(files))
        if known.get(file.relative) == sha:
            report.files_unchanged += 1
            continue
        result = read_landing_file(file, data, sha, mrn_system)
        for table, rows in result.rows.items():
            batch.candidates[table].extend(rows)
            batch.rows += len(rows)
        batch.reader_quarantine.extend(result.quarantine)
        if isinstance(result, X12ReadResult):
            for key, amount in result.unloaded_paid.items():
                batch.unloaded_paid[f"{file.relative}|{key}"] = amount
        report.warnings.extend(f"{file.relative}: {warning}" for warning in result.warnings)
        batch.stats.append(FileStats(
            file=file, sha256=sha, kind=_kind(file), size=len(data), read=result.records_read,
            quarantined=result.records_quarantined, skipped=result.skipped,
            whole_file_rejected=any(q["location"] == "file" for q in result.quarantine)))
        if batch.rows >= BATCH_ROWS:
            _flush(con, source, batch, report)
            batch = _Batch()
    _flush(con, source, batch, report)
    con.execute(SQL("ledger_mark_duplicates.sql").read_text())
    return report


def _flush(con: duckdb.DuckDBPyConnection, source: str, batch: _Batch, report: LoadReport) -> None:
    """Run the contracts on a batch and write it: raw rows, quarantine and ledger in one transaction."""
    if not batch.stats:
        return
    outcome = apply_contracts(dict(batch.candidates), unloaded_paid=batch.unloaded_paid)
    contract_rejects: dict[str, int] = defaultdict(int)  # file -> records the contracts rejected
    for row in outcome.quarantine:
        if row["table_name"] in RECORD_TABLES[source]:
            contract_rejects[row["_source_file"]] += 1
    con.execute("begin transaction")
    try:
        _delete_files(con, source, [s.file.relative for s in batch.stats])
        for table in TABLES_OF_SOURCE[source]:
            frame = outcome.tables.get(table)
            inserted = _insert(con, BY_NAME[table], frame) if frame is not None else 0
            report.rows_by_table[table] = report.rows_by_table.get(table, 0) + inserted
        _insert(con, QUARANTINE, batch.reader_quarantine + outcome.quarantine)
        _insert(con, LEDGER, [_ledger_row(s, contract_rejects.get(s.file.relative, 0)) for s in batch.stats])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    for s in batch.stats:
        rejected = s.quarantined + contract_rejects.get(s.file.relative, 0)
        report.records_read += s.read
        report.records_quarantined += rejected
        report.records_skipped += s.skipped
        report.records_loaded += s.read - rejected - s.skipped
    report.files_loaded += len(batch.stats)
    for row in batch.reader_quarantine + outcome.quarantine:
        report.quarantined_by_rule[row["rule"]] = report.quarantined_by_rule.get(row["rule"], 0) + 1
    for row in batch.reader_quarantine:
        per_rule = report.read_rejects_by_table.setdefault(row["table_name"] or "(whole file)", {})
        per_rule[row["rule"]] = per_rule.get(row["rule"], 0) + 1
    for table, outcome_of_table in outcome.per_table.items():
        merged = report.contract_checks.setdefault(table, TableOutcome())
        merged.checked += outcome_of_table.checked
        merged.quarantined += outcome_of_table.quarantined
        for rule, count in outcome_of_table.by_rule.items():
            merged.by_rule[rule] = merged.by_rule.get(rule, 0) + count


def _ledger_row(s: FileStats, contract_rejected: int) -> dict:
    quarantined = s.quarantined + contract_rejected
    return {
        "source": s.file.source, "kind": s.kind, "bytes": s.size,
        "status": "quarantined" if s.whole_file_rejected else "loaded", "duplicate_of": None,
        "rows_read": s.read, "rows_loaded": s.read - quarantined - s.skipped, "rows_quarantined": quarantined,
        "rows_skipped": s.skipped,
        "_delivery": s.file.delivery, "_source_file": s.file.relative, "_file_sha256": s.sha256, "_position": 0,
    }


def _delete_files(con: duckdb.DuckDBPyConnection, source: str, relatives: list[str]) -> None:
    con.register("reloaded_files", pd.DataFrame({"_source_file": relatives}))
    try:
        for table in (*TABLES_OF_SOURCE[source], "quarantine", "ledger"):
            con.execute(f"delete from raw.{table} where _source_file in (select _source_file from reloaded_files)")
    finally:
        con.unregister("reloaded_files")
