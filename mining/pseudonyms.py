"""Pseudonyms for patients and their records (issue 8): what the analyst role gets instead of MRNs, claim numbers
and other record ids in every file it exports (XES, OCEL, CSV).

A pseudonym is the keyed HMAC-SHA256 of `<kind>:<value>` under the practice's secret, its first
PSEUDONYM_HEX_DIGITS hex digits behind a prefix naming the kind: `pt-` and 16 hex digits for a patient's MRN. The
same value gets the same pseudonym in every file and every build of the practice, so an analyst can follow a patient
from the XES files to the OCEL file and the CSVs; without the secret nobody can compute the pseudonym of a known
MRN (an unkeyed hash of a 7-digit MRN is undone by hashing all ten million), and another practice's secret gives
other pseudonyms. The kind is hashed with the value so that claim "A1" and appointment "A1" get unrelated pseudonyms.

Pure functions: the secret comes in as bytes (orchestration.private_files reads or creates the practice's). This
module lives in `mining/` because the lowest package both the build (the XES and OCEL exports) and the dashboards
(CSV downloads) import is `mining/`; the identifier catalogue below names the warehouse's columns.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping

import pandas as pd

# kind -> the prefix of its pseudonyms
KINDS: dict[str, str] = {
    "patient": "pt",
    "referral": "rf",
    "appointment": "ap",
    "claim": "cl",
    "payment": "pm",
    "event": "ev",
    "encounter": "en",
    "note": "nt",
    "authorization": "au",
}
# 64 bits: among the demo's 1.3 million event ids the chance of any two sharing a pseudonym is about 5e-8, and
# `Pseudonymiser.series` refuses a collision rather than merge two records.
PSEUDONYM_HEX_DIGITS = 16
MIN_SECRET_BYTES = 32  # RFC 2104 advises a key no shorter than the hash's output

# The warehouse's columns that identify a patient or one of their records, and the kind of each: replaced by
# pseudonyms. `case_id` is a referral's id in a patient journey and a claim's in a claim case (CASE_ID_KINDS).
IDENTIFIER_COLUMNS: dict[str, str] = {
    "patient_mrn": "patient",
    "mrn": "patient",
    "referral_id": "referral",
    "appointment_id": "appointment",
    "first_session_appointment_id": "appointment",
    "claim_id": "claim",
    "payment_id": "payment",
    "event_id": "event",
    "encounter_id": "encounter",
    "note_id": "note",
    "final_note_id": "note",
    "authorization_id": "authorization",
    "prior_auth_number": "authorization",
}
CASE_ID_KINDS: dict[str, str] = {"patient_journey": "referral", "claim": "claim"}
# Direct identifiers (HIPAA's names, dates of birth, geography below the state, contact details, record and
# plan numbers that are not pseudonymised): dropped. `family_name` and `given_name` go in dim_clinicians too.
DIRECT_IDENTIFIERS: tuple[str, ...] = (
    "family_name", "given_name", "patient_name", "birth_date", "date_of_birth", "postal_code", "zip", "address",
    "address_line", "city", "phone", "telephone", "email", "ssn", "member_id", "subscriber_id",
    "patient_resource_id",
)


class PseudonymError(ValueError):
    pass


def pseudonym(secret: bytes, kind: str, value: str) -> str:
    """`<prefix>-<hex>`: HMAC-SHA256 of `<kind>:<value>` under `secret`, its first PSEUDONYM_HEX_DIGITS hex digits."""
    prefix = KINDS.get(kind)
    if prefix is None:
        raise PseudonymError(f"unknown identifier kind {kind!r}: one of {', '.join(KINDS)}")
    if len(secret) < MIN_SECRET_BYTES:
        raise PseudonymError(f"a pseudonym secret has at least {MIN_SECRET_BYTES} bytes, not {len(secret)}")
    digest = hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:PSEUDONYM_HEX_DIGITS]}"


class Pseudonymiser:
    """`pseudonym` under one secret, remembering what it computed (a patient's MRN recurs on each of their events).
    Its repr never shows the secret."""

    def __init__(self, secret: bytes) -> None:
        pseudonym(secret, "patient", "")  # checks the secret once, here
        self._secret = bytes(secret)
        self._known: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:
        return f"Pseudonymiser({len(self._known):,} pseudonyms computed)"

    def __call__(self, kind: str, value: object) -> str:
        key = (kind, str(value))
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = pseudonym(self._secret, kind, key[1])
        return found

    def mapping(self, kind: str, values: Iterable[object]) -> dict[object, str]:
        """Each distinct value (nulls left out) -> its pseudonym. Raises PseudonymError when two values share one."""
        values = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
        distinct = pd.unique(values.dropna())
        mapped = {value: self(kind, value) for value in distinct}
        if len(set(mapped.values())) < len(mapped):
            raise PseudonymError(f"two {kind} ids share a pseudonym: use more than {PSEUDONYM_HEX_DIGITS} hex digits")
        return mapped

    def series(self, kind: str, values: pd.Series) -> pd.Series:
        """The values replaced by their pseudonyms (as strings); nulls stay null."""
        return values.map(self.mapping(kind, values)).astype("string")


def pseudonymise_frame(
    frame: pd.DataFrame,
    pseudonymiser: Pseudonymiser,
    identifiers: Mapping[str, str] = IDENTIFIER_COLUMNS,
    drop: Iterable[str] = DIRECT_IDENTIFIERS,
) -> pd.DataFrame:
    """A copy of `frame` with its identifier columns (column -> kind, those it has) replaced by pseudonyms and its
    direct identifiers (those it has) dropped. A `case_id` column not named in `identifiers` is pseudonymised by its
    row's `case_type` (CASE_ID_KINDS); a frame with `case_id` and no `case_type` is refused, as is a case type
    without a kind, since its ids cannot be left in clear."""
    dropped = [column for column in drop if column in frame.columns]
    result = frame.drop(columns=dropped)
    for column, kind in identifiers.items():
        if column in result.columns:
            result[column] = pseudonymiser.series(kind, result[column])
    if "case_id" in result.columns and "case_id" not in identifiers:
        if "case_type" not in result.columns:
            raise PseudonymError("a case_id column without case_type: which kind of id it holds is unknown")
        unknown = set(result["case_type"].dropna().unique()) - set(CASE_ID_KINDS)
        if unknown:
            raise PseudonymError(f"case ids of case type {', '.join(sorted(map(str, unknown)))}: no pseudonym kind "
                                 f"(known: {', '.join(CASE_ID_KINDS)})")
        hidden = pd.Series(pd.NA, index=result.index, dtype="string")
        for case_type, kind in CASE_ID_KINDS.items():
            rows = result["case_type"] == case_type
            if rows.any():
                hidden[rows] = pseudonymiser.series(kind, result.loc[rows, "case_id"])
        result["case_id"] = hidden
    return result
