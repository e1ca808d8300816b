"""Measuring the checker on labelled notes without flattering the sentence model: cross-validation by note."""

from __future__ import annotations

from collections.abc import Sequence

from models.documentation import sentences
from models.documentation.checker import NoteCheck, check_notes

FOLDS = 5


def cross_validated_checks(records: Sequence[dict], folds: int = FOLDS) -> list[NoteCheck]:
    """Each labelled record ({"text", "cpt", "minutes", "elements", "spans"}) checked with a sentence model trained
    on the other folds' records and the generator's notes, as the shipped model is; record i is in fold i % folds."""
    generated = sentences.generator_notes(sentences.GENERATOR_NOTES)
    checks: list[NoteCheck | None] = [None] * len(records)
    for fold in range(folds):
        model = sentences.train([*(sentences.labelled_note(r) for i, r in enumerate(records) if i % folds != fold),
                                 *generated])
        held = range(fold, len(records), folds)
        results = check_notes([(records[i]["text"], str(records[i].get("cpt") or ""), records[i].get("minutes"))
                               for i in held], model)
        for i, check in zip(held, results, strict=True):
            checks[i] = check
    return checks
