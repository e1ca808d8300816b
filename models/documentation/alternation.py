"""Big regex alternations made fast for Python's `re`: the same alternatives, regrouped by first letter.

`re` tries the alternatives of an alternation one by one at every position; one that starts with a literal
character is ruled out with a single comparison, one that starts with a group is entered. `factored` spreads
leading groups ("(?:well|neatly) groomed" becomes "well groomed|neatly groomed") and regroups the alternatives
under their first letter, which makes the documentation checker's element patterns several times faster with
the same matches (a match may pick another of several alternatives that match at the same position, as a
regrouped alternation tries them in a different order).
"""

from __future__ import annotations

import re
from collections.abc import Iterator


def _structure(source: str) -> Iterator[tuple[int, str, int]]:
    """(position, character, group depth after it) for each character of a regex source that is neither escaped
    nor inside a character class."""
    depth, i, in_class = 0, 0, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        else:
            depth += (c == "(") - (c == ")")
            yield i, c, depth
        i += 1


def alternatives(source: str) -> list[str]:
    """The top-level alternatives of a regex source."""
    cuts = [i for i, c, depth in _structure(source) if c == "|" and depth == 0]
    return [source[start + 1:end] for start, end in zip([-1, *cuts], [*cuts, len(source)], strict=True)]


def leading_group(alternative: str) -> tuple[str, str] | None:
    """(inside, rest) when the alternative starts with a (?:...) group that no quantifier follows."""
    if not alternative.startswith("(?:"):
        return None
    for i, c, depth in _structure(alternative):
        if c == ")" and depth == 0:
            rest = alternative[i + 1:]
            if rest[:1] in ("?", "*", "+", "{"):
                return None
            return alternative[3:i], rest
    return None


def factored(sources: tuple[str, ...]) -> str:
    """The same alternation, regrouped by first letter so the regex engine rules out most alternatives at a
    position with one character comparison (it skips an alternative whose first item is a literal that does not
    match). A leading (?:a|b)rest is spread into a-rest and b-rest first. Alternatives that start otherwise are
    kept as written, after the grouped ones."""
    pending = [a for source in sources for a in alternatives(source)]
    grouped: dict[str, list[str]] = {}
    others: list[str] = []
    while pending:
        alternative = pending.pop(0)
        group = leading_group(alternative)
        if group is not None and "(?P<" not in group[1]:
            inside, rest = group
            pending[:0] = [a + rest for a in alternatives(inside)]
            continue
        first = alternative[:1]
        if first.isalnum() and alternative[1:2] not in ("?", "*", "+", "{"):
            grouped.setdefault(first, []).append(alternative[1:])
        else:
            others.append(alternative)
    return "|".join([re.escape(c) + "(?:" + "|".join(rest) + ")" for c, rest in grouped.items()] + others)
