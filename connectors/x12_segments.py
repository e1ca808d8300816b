"""Split X12 text into segments with the separators each interchange's ISA declares.

Real files vary: the ISA's padding is sometimes collapsed (so index 105 is not the terminator),
segments may or may not be followed by line breaks, and some files end segments with a line
break alone. So the separators are read by counting the ISA's 16 elements, not by position.

One more variant is read: a file that puts the line break *before* the terminator, so that every
segment after the ISA starts with it (`...*^` line break `~GS*...`, as in TigerShark's 4010 835
samples). When the character after ISA16 is a line break and the next non-blank character is
neither a letter nor a digit (a segment id must start with one), that character is the terminator
and the line breaks are layout.

`iter_segments` walks a text segment by segment (the landing-zone summary uses it); `split_x12`
cuts a whole file into interchanges and stray text at C speed for the load path (`x12_reader`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_WHITESPACE = "\r\n\t \ufeff"
SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")  # X12's rule (and pyx12's): a letter, then 1 or 2 letters/digits

# ISA01..ISA16 and their fixed widths; the four padded with spaces are ISA02, ISA04, ISA06, ISA08.
ISA_WIDTHS = (0, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_PADDED = (2, 4, 6, 8)


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str
    component: str
    repetition: str  # ISA11 (the repetition separator in 5010; "U" in 4010 files)
    segment: str  # "\n" when segments end at line breaks alone


def read_delimiters(text: str, start: int = 0) -> tuple[Delimiters, int]:
    """The separators of the interchange whose ISA begins at `start`, and where the ISA segment ends.

    The returned offset is that of the ISA's terminator character (one past ISA16's value).
    Raises ValueError with the character position when there is no complete ISA header there.
    """
    if text[start:start + 3] != "ISA" or len(text) < start + 4:
        raise ValueError(f"expected an ISA header at character {start}")
    element = text[start + 3]
    if element.isalnum() or element in _WHITESPACE:
        raise ValueError(f"the ISA at character {start} has no element separator after 'ISA' ({element!r})")
    position = start + 3
    for _ in range(15):  # ISA01..ISA15 end at the 16th element separator
        position = text.find(element, position + 1)
        if position == -1:
            raise ValueError(f"incomplete ISA header at character {start}")
    if position + 2 >= len(text):
        raise ValueError(f"incomplete ISA header at character {start}")
    component = text[position + 1]
    end = position + 2
    terminator = text[end]
    if terminator in "\r\n":
        # A line break right after ISA16: the terminator, unless the next segment starts with a
        # separator character, which is then the real terminator (line breaks placed before it).
        following = end
        while following < len(text) and text[following] in _WHITESPACE:
            following += 1
        if following < len(text) and not text[following].isalnum() and text[following] not in (element, component):
            terminator, end = text[following], following
        else:
            terminator = "\n"
    if terminator.isalnum() or terminator in (element, component):
        raise ValueError(f"the ISA at character {start} declares no usable segment terminator ({terminator!r})")
    fields = text[start:position].split(element)
    repetition = fields[11] if len(fields) > 11 and len(fields[11]) == 1 else "^"
    return Delimiters(element, component, repetition, terminator), end


def isa_fields(text: str, start: int, end: int, delimiters: Delimiters) -> list[str]:
    """The ISA's elements (ISA00 = 'ISA' .. ISA16), from the ISA at `start` whose terminator is at `end`."""
    return text[start:end].strip(_WHITESPACE).split(delimiters.element)


def isa_problem(fields: list[str]) -> str | None:
    """Why an ISA header cannot be trusted, in plain words, or None.

    X12 fixes every ISA element's width, so the header is 106 characters and many readers take
    the separators from fixed positions. Files with collapsed padding (no element padded to its
    width, e.g. `ISA*00* *00* *ZZ*NVMED *...`) are common and read fine by counting elements.
    A header that *is* padded to fixed width but where one padded element is a character short
    or long is damaged: position-based readers see other separators than element counting does.
    """
    if len(fields) != 17:
        return f"the ISA header has {len(fields) - 1} elements instead of 16"
    full = [i for i in _PADDED if len(fields[i]) == ISA_WIDTHS[i]]
    off = [i for i in _PADDED if len(fields[i]) != ISA_WIDTHS[i] and fields[i].endswith(" ")]
    too_long = [i for i in _PADDED if len(fields[i]) > ISA_WIDTHS[i]]
    if too_long:
        i = too_long[0]
        return (f"ISA{i:02d} is {len(fields[i])} characters long where the standard fixes {ISA_WIDTHS[i]}: "
                f"the fixed-width header is damaged")
    if full and off:
        i = off[0]
        padded = ", ".join(f"ISA{j:02d}" for j in full)
        return (f"the ISA header is padded to fixed width ({padded} have their full width) but ISA{i:02d} has "
                f"{len(fields[i])} characters instead of {ISA_WIDTHS[i]}: the fixed-width header is damaged "
                f"(a character missing or extra), so readers that take the separators from their fixed "
                f"positions would read this file differently")
    return None


@dataclass(slots=True)
class Interchange:
    """One ISA..IEA (or ISA..wherever the text ends, when `complete` is False)."""

    delimiters: Delimiters
    first: int  # 1-based segment number, in the whole file, of the ISA
    segments: list[list[str]]  # every segment's elements, ISA first
    complete: bool  # ends with an IEA
    problem: str | None = None  # why the ISA header cannot be trusted (see isa_problem)


@dataclass(slots=True)
class Stray:
    """Text outside any interchange: before the first ISA, or between an IEA and the next ISA."""

    first: int  # 1-based segment number of its first segment (1 for text before any ISA)
    text: str
    segments: list[list[str]] = field(default_factory=list)  # split with the previous interchange's separators
    delimiters: Delimiters | None = None


def _split_chunk(chunk: str, delimiters: Delimiters) -> list[list[str]]:
    """Segments of a stretch of text, each split into its elements; blank segments are dropped."""
    terminator, element = delimiters.segment, delimiters.element
    if terminator == "\n":
        chunk = chunk.replace("\r", "\n")
    else:
        # Line breaks are layout when the terminator is a character of its own.
        if "\n" in chunk:
            chunk = chunk.replace("\n", "")
        if "\r" in chunk:
            chunk = chunk.replace("\r", "")
    out = []
    append = out.append
    for raw in chunk.split(terminator):
        if not raw:
            continue
        if raw[0] in _WHITESPACE or raw[-1] in _WHITESPACE:
            raw = raw.strip(_WHITESPACE)
            if not raw:
                continue
        append(raw.split(element))
    return out


def _find_segment(text: str, seg_id: str, start: int, delimiters: Delimiters) -> int:
    """Offset of the next segment `seg_id` at or after `start` that begins a segment, or -1.

    A segment begins after the terminator (or a line break) and any blank space; the id must be
    followed by a separator (for the ISA any character that is not a letter, digit or space, since
    the next interchange may declare other separators). str.find does the scanning.
    """
    terminator, element = delimiters.segment, delimiters.element
    position = start
    while True:
        position = text.find(seg_id, position)
        if position == -1:
            return -1
        after = text[position + 3:position + 4]
        follows = (after == element) if seg_id != "ISA" else (after != "" and not after.isalnum()
                                                               and after not in _WHITESPACE)
        if follows:
            before = position - 1
            while before >= start and text[before] in _WHITESPACE and text[before] not in "\r\n":
                before -= 1
            if before < start or text[before] in (terminator, "\r", "\n"):
                return position
        position += 3


def split_x12(text: str) -> list[Interchange | Stray]:
    """Every interchange of `text` in order, and any text outside them, numbered by segment.

    Text before the first ISA makes a single Stray holding the whole text (the file is not an
    X12 interchange file). An interchange without an IEA ends where the next ISA starts or where
    the text ends. An ISA whose separators cannot be read ends the split with a Stray for the rest.
    """
    length = len(text)
    position = 0
    while position < length and text[position] in _WHITESPACE:
        position += 1
    if position >= length:
        return []
    if not text.startswith("ISA", position):
        return [Stray(1, text)]
    parts: list[Interchange | Stray] = []
    number = 1
    last: Delimiters | None = None
    while position < length:
        if not text.startswith("ISA", position):
            # Stray text after an IEA: up to the next ISA.
            found = _find_segment(text, "ISA", position + 1, last) if last else -1
            end = found if found != -1 else length
            stray_text = text[position:end]
            segments = _split_chunk(stray_text, last) if last else []
            parts.append(Stray(number, stray_text, segments, last))
            number += max(1, len(segments))
            position = end
        else:
            try:
                delimiters, isa_end = read_delimiters(text, position)
            except ValueError:
                parts.append(Stray(number, text[position:]))
                return parts
            problem = isa_problem(isa_fields(text, position, isa_end, delimiters))
            iea = _find_segment(text, "IEA", isa_end, delimiters)
            next_isa = _find_segment(text, "ISA", isa_end, delimiters)
            if iea != -1 and (next_isa == -1 or iea < next_isa):
                end = text.find(delimiters.segment, iea + 3)
                end = length if end == -1 else end + 1
                complete = True
            else:
                end = next_isa if next_isa != -1 else length
                complete = False
            segments = _split_chunk(text[position:end], delimiters)
            parts.append(Interchange(delimiters, number, segments, complete, problem))
            number += len(segments)
            last = delimiters
            position = end
        while position < length and text[position] in _WHITESPACE:
            position += 1
    return parts


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
