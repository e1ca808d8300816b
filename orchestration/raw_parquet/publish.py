"""Publish a practice's raw tables, delivery by delivery, as Parquet (see the package's docstring)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from connectors.raw_tables import ALL_TABLES, LEDGER, QUARANTINE

SQL = Path(__file__).with_name
# Tables whose rows belong to a delivery (their _delivery column); the ledger is published whole each time, since
# loading one delivery can mark a file of another as the duplicate (ledger_mark_duplicates.sql).
BY_DELIVERY = tuple(t.name for t in (*ALL_TABLES, QUARANTINE))
WHOLE = (LEDGER.name, "practice_payer_rules")
DEFAULT_PRACTICE_ID = "default"  # a single practice's, unless told otherwise
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class RawPublishError(ValueError):
    pass


@dataclass(frozen=True)
class Published:
    files_written: int
    files_removed: int
    rows: int


def check_name(kind: str, value: str) -> str:
    """A practice id or delivery name becomes a folder name: letters, digits, '.', '_' and '-' only."""
    if not _SAFE.match(value):
        raise RawPublishError(f"{kind} {value!r} cannot name a folder of the raw layer: use letters, digits, "
                              f"'.', '_' and '-', starting with a letter or digit")
    return value


def partition_folder(root: Path, table: str, practice_id: str, delivery: str | None = None) -> Path:
    folder = root / table / f"practice={check_name('practice id', practice_id)}"
    return folder if delivery is None else folder / f"delivery={check_name('delivery', delivery)}"


def publish_raw(con: duckdb.DuckDBPyConnection, root: Path, practice_id: str,
                deliveries: Iterable[str] | None = None) -> Published:
    """Publish `deliveries` (all the raw layer holds when None) of every delivery-keyed table, and the ledger and
    payer rules whole. A delivery that no longer has rows in a table loses that table's files. One pass over each
    table: DuckDB writes the deliveries' files into a scratch folder, then each replaces its partition's."""
    check_name("practice id", practice_id)
    existing = {t for (t,) in con.execute(SQL("raw_tables.sql").read_text()).fetchall()}
    if deliveries is None:
        wanted = {d for table in BY_DELIVERY if table in existing for (d,) in con.execute(
            f"select distinct _delivery from raw.{table} where _delivery is not null").fetchall()}
        wanted |= _published_deliveries(root, practice_id)
    else:
        wanted = set(deliveries)
    for delivery in wanted:
        check_name("delivery", delivery)
    root.mkdir(parents=True, exist_ok=True)
    con.execute("create or replace temporary table publishing_deliveries (delivery varchar)")
    if wanted:
        con.executemany("insert into publishing_deliveries values (?)", [[d] for d in sorted(wanted)])
    scratch = root / f".publishing-{practice_id}"
    written = removed = rows = 0
    with _one_thread(con):
        for table in BY_DELIVERY:
            if scratch.exists():
                shutil.rmtree(scratch)
            if table in existing and wanted:
                # One pass: COPY says how many rows it wrote; with none it writes no file. Sorted, so that a file's
                # bytes are its rows' whatever order the load inserted them in (a load's parallel joins keep none):
                # a practice loaded again, or beside others, publishes the same files.
                rows += con.execute(
                    f"copy (select ?::varchar as practice_id, * from raw.{table} "
                    f"where _delivery in (select delivery from publishing_deliveries) order by all) "
                    f"to '{_literal(scratch)}' "
                    f"(format parquet, compression zstd, partition_by (_delivery), write_partition_columns true)",
                    [practice_id]).fetchone()[0]
            for delivery in sorted(wanted):
                outcome = _replace_parts(sorted((scratch / f"_delivery={delivery}").glob("*.parquet")),
                                         partition_folder(root, table, practice_id, delivery))
                written, removed = written + outcome[0], removed + outcome[1]
    if scratch.exists():
        shutil.rmtree(scratch)
    for table in WHOLE:
        folder = partition_folder(root, table, practice_id)
        new_parts = []
        if table in existing:
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f".{table}.parquet.partial"
            count = con.execute(f"copy (select ?::varchar as practice_id, * from raw.{table} order by all) to "
                                f"'{_literal(partial)}' (format parquet, compression zstd)",
                                [practice_id]).fetchone()[0]
            if count:
                new_parts, rows = [partial], rows + count
            else:  # an empty table's file would hold only its columns: none is published, as for a delivery
                partial.unlink()
        outcome = _replace_parts(new_parts, folder)
        written, removed = written + outcome[0], removed + outcome[1]
    return Published(written, removed, rows)


@contextmanager
def _one_thread(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The connection on one thread meanwhile: with several, DuckDB's partitioned COPY writes each thread's part of
    a sorted result into the partition's file as it comes, interleaved differently from one run to the next
    (duckdb/duckdb#14349)."""
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    con.execute("set threads = 1")
    try:
        yield
    finally:
        con.execute(f"set threads = {int(threads)}")


def _published_deliveries(root: Path, practice_id: str) -> set[str]:
    """Deliveries with a file anywhere in the raw layer: so a delivery emptied since is cleared too."""
    names = set()
    for table in BY_DELIVERY:
        folder = partition_folder(root, table, practice_id)
        if folder.is_dir():
            names |= {p.name.removeprefix("delivery=") for p in folder.iterdir() if p.name.startswith("delivery=")}
    return names


def _replace_parts(new_parts: list[Path], folder: Path) -> tuple[int, int]:
    """Make `folder`'s part files the new ones (renamed, each atomically), removing any left over; (written,
    removed). A reader listing the folder mid-way may see a new part beside an old one, never half a file."""
    old = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    if new_parts:
        folder.mkdir(parents=True, exist_ok=True)
    for number, part in enumerate(new_parts):
        os.replace(part, folder / f"part-{number}.parquet")
    kept = {f"part-{number}.parquet" for number in range(len(new_parts))}
    stale = [p for p in old if p.name not in kept]
    for path in stale:
        path.unlink()
    return len(new_parts), len(stale)


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def remove_other_practices(root: Path, keep: set[str]) -> list[str]:
    """Remove every table's partition of a practice not in `keep` (one taken out of a network); their ids."""
    removed = set()
    if root.is_dir():
        for table_folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            for folder in sorted(table_folder.glob("practice=*")):
                practice_id = folder.name.removeprefix("practice=")
                if practice_id not in keep:
                    shutil.rmtree(folder)
                    removed.add(practice_id)
    return sorted(removed)
