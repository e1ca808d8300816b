"""Split X12 text into segments with the separators each interchange's ISA declares.

Real files vary: the ISA's padding is sometimes collapsed (so index 105 is not the terminator),
segments may or may not be followed by line breaks, and some files end segments with a line
break alone. So the separators are read by counting the ISA's 16 elements, not by position.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

_WHITESPACE = "\r\n\t \ufeff"


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str
    component: str
    repetition: str  # ISA11 (the repetition separator in 5010; "U" in 4010 files)
    segment: str  # "\n" when segments end at line breaks alone


def read_delimiters(text: str, start: int = 0) -> tuple[Delimiters, int]:
    """The separators of the interchange whose ISA begins at `start`, and where the ISA segment ends.

    Raises ValueError with the character position when there is no complete ISA header there.
    """
    if text[start:start + 3] != "ISA" or len(text) < start + 4:
        raise ValueError(f"expected an ISA header at character {start}")
    element = text[start + 3]
    position = start + 3
    for _ in range(15):  # ISA01..ISA15 end at the 16th element separator
        position = text.find(element, position + 1)
        if position == -1:
            raise ValueError(f"incomplete ISA header at character {start}")
    if position + 2 >= len(text):
        raise ValueError(f"incomplete ISA header at character {start}")
    component = text[position + 1]
    terminator = text[position + 2]
    if terminator == "\r":
        terminator = "\n"
    fields = text[start:position].split(element)
    repetition = fields[11] if len(fields) > 11 and len(fields[11]) == 1 else "^"
    return Delimiters(element, component, repetition, terminator), position + 2


def iter_segments(text: str) -> Iterator[tuple[Delimiters, int, list[str]]]:
    """Yield (delimiters, character offset, elements) for every segment of every interchange in `text`.

    Text before the first ISA, or between an IEA and the next ISA, raises ValueError naming the
    offset. An interchange without its IEA simply ends where the text ends: callers that need a
    complete interchange check for the IEA themselves.
    """
    position, length = 0, len(text)
    while True:
        while position < length and text[position] in _WHITESPACE:
            position += 1
        if position >= length:
            return
        delimiters, _ = read_delimiters(text, position)
        terminator, element = delimiters.segment, delimiters.element
        while position < length:
            end = text.find(terminator, position)
            if end == -1:
                end = length
            raw = text[position:end].strip(_WHITESPACE)
            offset = position
            position = end + 1
            if not raw:
                continue
            fields = raw.split(element)
            yield delimiters, offset, fields
            if fields[0] == "IEA":
                break
