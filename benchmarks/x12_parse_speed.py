"""How fast the load path's X12 reader (`connectors.x12_reader.read_x12`) parses a demo practice's payer files.

For each practice size, generates the demo practice (`synthetic.generate.generate`, 36 months by
default) into a temporary folder, or reuses one given with --landing, reads every `.837`, `.835`
and `.277` under `payer/` into memory, and times `read_x12` over all of them, kind by kind. A
record is a claim (837 CLM), a claim payment (835 CLP) or a claim acknowledgement (277CA 2200D).

For comparison it times pyx12 on an evenly spread sample of the same files: its segment reader
(`pyx12.x12file.X12Reader`, iteration only, best of three runs) and its full validation
(`x12n_document`, through `connectors.x12_validate.validate_x12`, one run), with `read_x12` on the
very same sample (best of three).

    .venv/bin/python benchmarks/x12_parse_speed.py                       # 10 and 50 clinicians x 36 months
    .venv/bin/python benchmarks/x12_parse_speed.py --clinicians 10 --sample 30
    .venv/bin/python benchmarks/x12_parse_speed.py --landing data/landing  # an existing landing zone

The target (the load path): at least 20,000 records per second for every kind. The output ends
with PASS or FAIL against it.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.x12_reader import read_x12  # noqa: E402

TARGET_RECORDS_PER_SECOND = 20_000
KINDS = ("837", "835", "277")
RECORD_NAMES = {"837": "claims", "835": "claim payments", "277": "claim acks"}


@dataclass
class KindTiming:
    kind: str
    files: int = 0
    megabytes: float = 0.0
    records: int = 0
    quarantined: int = 0
    seconds: float = 0.0
    seconds_with_hash: float = 0.0

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    @property
    def rate_with_hash(self) -> float:
        return self.records / self.seconds_with_hash if self.seconds_with_hash else 0.0


def _payer_files(landing: Path) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {kind: [] for kind in KINDS}
    for path in sorted((landing / "payer").rglob("*")):
        kind = path.suffix[1:]
        if path.is_file() and kind in files:
            files[kind].append(path)
    return files


def time_reader(landing: Path) -> list[KindTiming]:
    """read_x12 over every payer file, by kind (the bytes are read into memory first: no disk time)."""
    out = []
    for kind, paths in _payer_files(landing).items():
        timing = KindTiming(kind, files=len(paths))
        blobs = [(path, path.read_bytes()) for path in paths]
        timing.megabytes = sum(len(b) for _, b in blobs) / 1e6
        relative = [path.relative_to(landing).as_posix() for path in paths]
        # read_x12 alone, on decoded text with a placeholder sha256
        texts = [blob.decode("latin-1") for _, blob in blobs]
        started = time.perf_counter()
        for path, rel, text in zip(paths, relative, texts):
            result = read_x12(text, delivery=path.parent.name, source_file=rel, file_sha256="0" * 64,
                              expected_kind=kind)
            timing.records += result.records_read
            timing.quarantined += result.records_quarantined
        timing.seconds = time.perf_counter() - started
        del texts
        # what the loader does per file besides: decode and sha256
        started = time.perf_counter()
        for (path, blob), rel in zip(blobs, relative):
            read_x12(blob.decode("latin-1"), delivery=path.parent.name, source_file=rel,
                     file_sha256=hashlib.sha256(blob).hexdigest(), expected_kind=kind)
        timing.seconds_with_hash = time.perf_counter() - started
        out.append(timing)
    return out


@dataclass
class Comparison:
    kind: str
    files: int
    records: int
    reader_seconds: float
    pyx12_reader_seconds: float
    pyx12_validate_seconds: float


def _count_records_pyx12(text: str) -> int:
    import pyx12.x12file

    count, patient_level = 0, False
    for segment in pyx12.x12file.X12Reader(io.StringIO(text)):
        seg_id = segment.get_seg_id()
        if seg_id in ("CLM", "CLP"):
            count += 1
        elif seg_id == "HL":
            patient_level = segment.get_value("HL03") == "PT"
        elif seg_id == "TRN" and patient_level and segment.get_value("TRN01") == "2":
            count += 1
    return count


def compare_with_pyx12(landing: Path, sample: int) -> list[Comparison]:
    """read_x12, pyx12's X12Reader and pyx12's full validation on the same evenly spread sample of files."""
    from connectors.x12_validate import validate_x12

    out = []
    for kind, paths in _payer_files(landing).items():
        if not paths:
            continue
        step = max(1, len(paths) // sample)
        chosen = paths[::step][:sample]
        texts = [path.read_text(encoding="latin-1") for path in chosen]
        reader_seconds = pyx12_reader_seconds = float("inf")
        for _ in range(3):  # best of three: the sample is small, so one run is noisy
            started = time.perf_counter()
            records = sum(read_x12(text, delivery="d", source_file="f", file_sha256="0" * 64,
                                   expected_kind=kind).records_read for text in texts)
            reader_seconds = min(reader_seconds, time.perf_counter() - started)
            started = time.perf_counter()
            pyx12_records = sum(_count_records_pyx12(text) for text in texts)
            pyx12_reader_seconds = min(pyx12_reader_seconds, time.perf_counter() - started)
        if pyx12_records != records:
            print(f"  note: pyx12 counts {pyx12_records} {kind} records in the sample, read_x12 {records}",
                  file=sys.stderr)
        started = time.perf_counter()
        invalid = sum(1 for text in texts if validate_x12(text))
        pyx12_validate_seconds = time.perf_counter() - started
        if invalid:
            print(f"  note: pyx12 found errors in {invalid} of the {kind} sample files", file=sys.stderr)
        out.append(Comparison(kind, len(texts), records, reader_seconds, pyx12_reader_seconds,
                              pyx12_validate_seconds))
    return out


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.rjust(w) for v, w in zip(row, widths)) for row in rows]
    return "\n".join(lines)


def report(label: str, timings: list[KindTiming], comparisons: list[Comparison]) -> bool:
    print(f"\n== {label}")
    rows = []
    for t in timings:
        rows.append((t.kind, RECORD_NAMES[t.kind], f"{t.files:,}", f"{t.megabytes:,.1f}", f"{t.records:,}",
                     f"{t.quarantined:,}", f"{t.seconds:.2f}", f"{t.rate:,.0f}", f"{t.rate_with_hash:,.0f}"))
    total_records = sum(t.records for t in timings)
    total_seconds = sum(t.seconds for t in timings)
    total_hash = sum(t.seconds_with_hash for t in timings)
    rows.append(("all", "records", f"{sum(t.files for t in timings):,}", f"{sum(t.megabytes for t in timings):,.1f}",
                 f"{total_records:,}", f"{sum(t.quarantined for t in timings):,}", f"{total_seconds:.2f}",
                 f"{total_records / total_seconds if total_seconds else 0:,.0f}",
                 f"{total_records / total_hash if total_hash else 0:,.0f}"))
    print(_table(("kind", "record", "files", "MB", "records", "quarantined", "read_x12 s", "records/s",
                  "+decode+sha256 /s"), rows))
    if comparisons:
        print("\npyx12 on an evenly spread sample of the same files (records/s; x = how many times slower than "
              "read_x12):")
        rows = []
        for c in comparisons:
            def rate(seconds: float) -> str:
                return f"{c.records / seconds:,.0f}" if seconds else "-"

            rows.append((c.kind, f"{c.files}", f"{c.records:,}", rate(c.reader_seconds), rate(c.pyx12_reader_seconds),
                         f"{c.pyx12_reader_seconds / c.reader_seconds:,.0f}x" if c.reader_seconds else "-",
                         rate(c.pyx12_validate_seconds),
                         f"{c.pyx12_validate_seconds / c.reader_seconds:,.0f}x" if c.reader_seconds else "-"))
        print(_table(("kind", "files", "records", "read_x12", "pyx12 X12Reader", "", "pyx12 x12n_document", ""),
                     rows))
    ok = all(t.rate >= TARGET_RECORDS_PER_SECOND for t in timings if t.records)
    slowest = min((t for t in timings if t.records), key=lambda t: t.rate, default=None)
    if slowest is not None:
        print(f"target >= {TARGET_RECORDS_PER_SECOND:,} records/s for every kind: {'PASS' if ok else 'FAIL'} "
              f"(slowest: {slowest.kind} at {slowest.rate:,.0f}/s)")
    return ok


def machine_line() -> str:
    load = os.getloadavg()
    return (f"{datetime.now().astimezone().isoformat(timespec='seconds')}  |  nproc {os.cpu_count()}  |  "
            f"Python {platform.python_version()}  |  {platform.platform()}  |  "
            f"load avg {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time read_x12 (and pyx12, for comparison) on demo practices.")
    parser.add_argument("--clinicians", type=int, nargs="+", default=[10, 50], metavar="N",
                        help="practice sizes to generate and time (default: 10 50)")
    parser.add_argument("--months", type=int, default=36, help="months per practice (default: 36)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default: 7)")
    parser.add_argument("--landing", type=Path, metavar="DIR",
                        help="time this existing landing zone instead of generating practices")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="generate into DIR/c<N>_m<M>/ and keep it (reused when it already exists)")
    parser.add_argument("--sample", type=int, default=20, metavar="K",
                        help="files per kind for the pyx12 comparison, 0 to skip it (default: 20)")
    args = parser.parse_args(argv)

    print(machine_line(), flush=True)
    results = []
    if args.landing:
        timings = time_reader(args.landing)
        comparisons = compare_with_pyx12(args.landing, args.sample) if args.sample else []
        results.append(report(f"landing zone {args.landing}", timings, comparisons))
        return 0 if all(results) else 1

    from synthetic.config import GeneratorConfig
    from synthetic.generate import generate

    scratch = Path(tempfile.mkdtemp(prefix="lantern-x12-speed-"))
    try:
        for clinicians in args.clinicians:
            folder = (args.keep or scratch) / f"c{clinicians}_m{args.months}"
            landing = folder / "landing"
            if not (args.keep and (landing / "payer").is_dir()):
                if folder.exists():
                    shutil.rmtree(folder)
                print(f"generating {clinicians} clinicians x {args.months} months ...", file=sys.stderr, flush=True)
                started = time.perf_counter()
                generate(GeneratorConfig(clinicians=clinicians, months=args.months, seed=args.seed), landing,
                         folder / "truth")
                print(f"  generated in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            timings = time_reader(landing)
            comparisons = compare_with_pyx12(landing, args.sample) if args.sample else []
            results.append(report(f"{clinicians} clinicians x {args.months} months (seed {args.seed})", timings,
                                  comparisons))
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
