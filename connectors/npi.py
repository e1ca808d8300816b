"""National Provider Identifier check digit (Luhn over the 80840 card-issuer prefix, per CMS)."""

from __future__ import annotations

_PREFIX = "80840"


def _luhn_sum(digits: str) -> int:
    """Luhn sum of `digits` as if a check digit were to be appended (so the rightmost digit is doubled)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total


def npi_check_digit(first_nine: str) -> str:
    """The tenth digit that makes `first_nine` a valid NPI."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError(f"an NPI's first part is 9 digits, got {first_nine!r}")
    return str((10 - _luhn_sum(_PREFIX + first_nine) % 10) % 10)


def is_valid_npi(npi: str) -> bool:
    """True when `npi` is 10 digits, starts with 1 or 2, and its check digit is right."""
    if len(npi) != 10 or not npi.isdigit() or npi[0] not in "12":
        return False
    return npi_check_digit(npi[:9]) == npi[9]
