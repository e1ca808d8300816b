"""Speed of the documentation checker (`models.documentation.checker.check_note`).

    .venv/bin/python benchmarks/note_checker_speed.py                 # 1k, 10k and 100k notes
    .venv/bin/python benchmarks/note_checker_speed.py --notes 1000 --notes 5000

The notes are the demo generator's (`synthetic.notes.compose_note`: every CPT code, style and register, each
element present with probability 0.7), mixed one in ten with the hand-written development notes
(tests/data/dev_notes.jsonl: SOAP, DAP, BIRP, narrative, AI-scribe, terse, checkbox forms), made before the
clock starts. Printed per size: notes per second by wall clock and by the process's CPU time (the machine is
shared, so the CPU figure is the steadier one), and microseconds per note; PASS/FAIL against the target of
2,000 notes per second (wall clock) at every size.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.documentation.checker import check_notes  # noqa: E402
from models.documentation.sentences import default_model  # noqa: E402
from models.documentation.rulebook import CPT_RULES, ELEMENTS  # noqa: E402
from synthetic.notes import compose_note  # noqa: E402

TARGET_NOTES_PER_SECOND = 2000
DEFAULT_SIZES = (1_000, 10_000, 100_000)
DIAGNOSES = ("F41.1", "F41.0", "F40.10", "F93.0", "F32.1", "F33.1", "F43.10", "F43.23", "F90.0", "F10.20", "F42.2")


def make_notes(count: int, seed: int = 7) -> list[tuple[str, str, float]]:
    """(text, cpt, minutes) for `count` notes: nine in ten from the generator, one in ten a development note."""
    rng = random.Random(seed)
    dev = [json.loads(line) for line in (ROOT / "tests" / "data" / "dev_notes.jsonl").read_text().splitlines()]
    cpts = tuple(CPT_RULES)
    start = datetime(2024, 1, 2, 9, 0, tzinfo=timezone(timedelta(hours=-6)))
    notes = []
    for i in range(count):
        if i % 10 == 9:
            note = dev[rng.randrange(len(dev))]
            notes.append((note["text"], note["cpt"], float(note["minutes"])))
            continue
        cpt = rng.choice(cpts)
        elements = frozenset(e for e in ELEMENTS if rng.random() < 0.7 and (e != "participants" or cpt in
                                                                             ("90846", "90847")))
        minutes = rng.randint(16, 95)
        begin = start + timedelta(days=rng.randrange(700), minutes=15 * rng.randrange(40))
        participants = {"90846": ("mother",), "90847": ("father", "patient")}.get(cpt, ())
        text = compose_note(rng, elements, cpt, begin, begin + timedelta(minutes=minutes), rng.choice(DIAGNOSES),
                            "Maria", participants)
        notes.append((text, cpt, float(minutes)))
    return notes


CHUNK = 20_000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, action="append", help="sizes to time (default 1k, 10k, 100k)")
    args = parser.parse_args(argv)
    sizes = tuple(args.notes or DEFAULT_SIZES)
    notes = make_notes(max(sizes))
    average = sum(len(text) for text, _, _ in notes) / len(notes)
    print(f"notes: generator's and development notes, {average:.0f} characters on average")
    started = time.perf_counter()
    model = default_model()
    print(f"training the sentence model (once per process): {time.perf_counter() - started:.1f} s\n")
    print("| reader | notes | wall s | notes/s (wall) | CPU s | notes/s (CPU) | µs per note | target 2,000/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    passed = True
    for reader, used in (("word lists", None), ("word lists + sentence model", model)):
        for size in sizes:
            batch = notes[:size]
            wall, cpu = time.perf_counter(), time.process_time()
            for begin in range(0, size, CHUNK):  # as marts.note_documentation reads them
                check_notes(batch[begin:begin + CHUNK], used)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            ok = size / wall >= TARGET_NOTES_PER_SECOND
            passed &= ok
            print(f"| {reader} | {size:,} | {wall:.2f} | {size / wall:,.0f} | {cpu:.2f} | {size / cpu:,.0f} | "
                  f"{wall / size * 1e6:.0f} | {'PASS' if ok else 'FAIL'} |")
    return 0 if passed else 2


if __name__ == "__main__":
    sys.exit(main())
