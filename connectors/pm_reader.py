"""Read one practice-management CSV export into its raw `pm_*` table (see `connectors.raw_tables`).

Pure: bytes in, `ReadResult` out. The file's name ("appointments.csv") picks the table
(`pm_appointments`); an unknown name raises ValueError. Values stay the strings written, "" included
(the raw PM tables are all VARCHAR; typing and parse checks are the data contracts' job).

- Encoding: UTF-8, a leading byte-order mark ignored. A row holding bytes that are not UTF-8 is
  quarantined (`not_utf8`, with the bad bytes shown as \\xNN in raw_text); the rest of the file loads.
- Lines: "\\r\\n", "\\n" (or a lone "\\r") end a line; RFC 4180 quoting, so a quoted field may hold
  commas, doubled quotes and line breaks. `_position` is the physical line the row starts on, the
  header being line 1, so a row after a quoted line break starts one line later than its row count.
  Blank lines are not records.
- Header: columns are matched by name, ignoring case and surrounding spaces, in any order. A required
  column missing (or named twice) -> the whole file is quarantined (`missing_column` /
  `duplicate_column`, location "file", raw_text the header line) and no row loads; every data row of
  the file counts as read and quarantined. Unknown extra columns are ignored and named in `warnings`.
- Rows: a row with another number of fields than the header -> `wrong_field_count`; a row whose key (the
  table's first column: payer_id, coverage_id, referral_id, check_id, auth_id, appointment_id,
  payment_id) is empty or blank -> `missing_key`; a row the csv module cannot parse (a field over its
  size limit, 128 KiB by default) -> `malformed_row` (a header it cannot parse: the whole file,
  `malformed_header`). Each quarantine record has "line N", the row's key when it has one
  and the row's physical lines as read.
- A 0-byte file or a header-only file gives 0 rows and no quarantine.
"""

from __future__ import annotations

import csv
import io
import re
from operator import itemgetter

from connectors.raw_tables import PM_TABLES, RawTable
from connectors.read_result import ReadResult, quarantine_record

TABLE_FOR_FILE: dict[str, RawTable] = {t.description: t for t in PM_TABLES}
_SURROGATE = re.compile("[\udc80-\udcff]")  # an undecodable byte, under errors="surrogateescape"


def table_for_file(file_name: str) -> RawTable:
    """The raw PM table a CSV file fills, by its base name; ValueError if it is not one of inputs.md's."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return TABLE_FOR_FILE[base]
    except KeyError:
        raise ValueError(f"{file_name!r} is not a practice-management export Lantern reads; "
                         f"expected one of {', '.join(sorted(TABLE_FOR_FILE))}") from None


def _shown(text: str, has_bad_bytes: bool) -> str:
    """Text as read, with undecodable bytes shown as \\xNN."""
    if has_bad_bytes:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


def read_pm_csv(data: bytes, *, file_name: str, delivery: str, source_file: str, file_sha256: str) -> ReadResult:
    """Raw rows (dicts of strings plus lineage) and quarantine records for one PM CSV file's bytes."""
    table = table_for_file(file_name)
    columns = tuple(c.name for c in table.columns)
    key_column = columns[0]
    names = table.column_names  # columns + lineage
    result = ReadResult(rows={table.name: []})
    out = result.rows[table.name]

    try:
        text = data.decode("utf-8")
        has_bad_bytes = False
    except UnicodeDecodeError:
        text = data.decode("utf-8", "surrogateescape")
        has_bad_bytes = True
    if text.startswith("\ufeff"):
        text = text[1:]

    lines = io.StringIO(text, newline="").readlines()  # physical lines, endings kept
    reader = csv.reader(lines)

    def reject(start: int, end: int, rule: str, reason: str, key: str | None) -> None:
        raw = "".join(lines[start - 1:end]).rstrip("\r\n")
        result.quarantine.append(quarantine_record(
            source="pm", table_name=table.name, location=f"line {start}", rule=rule, reason=reason,
            record_key=_shown(key, has_bad_bytes) if key else None, raw_text=_shown(raw, has_bad_bytes),
            delivery=delivery, source_file=source_file, file_sha256=file_sha256, position=start))

    # The header: the first non-blank record.
    header: list[str] | None = None
    header_end = 0
    whole_file_rule: tuple[str, str] | None = None
    try:
        for record in reader:
            if record:
                header = record
                header_end = reader.line_num
                break
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        header, header_end = [], reader.line_num
        whole_file_rule = ("malformed_header", f"the header row cannot be read as CSV: {exc}")
    if header is None:  # 0 bytes, or only blank lines
        return result

    wanted = [name.strip().lower() for name in header]
    index: dict[str, int] = {}
    duplicated = []
    for i, name in enumerate(wanted):
        if name in index and name in columns:
            duplicated.append(name)
        index.setdefault(name, i)
    missing = [c for c in columns if c not in index]
    extra = [_shown(header[i], has_bad_bytes) if name else "(unnamed)"
             for i, name in enumerate(wanted) if name not in columns]
    if extra:
        result.warnings.append(f"{source_file}: extra column(s) ignored: {', '.join(extra)}")
    if whole_file_rule is None and missing:
        whole_file_rule = ("missing_column", f"the header lacks required column(s): {', '.join(missing)}")
    elif whole_file_rule is None and duplicated:
        whole_file_rule = ("duplicate_column",
                           f"the header names column(s) more than once: {', '.join(sorted(set(duplicated)))}")

    width = len(header)
    pick = itemgetter(*(index[c] for c in columns)) if not whole_file_rule else None
    in_order = not whole_file_rule and width == len(columns) and all(index[c] == i for i, c in enumerate(columns))
    key_at = index.get(key_column, 0)
    lineage = (delivery, source_file, file_sha256)
    read = 0
    previous_end = header_end
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            read += 1
            reject(previous_end + 1, reader.line_num, "malformed_row", f"the row cannot be read as CSV: {exc}",
                   None)
            previous_end = reader.line_num
            continue
        start = previous_end + 1
        previous_end = reader.line_num
        if not record:
            continue  # a blank line
        read += 1
        if whole_file_rule:
            continue  # counted only: the file goes to quarantine whole
        if len(record) != width:
            key = record[key_at] if key_at < len(record) else None
            reject(start, previous_end, "wrong_field_count",
                   f"the row has {len(record)} field(s) but the header has {width}", key)
            continue
        key = record[key_at]
        if not key.strip():
            reject(start, previous_end, "missing_key", f"{key_column} is empty", None)
            continue
        if has_bad_bytes and _SURROGATE.search("".join(record)):
            reject(start, previous_end, "not_utf8", "the row holds bytes that are not UTF-8 text", key)
            continue
        values = record if in_order else pick(record)
        out.append(dict(zip(names, (*values, *lineage, start))))

    result.records_read = read
    if whole_file_rule:
        rule, reason = whole_file_rule
        result.quarantine.append(quarantine_record(
            source="pm", table_name=table.name, location="file", rule=rule, reason=reason, record_key=None,
            raw_text=_shown("".join(lines[:header_end]).rstrip("\r\n"), has_bad_bytes), delivery=delivery,
            source_file=source_file, file_sha256=file_sha256, position=None))
        result.records_quarantined = read
    else:
        result.records_quarantined = len(result.quarantine)
    result.records_loaded = len(out)
    return result
