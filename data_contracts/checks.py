"""Row-level facts the contracts need that a Great Expectations expectation cannot compute itself.

Each function takes a column (pandas Series) and returns a boolean Series: True where the value
passes. An empty value passes unless the column is required (the not-null rules say so).
Kept pure and vectorised where pandas can: they run over every row of every delivery.
"""

from __future__ import annotations

import pandas as pd

from connectors.npi import is_valid_npi

_OFFSET = r"(?:Z|[+-]\d{2}:\d{2})$"


def _blank(values: pd.Series) -> pd.Series:
    return values.isna() | (values.astype("string").str.len() == 0)


def timestamp_with_offset(values: pd.Series) -> pd.Series:
    """ISO 8601 timestamps that parse and state their UTC offset (inputs.md: '2025-03-04T09:00:00-06:00')."""
    text = values.astype("string")
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    ok = parsed.notna() & text.str.contains(_OFFSET, regex=True).fillna(False) & text.str.contains("T").fillna(False)
    return ok | _blank(values)


def iso_date(values: pd.Series) -> pd.Series:
    text = values.astype("string")
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return parsed.notna() | _blank(values)


def npi(values: pd.Series) -> pd.Series:
    return values.map(lambda v: v is None or v != v or v == "" or is_valid_npi(str(v))).astype(bool)


def not_after_delivery(values: pd.Series, deliveries: pd.Series) -> pd.Series:
    """Timestamps no later than the day after their delivery's date (when the delivery is named by a date).

    A row stamped after the export that carries it is a clock or keying error. True when the value
    or the delivery date does not parse: other rules report those.
    """
    stamps = pd.to_datetime(values.astype("string"), format="ISO8601", errors="coerce", utc=True)
    limits = pd.to_datetime(deliveries.astype("string"), format="%Y-%m-%d", errors="coerce").dt.tz_localize("UTC")
    return ~(stamps > limits + pd.Timedelta(days=1)).fillna(False)


def pairs_ordered(first: pd.Series, second: pd.Series) -> pd.Series:
    """`second` is not before `first` where both are present."""
    a = pd.to_datetime(first.astype("string"), format="ISO8601", errors="coerce", utc=True)
    b = pd.to_datetime(second.astype("string"), format="ISO8601", errors="coerce", utc=True)
    return ~(b < a).fillna(False)
