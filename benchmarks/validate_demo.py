"""Validate every file of a demo practice's landing zone, and time it.

Generates a practice (default 10 clinicians x 36 months, seed 7) into a temporary folder, or reads an
existing landing zone with --landing, and checks every file on 2 worker processes:

  * X12 (.837, .835, .277): the whole interchange with `connectors.x12_validate.validate_x12` (pyx12's
    5010 maps); records = claims (837 CLM, 835 CLP, 277CA patient-level HL).
  * FHIR NDJSON (.ndjson): every line parses as JSON, is a resource of the type the file is named after,
    and passes `connectors.fhir_validate.validate_fhir_resource`; no blank lines.
  * PM CSV (.csv): the header is exactly `synthetic.writers.pm_csv.COLUMNS[<file name>]`, every row has
    that many fields, the key (first column) is not empty, and the timestamp (`*_at`, `scheduled_start`;
    ISO 8601 with an offset) and date (`*_date`; ISO 8601) columns parse when filled.

Exits 1 if any file fails. With --messy, the deliberate defects in <truth>/messy.json must fail, and
for the right reason (e.g. the truncated 837 for its missing IEA, the bad NDJSON line as not JSON, at
the line messy.json names); they are reported as "expected defects caught" and do not count as failures.
The messy changes that are not defects (a re-sent 835, an 835 with other separators, a corrected
payment row) must validate clean.

    .venv/bin/python benchmarks/validate_demo.py
    .venv/bin/python benchmarks/validate_demo.py --messy
    .venv/bin/python benchmarks/validate_demo.py --landing data/landing --truth data/truth
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import logging
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

X12_SUFFIXES = {".837", ".835", ".277"}
MAX_ERRORS_PER_FILE = 25  # errors a worker sends back per file; the total count is always sent

# What each kind of deliberate defect must fail with. Kinds not listed must validate clean.
DEFECT_KINDS = {"truncated_interchange", "bad_ndjson_line", "malformed_csv_row", "missing_key_csv_row"}
CLEAN_KINDS = {"duplicate_file", "other_separators", "csv_row_updated"}


# ------------------------------------------------------------------------------------------------ worker side

@dataclass
class FileResult:
    rel: str
    kind: str  # "X12 837", "FHIR Encounter", "PM appointments.csv", ...
    records: int = 0
    failed_records: int = 0
    error_count: int = 0
    errors: list[tuple[int | None, str]] = field(default_factory=list)  # (line or None, message)
    seconds: float = 0.0
    sha256: str = ""

    def add(self, line: int | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_PER_FILE:
            self.errors.append((line, message))


def _init_worker() -> None:
    # pyx12 logs every error it finds to the "pyx12" logger too; the errors are returned, not printed.
    logging.getLogger("pyx12").addHandler(logging.NullHandler())
    logging.getLogger("pyx12").propagate = False
    # import the validators once per worker, not per file
    import connectors.fhir_validate  # noqa: F401
    import connectors.x12_validate  # noqa: F401


def _x12_records(text: str, kind: str) -> int:
    if len(text) < 106 or not text.startswith("ISA"):
        return 0
    element, terminator = text[3], text[105]
    count = 0
    for segment in text.split(terminator):
        parts = segment.strip().split(element)
        if kind == "837" and parts[0] == "CLM":
            count += 1
        elif kind == "835" and parts[0] == "CLP":
            count += 1
        elif kind == "277" and parts[0] == "HL" and len(parts) > 3 and parts[3] == "PT":
            count += 1
    return count


def _check_x12(result: FileResult, data: bytes, kind: str) -> None:
    from connectors.x12_validate import validate_x12

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.add(None, f"not UTF-8: {exc}")
        return
    result.records = _x12_records(text, kind)
    errors = validate_x12(text)
    for message in errors:
        result.add(None, message)
    result.failed_records = 1 if errors else 0  # pyx12 errors are per interchange, not per claim


def _check_ndjson(result: FileResult, data: bytes, resource_type: str) -> None:
    from connectors.fhir_validate import validate_fhir_resource

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.add(None, f"not UTF-8: {exc}")
        return
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            result.records += 1
            result.failed_records += 1
            result.add(number, "blank line")
            continue
        result.records += 1
        try:
            resource = json.loads(line)
        except json.JSONDecodeError as exc:
            result.failed_records += 1
            result.add(number, f"not valid JSON: {exc}")
            continue
        errors = validate_fhir_resource(resource)
        if isinstance(resource, dict) and resource.get("resourceType") != resource_type:
            errors = [f"resourceType {resource.get('resourceType')!r} in a {resource_type} file", *errors]
        if errors:
            result.failed_records += 1
            rid = resource.get("id") if isinstance(resource, dict) else None
            for message in errors:
                result.add(number, f"{message} (id {rid!r})" if rid else message)


def _is_timestamp_column(name: str) -> bool:
    return name.endswith("_at") or name == "scheduled_start"


def _is_date_column(name: str) -> bool:
    return name.endswith("_date")


def _check_csv(result: FileResult, data: bytes, name: str) -> None:
    from synthetic.writers.pm_csv import COLUMNS

    expected = COLUMNS.get(name)
    if expected is None:
        result.add(None, f"unknown PM table {name!r} (not in pm_csv.COLUMNS)")
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.add(None, f"not UTF-8: {exc}")
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        result.add(None, "empty file: no header")
        return
    if tuple(header) != tuple(expected):
        result.add(1, f"header {header} is not {list(expected)}")
    timestamps = [i for i, c in enumerate(expected) if _is_timestamp_column(c)]
    dates = [i for i, c in enumerate(expected) if _is_date_column(c)]
    width = len(expected)
    for row in reader:
        line = reader.line_num
        result.records += 1
        problems = []
        if len(row) != width:
            problems.append(f"{len(row)} fields, expected {width}")
        else:
            if not row[0]:
                problems.append(f"{expected[0]} is empty")
            for i in timestamps:
                value = row[i]
                if not value:
                    continue
                try:
                    parsed = datetime.fromisoformat(value)
                except ValueError:
                    problems.append(f"{expected[i]} is not a timestamp ({value!r})")
                    continue
                if parsed.tzinfo is None or "T" not in value:
                    problems.append(f"{expected[i]} is not an ISO timestamp with an offset ({value!r})")
            for i in dates:
                value = row[i]
                if not value:
                    continue
                try:
                    date.fromisoformat(value)
                except ValueError:
                    problems.append(f"{expected[i]} is not a date ({value!r})")
        if problems:
            result.failed_records += 1
            key = row[0] if row else ""
            for message in problems:
                result.add(line, f"{message} (key {key!r})" if key else message)


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in X12_SUFFIXES:
        return f"X12 {suffix[1:]}"
    if suffix == ".ndjson":
        return f"FHIR {path.name.split('.')[0]}"
    if suffix == ".csv":
        return f"PM {path.name}"
    return "other"


def check_file(path_str: str, rel: str) -> FileResult:
    started = time.perf_counter()
    path = Path(path_str)
    kind = kind_of(path)
    result = FileResult(rel=rel, kind=kind)
    data = path.read_bytes()
    result.sha256 = hashlib.sha256(data).hexdigest()
    if kind.startswith("X12 "):
        _check_x12(result, data, kind[4:])
    elif kind.startswith("FHIR "):
        _check_ndjson(result, data, kind[5:])
    elif kind.startswith("PM "):
        _check_csv(result, data, kind[3:])
    else:
        result.add(None, f"unexpected file in the landing zone ({path.suffix or 'no suffix'})")
    result.seconds = time.perf_counter() - started
    return result


# ------------------------------------------------------------------------------------------------ parent side

class Progress:
    def __init__(self, total: int, label: str):
        self.total, self.label = total, label
        self.started = time.perf_counter()
        self.last = 0.0
        self.tty = sys.stderr.isatty()

    def update(self, done: int, records: int, failing: int, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self.last < (0.25 if self.tty else 10.0):
            return
        self.last = now
        line = (f"{self.label}: {done:,}/{self.total:,} files ({100 * done / max(self.total, 1):.0f}%), "
                f"{records:,} records, {failing:,} failing, {now - self.started:.1f} s")
        print(("\r" + line) if self.tty else line, end="" if self.tty else "\n", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.tty:
            print(file=sys.stderr, flush=True)


def generate_practice(clinicians: int, months: int, seed: int, messy: bool, landing: Path, truth: Path) -> float:
    from synthetic.config import GeneratorConfig
    from synthetic.generate import generate

    tty = sys.stderr.isatty()

    def on_progress(stage: str, done: int, total: int) -> None:
        if tty:
            print(f"\rgenerating: {stage} {done}/{total}   ", end="", file=sys.stderr, flush=True)

    config = GeneratorConfig(clinicians=clinicians, months=months, seed=seed, messy=messy)
    print(f"generating {clinicians} clinicians x {months} months (seed {seed}{', messy' if messy else ''}) "
          f"into {landing.parent} ...", file=sys.stderr, flush=True)
    summary = generate(config, landing, truth, progress=on_progress)
    if tty:
        print(file=sys.stderr)
    print(f"generated {summary.counts.get('files', 0):,} files, {summary.counts.get('claims', 0):,} claims "
          f"in {summary.seconds:.1f} s", file=sys.stderr, flush=True)
    return summary.seconds


def landing_files(landing: Path) -> list[Path]:
    files = [p for p in landing.rglob("*") if p.is_file()]
    files.sort(key=lambda p: p.stat().st_size, reverse=True)  # biggest first: the two workers end together
    return files


@dataclass
class Expected:
    entry: dict
    caught: bool = False
    reason: str = ""


def _matches(entry: dict, line: int | None, message: str) -> bool:
    """Is this error the one the messy entry planted, for the right reason?"""
    kind = entry["kind"]
    if kind == "truncated_interchange":
        return "IEA" in message and "missing" in message
    if kind == "bad_ndjson_line":
        return line == entry.get("line") and message.startswith("not valid JSON")
    if kind == "malformed_csv_row":
        return line == entry.get("line") and message.startswith("scheduled_start is not a timestamp")
    if kind == "missing_key_csv_row":
        return line == entry.get("line") and message.startswith("payment_id is empty")
    return False


def _absorbs(entry: dict, line: int | None, matched_file: bool) -> bool:
    """Errors the planted defect explains (besides the one that matches): the whole truncated file;
    only the planted line for the line-level defects."""
    if entry["kind"] == "truncated_interchange":
        return matched_file
    return line == entry.get("line")


def judge_messy(messy: list[dict], results: dict[str, FileResult]
                ) -> tuple[list[Expected], list[str], list[dict], set[tuple[str, int]]]:
    """Returns the expected defects (caught or not), the problems with the other entries, the non-defect
    entries that validated clean, and the (rel, index) of each error that a planted defect explains."""
    expected: list[Expected] = []
    explained: set[tuple[str, int]] = set()
    for entry in messy:
        if entry.get("kind") not in DEFECT_KINDS:
            continue
        rel = entry.get("file")
        item = Expected(entry)
        expected.append(item)
        result = results.get(rel)
        if result is None:
            item.reason = "file not found in the landing zone"
            continue
        hits = [i for i, (line, msg) in enumerate(result.errors) if _matches(entry, line, msg)]
        if not hits:
            got = "; ".join(f"line {ln}: {m}" if ln else m for ln, m in result.errors[:3]) or "no error"
            item.reason = f"did not fail for the planted reason (got: {got})"
            continue
        item.caught = True
        line, msg = result.errors[hits[0]]
        item.reason = msg
        for i, (ln, _msg) in enumerate(result.errors):
            if _absorbs(entry, ln, True):
                explained.add((rel, i))

    clean_problems: list[str] = []
    clean_ok: list[dict] = []
    for entry in messy:
        before = len(clean_problems)
        kind, rel = entry.get("kind"), entry.get("file")
        if kind in DEFECT_KINDS:
            continue
        if kind not in CLEAN_KINDS:
            clean_problems.append(f"unknown messy kind {kind!r} ({rel}): not judged by this benchmark")
            continue
        result = results.get(rel)
        if result is None:
            clean_problems.append(f"{kind} {rel}: file not found in the landing zone")
            continue
        unexplained = result.error_count - sum(1 for i in range(len(result.errors)) if (rel, i) in explained)
        if unexplained:
            clean_problems.append(f"{kind} {rel}: should validate clean, has {unexplained} errors")
        if kind == "duplicate_file":
            original = results.get(entry.get("same_as", ""))
            if original is None or original.sha256 != result.sha256:
                clean_problems.append(f"duplicate_file {rel}: not byte-identical to {entry.get('same_as')}")
        if len(clean_problems) == before:
            clean_ok.append(entry)
    return expected, clean_problems, clean_ok, explained


def _error_pattern(message: str) -> str:
    """An error message without what varies between occurrences (control numbers, lines, ids, keys)."""
    message = re.sub(r"^(ISA|GS|ST) \w+ (line \d+ )?", "", message)
    message = re.sub(r" \((id|key) '[^']*'\)$", "", message)
    return re.sub(r"\b\d{6,}\b", "N", message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Validate every file of a demo practice's landing zone (X12 with pyx12, FHIR NDJSON with "
                    "fhir.resources, PM CSV against pm_csv.COLUMNS) on worker processes, and time it.")
    parser.add_argument("--clinicians", type=int, default=10, help="practice size to generate (default: 10)")
    parser.add_argument("--months", type=int, default=36, help="months to generate (default: 36)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default: 7)")
    parser.add_argument("--messy", action="store_true",
                        help="generate messy deliveries; the defects in <truth>/messy.json must fail for the "
                             "right reason and are not counted as failures")
    parser.add_argument("--landing", type=Path, metavar="DIR",
                        help="validate this existing landing zone instead of generating one")
    parser.add_argument("--truth", type=Path, metavar="DIR",
                        help="its ground-truth folder, for messy.json (default: <landing>/../truth)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate into DIR/landing and DIR/truth and keep them (default: a temp folder, "
                             "deleted afterwards)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default: 2, one per core)")
    parser.add_argument("--show", type=int, default=5, help="failures to print per kind (default: 5)")
    args = parser.parse_args(argv)

    load = os.getloadavg()
    print(f"{datetime.now().astimezone().isoformat(timespec='seconds')}  |  nproc {os.cpu_count()}  |  "
          f"Python {platform.python_version()}  |  {args.workers} workers  |  load avg {load[0]:.2f}", flush=True)

    scratch: Path | None = None
    generation_seconds = None
    try:
        if args.landing:
            landing = args.landing
            truth = args.truth or landing.parent / "truth"
            if not landing.is_dir():
                parser.error(f"--landing {landing} is not a folder")
            source = f"existing landing zone {landing}"
        else:
            if args.keep:
                base = args.keep
            else:
                base = scratch = Path(tempfile.mkdtemp(prefix="lantern-validate-demo-"))
            landing, truth = base / "landing", base / "truth"
            for folder in (landing, truth):
                if folder.exists():
                    shutil.rmtree(folder)
            generation_seconds = generate_practice(args.clinicians, args.months, args.seed, args.messy, landing,
                                                   truth)
            source = (f"{args.clinicians} clinicians x {args.months} months, seed {args.seed}"
                      f"{', messy' if args.messy else ', clean'}")

        messy: list[dict] = []
        if args.messy:
            messy_path = truth / "messy.json"
            if not messy_path.is_file():
                parser.error(f"--messy needs {messy_path} (pass --truth)")
            messy = json.loads(messy_path.read_text(encoding="utf-8"))

        files = landing_files(landing)
        total_bytes = sum(p.stat().st_size for p in files)
        progress = Progress(len(files), "validating")
        results: dict[str, FileResult] = {}
        records = failing = 0
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=args.workers, initializer=_init_worker) as pool:
            futures = {pool.submit(check_file, str(p), p.relative_to(landing).as_posix()): p for p in files}
            for future in as_completed(futures):
                result = future.result()
                results[result.rel] = result
                records += result.records
                failing += bool(result.error_count)
                progress.update(len(results), records, failing)
        progress.update(len(results), records, failing, force=True)
        progress.close()
        wall = time.perf_counter() - started
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)

    expected, clean_problems, clean_ok, explained = (judge_messy(messy, results) if args.messy
                                                     else ([], [], [], set()))

    # per-kind tallies, leaving out the errors a planted defect explains
    per_kind: dict[str, dict] = defaultdict(lambda: {"files": 0, "records": 0, "failed_files": 0,
                                                     "failed_records": 0, "errors": 0, "cpu": 0.0,
                                                     "examples": []})
    unexpected_total = 0
    for rel in sorted(results):
        r = results[rel]
        k = per_kind[r.kind]
        k["files"] += 1
        k["records"] += r.records
        k["cpu"] += r.seconds
        real = [(ln, msg) for i, (ln, msg) in enumerate(r.errors) if (rel, i) not in explained]
        hidden = r.error_count - len(r.errors)  # errors past MAX_ERRORS_PER_FILE are never explained away
        n_real = len(real) + hidden
        if n_real:
            unexpected_total += n_real
            k["failed_files"] += 1
            k["errors"] += n_real
            if len(real) == len(r.errors):
                k["failed_records"] += r.failed_records
            else:  # some errors were planted: count the records (lines) of the rest
                k["failed_records"] += max(1, len({ln for ln, _msg in real}))
            for ln, msg in real:
                k["examples"].append((rel, ln, msg))

    print(f"\nlanding zone: {source}")
    print(f"{len(files):,} files, {total_bytes / 1e6:,.1f} MB"
          + (f"; generated in {generation_seconds:.1f} s" if generation_seconds is not None else ""))
    header = ("kind", "files", "records", "failed files", "failed records", "errors", "worker s")
    order = sorted(per_kind, key=lambda k: (k.split()[0] != "X12", k.split()[0] != "FHIR", k))
    rows = [(k, f"{v['files']:,}", f"{v['records']:,}", f"{v['failed_files']:,}", f"{v['failed_records']:,}",
             f"{v['errors']:,}", f"{v['cpu']:.1f}") for k, v in ((k, per_kind[k]) for k in order)]
    tot = lambda key: sum(v[key] for v in per_kind.values())  # noqa: E731
    rows.append(("total", f"{tot('files'):,}", f"{tot('records'):,}", f"{tot('failed_files'):,}",
                 f"{tot('failed_records'):,}", f"{tot('errors'):,}", f"{tot('cpu'):.1f}"))
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths))))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths))))
    print(f"validated in {wall:.1f} s wall on {args.workers} workers "
          f"({tot('records') / wall:,.0f} records/s; worker CPU-seconds {tot('cpu'):.1f})")
    if args.messy and generation_seconds is None and not messy:
        print("note: messy.json is empty")

    for kind in order:
        examples = per_kind[kind]["examples"]
        if not examples:
            continue
        print(f"\nFAILURES {kind}: {per_kind[kind]['failed_files']} files, {per_kind[kind]['errors']} errors; "
              f"first {min(args.show, len(examples))}:")
        for rel, ln, msg in examples[:args.show]:
            print(f"  {rel}{f':{ln}' if ln else ''}: {msg}")
        groups: dict[str, list[str]] = defaultdict(list)
        for rel, _ln, msg in examples:
            groups[_error_pattern(msg)].append(rel)
        print(f"  by error ({len(groups)} distinct):")
        for pattern, rels in sorted(groups.items(), key=lambda item: -len(item[1])):
            print(f"    {len(rels):>6,} x {pattern}  (in {len(set(rels)):,} files, e.g. {rels[0]})")

    ok = unexpected_total == 0
    if args.messy:
        caught = sum(e.caught for e in expected)
        print(f"\nexpected defects caught: {caught} of {len(expected)}")
        for e in expected:
            mark = "caught" if e.caught else "MISSED"
            where = f"{e.entry['file']}" + (f":{e.entry['line']}" if "line" in e.entry else "")
            print(f"  {mark:6}  {e.entry['kind']:22} {where}: {e.reason}")
        non_defects = [m for m in messy if m.get("kind") in CLEAN_KINDS]
        print(f"messy changes that are not defects, valid as they should be: {len(clean_ok)} of {len(non_defects)}"
              + "".join(f"\n  valid   {e['kind']:22} {e['file']}" for e in clean_ok))
        for problem in clean_problems:
            print(f"  PROBLEM  {problem}")
        ok = ok and caught == len(expected) and not clean_problems
    print(f"\nresult: {'OK' if ok else 'FAILED'}"
          + ("" if unexpected_total == 0 else f" ({unexpected_total:,} unexpected errors)"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
