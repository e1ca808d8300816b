"""Accuracy of the documentation checker (`models.documentation.checker`) on hand-labelled notes.

    .venv/bin/python benchmarks/note_checker_accuracy.py                  # the held-out notes, tests/data/labelled_notes/
    .venv/bin/python benchmarks/note_checker_accuracy.py --rules-only     # the word lists alone
    .venv/bin/python benchmarks/note_checker_accuracy.py --cross-validate # 5 folds of the training notes
    .venv/bin/python benchmarks/note_checker_accuracy.py tests/data/dev_notes.jsonl --errors

The checker is measured as the warehouse runs it: word lists, and the sentence model (trained on
models/documentation/training_notes/ and the generator's notes) for the open-ended elements. --cross-validate
splits the training notes into 5 folds by note and scores each fold with a sentence model trained without it.

Each line of a file is a note: {"id", "style", "cpt", "minutes", "text", "elements": {element: bool},
"spans": {element: the hand-marked evidence, an exact substring of text}}. Printed, per rulebook element:
precision (notes the checker marks present that the label marks present / notes the checker marks present),
recall (notes both mark present / notes the label marks present), F1, support (notes the label marks
present), true and false positives and false negatives, and PASS/FAIL against the target of 0.95 for both
precision and recall; then the same per note style (F1 only, with support); then span accuracy: the share of
true positives whose evidence overlaps the hand-marked span (a span not found in the text counts as a miss).
Notes labelled "reviews_treatment_plan" (true/false, evidence under spans) are also scored on the checker's
treatment-plan review, which is not a rulebook element, in a table of its own. With --errors, every disagreement
is listed with the note's id and the checker's evidence.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.documentation.checker import DEFAULT_MODEL, check_notes  # noqa: E402
from models.documentation.evaluation import FOLDS, cross_validated_checks  # noqa: E402
from models.documentation.rulebook import ELEMENTS  # noqa: E402

TARGET = 0.95
DEFAULT_GLOB = "tests/data/labelled_notes/*.jsonl"  # held out: never trains the sentence model


def load_notes(paths: list[Path]) -> list[dict]:
    notes = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                note = json.loads(line)
                note["_source"] = f"{path.name}:{number}"
                notes.append(note)
    return notes


class Tally:
    """True positives, false positives, false negatives and true negatives of one element."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.tn = 0
        self.span_hits = 0

    def add(self, truth: bool, found: bool) -> None:
        if truth and found:
            self.tp += 1
        elif found:
            self.fp += 1
        elif truth:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


REVIEW = "reviews_treatment_plan"  # not a rulebook element: scored on the notes labelled with it


def evaluate(notes: list[dict], model=DEFAULT_MODEL, checks=None
             ) -> tuple[dict[str, Tally], dict[str, dict[str, Tally]], list[str], Tally]:
    overall = {e: Tally() for e in ELEMENTS}
    review = Tally()
    by_style: dict[str, dict[str, Tally]] = defaultdict(lambda: {e: Tally() for e in ELEMENTS})
    errors = []
    if checks is None:
        checks = check_notes([(n["text"], str(n.get("cpt") or ""), n.get("minutes")) for n in notes], model)
    for note, check in zip(notes, checks, strict=True):
        for element in ELEMENTS:
            truth = bool(note["elements"].get(element))
            found = check.has(element)
            overall[element].add(truth, found)
            by_style[note.get("style") or "?"][element].add(truth, found)
            evidence = check.element(element).evidence
            if truth and found:
                span = (note.get("spans") or {}).get(element)
                at = note["text"].find(span) if span else -1
                if at >= 0 and evidence.start < at + len(span) and at < evidence.end:
                    overall[element].span_hits += 1
            if truth != found:
                shown = evidence.text if evidence else (note.get("spans") or {}).get(element, "")
                errors.append(f"{'FP' if found else 'FN'} {element:<13} {note['id']} ({note['_source']}, "
                              f"{note.get('style')}): {shown[:160]!r}")
        if REVIEW in note:
            truth, found = bool(note[REVIEW]), check.reviews_treatment_plan
            review.add(truth, found)
            span = (note.get("spans") or {}).get("reviews_treatment_plan")
            evidence = check.treatment_plan_review
            if truth and found and span:
                at = note["text"].find(span)
                if at >= 0 and evidence.start < at + len(span) and at < evidence.end:
                    review.span_hits += 1
            if truth != found:
                shown = evidence.text if evidence else span or ""
                errors.append(f"{'FP' if found else 'FN'} plan_review   {note['id']} ({note['_source']}, "
                              f"{note.get('style')}): {shown[:160]!r}")
    return overall, by_style, errors, review


def report(overall: dict[str, Tally], by_style: dict[str, dict[str, Tally]]) -> str:
    lines = ["| element | precision | recall | F1 | support | TP | FP | FN | span overlap | target 0.95 |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for element, t in overall.items():
        verdict = "PASS" if t.precision >= TARGET and t.recall >= TARGET else "FAIL"
        span = f"{t.span_hits / t.tp:.3f}" if t.tp else "-"
        lines.append(f"| {element} | {t.precision:.3f} | {t.recall:.3f} | {t.f1:.3f} | {t.support} | {t.tp} | "
                     f"{t.fp} | {t.fn} | {span} | {verdict} |")
    lines += ["", "F1 (support) per style:", "",
              "| style | notes | " + " | ".join(ELEMENTS) + " |", "| --- " * (len(ELEMENTS) + 2) + "|"]
    for style, tallies in sorted(by_style.items()):
        notes = next(iter(tallies.values()))
        count = notes.tp + notes.fp + notes.fn + notes.tn
        cells = [f"{t.f1:.2f} ({t.support})" if t.support or t.fp else "-" for t in tallies.values()]
        lines.append(f"| {style} | {count} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help=f"JSONL files (default: {DEFAULT_GLOB})")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--rules-only", action="store_true", help="the word lists alone, without the sentence model")
    parser.add_argument("--cross-validate", action="store_true",
                        help=f"score the training notes in {FOLDS} folds, each with a model trained without it")
    args = parser.parse_args(argv)
    if args.cross_validate:
        paths = sorted((ROOT / "models" / "documentation" / "training_notes").glob("*.jsonl"))
    else:
        paths = args.files or sorted(ROOT.glob(DEFAULT_GLOB))
    if not paths:
        print(f"no labelled notes found ({DEFAULT_GLOB})")
        return 1
    notes = load_notes(paths)
    if args.cross_validate:
        checks = cross_validated_checks(notes)
        overall, by_style, errors, review = evaluate(notes, checks=checks)
    else:
        overall, by_style, errors, review = evaluate(notes, None if args.rules_only else DEFAULT_MODEL)
    print(f"{len(notes)} notes from {', '.join(str(p) for p in paths)}\n")
    print(report(overall, by_style))
    if review.tp + review.fp + review.fn + review.tn:
        span = f"{review.span_hits / review.tp:.3f}" if review.tp else "-"
        print(f"\nTreatment-plan review (not a rulebook element; {review.tp + review.fp + review.fn + review.tn} "
              f"labelled notes):\n\n| precision | recall | F1 | support | TP | FP | FN | span overlap |\n"
              f"| --- | --- | --- | --- | --- | --- | --- | --- |\n| {review.precision:.3f} | {review.recall:.3f} | "
              f"{review.f1:.3f} | {review.support} | {review.tp} | {review.fp} | {review.fn} | {span} |")
    if args.errors:
        print("\nDisagreements:")
        print("\n".join(errors) if errors else "none")
    passed = all(t.precision >= TARGET and t.recall >= TARGET for t in overall.values())
    print(f"\n{'PASS' if passed else 'FAIL'}: precision and recall >= {TARGET} for every element")
    return 0 if passed else 2


if __name__ == "__main__":
    sys.exit(main())
