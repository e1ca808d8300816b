"""How fast `lantern generate` builds the demo practice, and how much memory and disk it takes.

Runs `synthetic.generate.generate()` once per size, each in a fresh interpreter (multiprocessing
'spawn'), so that the peak resident memory reported is that size's alone. Writes into a temporary
folder that is deleted afterwards, unless --keep names a folder to keep the practices in.

    .venv/bin/python benchmarks/generate_speed.py                      # 10, 50, 200 clinicians x 36 months
    .venv/bin/python benchmarks/generate_speed.py --clinicians 50 --markdown

The target (issue: demo-practice generator): 50 clinicians x 36 months in under 60 s on a
2-core machine. The table ends with PASS or FAIL against it when that size was run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.connection
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

TARGET_CLINICIANS, TARGET_MONTHS, TARGET_SECONDS = 50, 36, 60.0


def _child(conn: multiprocessing.connection.Connection, clinicians: int, months: int, seed: int, messy: bool,
           landing: str, truth: str) -> None:
    """Runs in the spawned interpreter: one generation, then its figures and this process's peak RSS."""
    try:
        from synthetic.config import GeneratorConfig
        from synthetic.generate import generate

        config = GeneratorConfig(clinicians=clinicians, months=months, seed=seed, messy=messy)
        summary = generate(config, Path(landing), Path(truth))
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        conn.send({"ok": True, "seconds": summary.seconds, "counts": dict(summary.counts), "peak_kib": peak_kib})
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which prints it
        conn.send({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


@dataclass
class Result:
    clinicians: int
    months: int
    status: str = "ok"  # ok | failed | stopped
    note: str = ""
    claims: int = 0
    appointments: int = 0
    files: int = 0
    landing_bytes: int = 0
    truth_bytes: int = 0
    seconds: float = 0.0
    process_seconds: float = 0.0
    peak_kib: int = 0

    @property
    def mb_written(self) -> float:
        return (self.landing_bytes + self.truth_bytes) / 1e6

    @property
    def claims_per_second(self) -> float:
        return self.claims / self.seconds if self.seconds else 0.0


def _tree_bytes(folder: Path) -> int:
    total = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            total += os.path.getsize(os.path.join(root, name))
    return total


def _vm_hwm_kib(pid: int) -> int:
    """The process's peak resident set (VmHWM) so far, from /proc; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, ValueError):
        pass
    return 0


def run_size(clinicians: int, months: int, seed: int, messy: bool, folder: Path, limit_seconds: float,
             limit_kib: int) -> Result:
    result = Result(clinicians, months)
    landing, truth = folder / "landing", folder / "truth"
    ctx = multiprocessing.get_context("spawn")
    parent_end, child_end = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, name=f"generate-{clinicians}x{months}",
                       args=(child_end, clinicians, months, seed, messy, str(landing), str(truth)))
    started = time.perf_counter()
    proc.start()
    child_end.close()
    message, hwm = None, 0
    while True:
        if parent_end.poll(1.0):
            try:
                message = parent_end.recv()
            except EOFError:  # the child died without sending
                pass
            break
        hwm = max(hwm, _vm_hwm_kib(proc.pid))
        elapsed = time.perf_counter() - started
        if elapsed > limit_seconds or hwm > limit_kib:
            proc.kill()  # only the child this function started
            proc.join()
            result.status = "stopped"
            result.note = (f"stopped after {elapsed:.0f} s" if elapsed > limit_seconds
                           else f"stopped at {hwm / 2**20:.1f} GiB peak RSS")
            result.process_seconds, result.peak_kib = elapsed, hwm
            return result
        if not proc.is_alive() and not parent_end.poll(0):
            break
    proc.join()
    result.process_seconds = time.perf_counter() - started
    if message is None:
        result.status, result.note = "failed", f"child exited with code {proc.exitcode} and no result"
        result.peak_kib = hwm
        return result
    if not message["ok"]:
        result.status, result.note = "failed", message["error"]
        result.peak_kib = hwm
        return result
    counts = message["counts"]
    result.seconds = message["seconds"]
    result.claims = counts.get("claims", 0)
    result.appointments = counts.get("appointments", 0)
    result.files = counts.get("files", 0)
    result.peak_kib = max(message["peak_kib"], hwm)
    result.landing_bytes = _tree_bytes(landing)
    result.truth_bytes = _tree_bytes(truth)
    return result


COLUMNS = ("clinicians", "months", "claims", "appointments", "files", "MB written", "wall s", "claims/s",
           "peak RSS MB", "status")


def _cells(r: Result) -> tuple[str, ...]:
    if r.status != "ok":
        peak = f"{r.peak_kib / 1024:,.0f}" if r.peak_kib else "-"
        return (str(r.clinicians), str(r.months), "-", "-", "-", "-", f"({r.process_seconds:.1f})", "-", peak,
                f"{r.status}: {r.note}")
    return (str(r.clinicians), str(r.months), f"{r.claims:,}", f"{r.appointments:,}", f"{r.files:,}",
            f"{r.mb_written:,.1f}", f"{r.seconds:.1f}", f"{r.claims_per_second:,.0f}", f"{r.peak_kib / 1024:,.0f}",
            "ok")


def print_table(results: list[Result], markdown: bool) -> None:
    rows = [_cells(r) for r in results]
    if markdown:
        print("| " + " | ".join(COLUMNS) + " |")
        print("|" + "|".join("---:" if i < len(COLUMNS) - 1 else "---" for i in range(len(COLUMNS))) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.rjust(w) for c, w in zip(COLUMNS, widths)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(v.rjust(w) if i < len(row) - 1 else v for i, (v, w) in enumerate(zip(row, widths))))


def machine_line() -> str:
    load = os.getloadavg()
    return (f"{datetime.now().astimezone().isoformat(timespec='seconds')}  |  nproc {os.cpu_count()} "
            f"(usable {len(os.sched_getaffinity(0))})  |  Python {platform.python_version()}  |  "
            f"{platform.platform()}  |  load avg {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time synthetic.generate.generate() at several practice sizes, one fresh process per size.")
    parser.add_argument("--clinicians", type=int, nargs="+", default=[10, 50, 200], metavar="N",
                        help="practice sizes to run (default: 10 50 200)")
    parser.add_argument("--months", type=int, nargs="+", default=[36], metavar="M",
                        help="reporting windows to run, each with every size (default: 36)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default: 7)")
    parser.add_argument("--messy", action="store_true", help="generate messy deliveries too")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the generated practices under DIR/c<N>_m<M>/ instead of deleting them")
    parser.add_argument("--limit-seconds", type=float, default=900.0,
                        help="kill a size that runs longer than this (default: 900 s)")
    parser.add_argument("--limit-gb", type=float, default=20.0,
                        help="kill a size whose peak RSS passes this many GiB (default: 20)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)

    print(machine_line(), flush=True)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="lantern-generate-speed-"))
    results: list[Result] = []
    try:
        for months in args.months:
            for clinicians in args.clinicians:
                name = f"c{clinicians}_m{months}"
                folder = (args.keep if args.keep else scratch) / name
                if folder.exists():
                    shutil.rmtree(folder)
                print(f"generating {clinicians} clinicians x {months} months ...", file=sys.stderr, flush=True)
                result = run_size(clinicians, months, args.seed, args.messy, folder, args.limit_seconds,
                                  int(args.limit_gb * 2**20))
                results.append(result)
                print(f"  {result.status}: {result.seconds or result.process_seconds:.1f} s, "
                      f"peak RSS {result.peak_kib / 1024:,.0f} MB {result.note}", file=sys.stderr, flush=True)
                if not args.keep:
                    shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"seed {args.seed}{', messy' if args.messy else ''}; wall s = generate() alone "
          f"(simulate + render + write + ground truth); MB written = landing zone + ground truth; "
          f"peak RSS = the size's own process")
    print_table(results, args.markdown)
    target = [r for r in results if r.clinicians == TARGET_CLINICIANS and r.months == TARGET_MONTHS]
    if target:
        r = target[0]
        verdict = "PASS" if r.status == "ok" and r.seconds < TARGET_SECONDS else "FAIL"
        took = f"{r.seconds:.1f} s" if r.status == "ok" else r.note or r.status
        print(f"target {TARGET_CLINICIANS} clinicians x {TARGET_MONTHS} months < {TARGET_SECONDS:.0f} s: "
              f"{verdict} ({took})")
    else:
        print(f"target {TARGET_CLINICIANS} clinicians x {TARGET_MONTHS} months < {TARGET_SECONDS:.0f} s: not run")
    return 0 if all(r.status == "ok" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
