"""Evidence: where in a note the checker found what it reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """Where an element is stated: text[start:end] == text (character offsets into the note)."""

    start: int
    end: int
    text: str
