"""The X12 reader of the load path: 837P, 835 and 277CA text -> raw-table rows and quarantine rows.

`read_x12(text, delivery=, source_file=, file_sha256=, expected_kind=)` returns an `X12ReadResult`:
rows for the raw tables of `connectors.raw_tables.X12_TABLES` (dicts keyed exactly by each table's
`column_names`, lineage included), quarantine rows keyed by `QUARANTINE.column_names`, and the
record counts the ledger reconciles (`records_read == records_loaded + records_quarantined`).
Pure functions: no I/O, no clock, no Dagster. The same text gives the same result.

What is read, loop by loop (the TR3s' names):

- 837P (005010X222A1, or any 005010X222 errata): BHT04+BHT05 submission time; 2000A/2010AA NM1*85
  billing NPI; 2000B SBR09 and 2010BA NM1*IL member id, 2010BB NM1*PR payer; optional 2000C PAT01;
  2300 CLM01/02/05, REF*G1, REF*F8, HI (diagnosis qualifiers ABK, ABF, BK, BF only: not BP/BO
  anesthesia procedures or BG condition codes), 2310B NM1*82 (the first NM1*82 before any 2320
  SBR or 2400 LX, so 2330D and 2420A providers are not taken for it); 2400 LX, SV1, DTP*472.
- 835 (005010X221A1): BPR, the first TRN, 1000A N1*PR + REF*2U, 1000B N1*PE; per 2100 CLP loop:
  CLP, CAS (claim level before the first SVC, service level after it), NM1*82, MOA03..07 remarks,
  DTM*232; per 2110 SVC loop: SVC, DTM*472 (or 150), CAS, LQ*HE. LQ before any SVC counts as a
  claim-level remark. PLB pairs (up to six per segment) after the claims. MIA is not read.
- 277CA (005010X214): 2100A NM1*PR payer; every 2200D (a TRN inside an HL*..*..*PT loop, up to the
  next TRN or HL): TRN02, the first claim-level STC (STC01-1/2/3, STC02, STC03, STC04), REF*1K,
  DTP*472. The 2220D service lines are not read.

Quarantine rules, largest part first: `empty_file`, `missing_isa` (text that does not start with an
ISA: the file), `malformed_isa`, `truncated_interchange` (no IEA: the interchange),
`text_outside_interchange`, `segment_outside_transaction`, `missing_se`, `segment_count_mismatch`,
`invalid_segment_id`, `undeclared_separator` (the interchange or transaction in which the separators
change without a new ISA: the elements of a segment separated by another character, or segments
ending with another terminator so that they run together), `unexpected_transaction_set`,
`unsupported_version` (the transaction), `unparseable_value`, `missing_key`, `unknown_claim_status`,
`duplicate_claim_id`, `negative_charge` (a CLM02 or an SV102 below zero; these quarantine the claim,
claim payment or acknowledgement, or its transaction or PLB, see below). Each row names
the segment (`segment 57 (CLP)`, or `file`), says what is wrong in plain words, and carries the
offending segments joined back with their terminators (cut at about 4 KB).

A record, for the counts, is a claim (837 CLM), a claim payment (835 CLP) or a claim acknowledgement
(277CA 2200D). Quarantine works on the smallest part that is wrong, and every record inside a
quarantined part counts as quarantined; a quarantined part that holds no record at all (a 999, a
transaction with no claims, stray text, a bad PLB) counts as one, so that a rejected file never
reads as an empty one.

Balances across records are the contracts' (`data_contracts`): CLM02 against the SV102s, CLP03 − CLP04
against the CAS amounts, BPR02 against the CLP04s minus the PLBs. Since a remittance's claim payments
quarantined here are not among the rows the contracts see, `unloaded_paid` gives, per remittance that
lost some, their CLP04 minus the amounts of its PLBs quarantined here, so BPR02 is balanced against the
claims as sent and one bad claim payment does not take its remittance's good ones along.

Decisions:

- 4010: 835s in 004010X091A1 are read. Every segment and element this reader takes from an 835
  (BPR, TRN, N1/REF*2U, CLP, CAS, NM1*82, MOA, DTM*232/472/150, SVC, LQ*HE, PLB) has the same
  position and meaning in 4010, and archived remittances from before the 2012 5010 mandate are real
  payment history. 837s in 004010X098A1 are quarantined (`unsupported_version`): a 4010 claim
  cannot have been accepted by any payer since 2012, so it is not part of the claim history the
  platform measures, and its diagnoses are ICD-9 (HI*BK) that the ICD-10 models do not read.
- 277s that are not 277CA (005010X214), such as the claim status response 005010X212 (the answer to
  a 276, or an unsolicited status some clearinghouses send as a receipt notice), are quarantined as
  `unexpected_transaction_set`. Their STC categories report where a claim is in adjudication
  (P pending, F finalized, A1 mere receipt) rather than whether it was accepted into it (A2/A3/A6/
  A7), their loops differ (2000D subscriber / 2000E dependent), and the 835 is the record of
  adjudication; loading them as claim acknowledgements would mislabel them.
- 837I and 837D (X223, X224), 999, 997, 270/271, 276 and any other set are quarantined as
  `unexpected_transaction_set`, and so is any transaction whose set differs from the file's
  extension (`expected_kind`).
- Envelope checks are liberal where nothing is lost: GE/IEA counts and control numbers, SE02 and HL
  numbering are not checked. SE01 is (a wrong count means segments were lost or added, and a payer's
  front end rejects such an 837 with a 999), and so is every segment id (X12's rule: a letter then
  one or two letters or digits); a transaction holding a segment whose id breaks it (`NM31`, `Nd4`,
  an empty id) is quarantined as `invalid_segment_id`, since the loop that segment belonged to can
  no longer be told. Many hand-edited public samples carry a stale SE01 (imsweb's 837s, TigerShark's
  835s); they are quarantined as `segment_count_mismatch`, and load once SE01 is corrected.
- An ISA padded to fixed width but with a padded element a character short or long is quarantined
  with its interchange (`malformed_isa`); collapsed padding is read (see `x12_segments.isa_problem`).
- A required value (CLM01, CLP01, TRN02: `missing_key`; CLM02, CLP03, CLP04, BPR02, BPR16, SVC02,
  SVC03, SV102, a CAS amount, a PLB amount: `unparseable_value` when empty) is required; optional
  values that are empty are None. CLP05 empty is 0, SVC05 empty is 1, as the table says.
- Numbers are read as written or not at all: an amount is whole cents under 10^16 and a quantity (units,
  CAS quantity) whole hundredths under 10^8, what the raw DECIMAL(18,2) and DECIMAL(10,2) columns hold
  (rounding would change the value); LX01 is at most 6 digits; digits are ASCII digits ('²' or '١' pass
  str.isdigit but are not X12 numbers). Anything else is `unparseable_value`.
- Unparseable values quarantine the smallest part that holds them: the claim (837 CLM loop, 835 CLP
  loop with its services, 277CA 2200D), the whole transaction for BHT (837) and BPR (835), and the
  PLB segment alone for a PLB.
- Text values are kept as written (no trimming), except the ISA's fixed-width sender id used as the
  835 payer id of last resort, whose padding is removed. Empty values are None. `diagnosis_codes`
  and `modifiers` are None when there are none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from connectors.raw_tables import QUARANTINE, X12_TABLES
from connectors.read_result import ReadResult
from connectors.x12_segments import SEGMENT_ID, Delimiters, Interchange, Stray, split_x12

X12_TABLE_NAMES = tuple(t.name for t in X12_TABLES)
VALID_CLAIM_STATUS = frozenset({"1", "2", "3", "4", "19", "20", "21", "22", "23", "25"})
DIAGNOSIS_QUALIFIERS = frozenset({"ABK", "ABF", "BK", "BF"})
KINDS = ("837", "835", "277")
RAW_TEXT_LIMIT = 4000  # characters of raw_text kept in a quarantine row

_ZERO = Decimal(0)
_ONE = Decimal(1)
_CENT = Decimal("0.01")
_MONEY_LIMIT = Decimal(10) ** 16  # DECIMAL(18,2)
_QUANTITY_LIMIT = Decimal(10) ** 8  # DECIMAL(10,2)
_MONEY = re.compile(r"-?(?:\d+\.?\d*|\.\d+)\Z")
_FOREIGN_SEPARATOR = re.compile(r"([A-Z][A-Z0-9]{1,2})([^A-Za-z0-9\s])")  # a segment id, then a separator
_RUN_TOGETHER = re.compile(r"([^A-Za-z0-9\s])([A-Z][A-Z0-9]{1,2})\Z")  # '0!SBR': a terminator, then the next id
_RUN_TOGETHER_CLAIM = re.compile(r"[^A-Za-z0-9\s](?:CLM|CLP)\Z")
_ENVELOPE = frozenset({"ISA", "GS", "GE", "IEA", "TA1"})
_TRANSACTION_BREAK = frozenset({"SE", "ST", "GS", "GE", "IEA", "ISA"})
_CLAIM_END_837 = frozenset({"CLM", "HL", "SE"})
_CLAIM_END_835 = frozenset({"CLP", "LX", "PLB", "SE"})
_ACK_END_277 = frozenset({"TRN", "HL", "SE"})
_SET_NAMES = {
    "999": "a 999 implementation acknowledgment",
    "997": "a 997 functional acknowledgment",
    "270": "a 270 eligibility inquiry",
    "271": "a 271 eligibility response",
    "276": "a 276 claim status inquiry",
    "278": "a 278 prior authorization request or response",
    "820": "an 820 premium payment",
    "834": "an 834 enrollment",
}
_RECORD_TABLE = {"837": "x12_claims", "835": "x12_claim_payments", "277": "x12_claim_acks"}
_TRANSACTION_TABLE = {"837": "x12_claims", "835": "x12_remittances", "277": "x12_claim_acks"}
_QUARANTINE_COLUMNS = QUARANTINE.column_names

_known_ids: set[str] = set()
_money_cache: dict[str, Decimal] = {}
_date_cache: dict[str, date] = {}


@dataclass(slots=True)
class X12ReadResult(ReadResult):
    transaction_sets: list[str] = field(default_factory=list)  # ST01 of every transaction seen, in order
    # remittance_key -> CLP04 of its claim payments quarantined here minus the amounts of its PLBs quarantined
    # here (None when one of them is not a number), for the contracts' BPR02 balance; absent when none was.
    unloaded_paid: dict[str, Decimal | None] = field(default_factory=dict)


class _Reject(Exception):
    """A part of the file that cannot be loaded: its rule, a plain-words reason, the offending segment."""

    def __init__(self, rule: str, reason: str, index: int | None = None):
        super().__init__(reason)
        self.rule, self.reason, self.index = rule, reason, index


# ------------------------------------------------------------------------------------------ values


def _v(f: list[str], i: int) -> str | None:
    """Element i of a segment as written, None when absent or empty."""
    return f[i] or None if len(f) > i else None


def _decimal(value: str, what: str) -> Decimal:
    """A money amount: a number the raw tables' DECIMAL(18,2) holds exactly (whole cents, under 10^16)."""
    found = _money_cache.get(value)
    if found is None:
        if not _MONEY.match(value):
            raise _Reject("unparseable_value", f"{what} is {value!r}, which is not a number")
        found = Decimal(value)
        # Stored as it is, or not at all: rounding would change the amount, and DuckDB refuses the excess.
        if abs(found) >= _MONEY_LIMIT:
            raise _Reject("unparseable_value", f"{what} is {value!r}, too large for an amount (at most 16 digits "
                                               f"before the decimal point)")
        if found != found.quantize(_CENT):
            raise _Reject("unparseable_value", f"{what} is {value!r}, which is a fraction of a cent (more than two "
                                               f"decimal places)")
        if len(_money_cache) < 50_000:
            _money_cache[value] = found
    return found


def _quantity(value: str, what: str) -> Decimal:
    """A quantity (units, CAS quantity): whole hundredths under 10^8, as DECIMAL(10,2) holds them."""
    found = _decimal(value, what)
    if abs(found) >= _QUANTITY_LIMIT:
        raise _Reject("unparseable_value", f"{what} is {value!r}, too large for a quantity (at most 8 digits "
                                           f"before the decimal point)")
    return found


def _required_money(f: list[str], i: int, what: str) -> Decimal:
    value = f[i] if len(f) > i else ""
    if not value:
        raise _Reject("unparseable_value", f"{what} is empty")
    return _decimal(value, what)


def _optional_money(f: list[str], i: int, what: str) -> Decimal | None:
    value = f[i] if len(f) > i else ""
    return _decimal(value, what) if value else None


def _digits(value: str) -> bool:
    """ASCII digits only: str.isdigit() also takes '²' or '١', which int() then refuses or X12 does not allow."""
    return value.isascii() and value.isdigit()


def _date(value: str, what: str) -> date:
    found = _date_cache.get(value)
    if found is None:
        try:
            if len(value) != 8 or not _digits(value):
                raise ValueError
            found = date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            raise _Reject("unparseable_value", f"{what} is {value!r}, which is not a CCYYMMDD date") from None
        if len(_date_cache) < 50_000:
            _date_cache[value] = found
    return found


def _required_date(f: list[str], i: int, what: str) -> date:
    value = f[i] if len(f) > i else ""
    if not value:
        hint = ""
        if len(f) == i and len(f[i - 1]) == 8 and f[i - 1].isdigit():
            hint = f" (the segment ends one element early with {f[i - 1]!r}, a date one position before its place)"
        raise _Reject("unparseable_value", f"{what} is empty{hint}")
    return _date(value, what)


def _period_start(f: list[str], qualifier_at: int, what: str) -> date | None:
    """The date of a DTP-style segment (format qualifier, then value): D8, or the first date of RD8."""
    value = f[qualifier_at + 1] if len(f) > qualifier_at + 1 else ""
    if not value:
        return None
    qualifier = f[qualifier_at]
    if qualifier == "RD8" or (qualifier != "D8" and "-" in value):
        value = value.split("-", 1)[0]
    elif qualifier not in ("D8", "") and len(value) > 8:  # DT (CCYYMMDDHHMM) and the like
        value = value[:8]
    return _date(value, what)


def _time_of_day(value: str, what: str) -> tuple[int, int, int, int]:
    """HHMM, HHMMSS, HHMMSSD or HHMMSSDD (X12 TM) as hour, minute, second, microsecond."""
    if len(value) not in (4, 6, 7, 8) or not _digits(value):
        raise _Reject("unparseable_value", f"{what} is {value!r}, which is not an HHMM or HHMMSS time")
    hour, minute = int(value[:2]), int(value[2:4])
    second = int(value[4:6]) if len(value) >= 6 else 0
    fraction = value[6:]
    micro = int(fraction.ljust(6, "0")) if fraction else 0
    if hour > 23 or minute > 59 or second > 59:
        raise _Reject("unparseable_value", f"{what} is {value!r}, which is not a time of day")
    return hour, minute, second, micro


def _components(value: str | None, separator: str) -> list[str]:
    return value.split(separator) if value else []


# ------------------------------------------------------------------------------------------ reader


class _Reader:
    def __init__(self, delivery: str, source_file: str, file_sha256: str, expected_kind: str | None):
        if expected_kind is not None and expected_kind not in KINDS:
            raise ValueError(f"expected_kind must be one of {KINDS} or None, got {expected_kind!r}")
        self.delivery, self.source_file, self.sha = delivery, source_file, file_sha256
        self.expected_kind = expected_kind
        self.rows: dict[str, list[dict]] = {name: [] for name in X12_TABLE_NAMES}
        self.quarantine: list[dict] = []
        self.loaded = 0
        self.quarantined = 0
        self.sets: list[str] = []
        self.unloaded_paid: dict[str, Decimal | None] = {}
        self.delimiters = Delimiters("*", ":", "^", "~")

    # ---------------------------------------------------------------------------- quarantine rows

    def _raw(self, segments: list[list[str]], start: int, end: int) -> str:
        element, terminator = self.delimiters.element, self.delimiters.segment
        pieces, size = [], 0
        for index in range(start, end):
            piece = element.join(segments[index]) + terminator
            pieces.append(piece)
            size += len(piece)
            if size > RAW_TEXT_LIMIT:
                left = end - index - 1
                text = "".join(pieces)[:RAW_TEXT_LIMIT]
                return text + (f" ... [cut: {left} more segments]" if left else " ... [cut]")
        return "".join(pieces)

    def _quarantine_row(self, table: str | None, location: str, rule: str, reason: str, record_key: str | None,
                        raw_text: str, position: int, records: int) -> None:
        row = dict(zip(_QUARANTINE_COLUMNS, (
            "payer", table, location, rule, reason, record_key, raw_text,
            self.delivery, self.source_file, self.sha, position,
        ), strict=True))
        self.quarantine.append(row)
        self.quarantined += max(1, records)

    def _quarantine_part(self, segments: list[list[str]], start: int, end: int, base: int, *, table: str | None,
                         location_index: int, rule: str, reason: str, record_key: str | None) -> None:
        """Quarantine segments[start:end]; location names segments[location_index]."""
        seg_id = segments[location_index][0][:20] if location_index < len(segments) else ""
        location = f"segment {base + location_index} ({seg_id})"
        self._quarantine_row(table, location, rule, reason, record_key, self._raw(segments, start, end),
                             base + start, _count_records(segments, start, end))

    # ---------------------------------------------------------------------------------- the file

    def read(self, text: str) -> None:
        parts = split_x12(text)
        if not parts:
            self._quarantine_row(None, "file", "empty_file", "the file is empty (or only blank space): it holds "
                                 "no X12 interchange", None, "", 1, 1)
            return
        first = parts[0]
        if isinstance(first, Stray) and first.first == 1 and len(parts) == 1 and not first.segments:
            start = first.text.lstrip("\r\n\t \ufeff")
            if start.startswith("ISA"):
                reason = ("the file starts with an ISA header whose separators cannot be read (it does not "
                          "hold the 16 elements an ISA must): nothing in it can be split into segments")
                rule = "malformed_isa"
            else:
                reason = (f"the file does not start with an ISA interchange header (it starts with "
                          f"{start[:40]!r}): X12 separators are declared by the ISA, so without one the "
                          f"file is not a readable interchange (an ST..SE fragment without its envelope?)")
                rule = "missing_isa"
            raw = first.text if len(first.text) <= RAW_TEXT_LIMIT else first.text[:RAW_TEXT_LIMIT] + " ... [cut]"
            self._quarantine_row(None, "file", rule, reason, None, raw, 1, _guess_record_count(first.text))
            return
        for part in parts:
            if isinstance(part, Interchange):
                self.delimiters = part.delimiters
                self._interchange(part)
            else:
                self._stray(part)

    def _stray(self, part: Stray) -> None:
        if part.delimiters is not None:
            self.delimiters = part.delimiters
        start = part.text.lstrip("\r\n\t \ufeff")
        if start.startswith("ISA"):
            reason = ("an ISA header whose separators cannot be read (it does not hold the 16 elements an ISA "
                      "must): the rest of the file cannot be split into segments")
            rule = "malformed_isa"
        else:
            reason = (f"text outside any interchange (after an IEA, before the next ISA), starting with "
                      f"{start[:40]!r}: it belongs to no ISA..IEA envelope")
            rule = "text_outside_interchange"
        raw = part.text if len(part.text) <= RAW_TEXT_LIMIT else part.text[:RAW_TEXT_LIMIT] + " ... [cut]"
        seg_id = (part.segments[0][0] if part.segments else start[:3])[:20]
        records = (_count_records(part.segments, 0, len(part.segments)) if part.segments
                   else _guess_record_count(part.text))
        self._quarantine_row(None, f"segment {part.first} ({seg_id})", rule, reason, None, raw, part.first, records)

    # ---------------------------------------------------------------------------- interchanges

    def _interchange(self, ic: Interchange) -> None:
        segments, base = ic.segments, ic.first
        isa = segments[0]
        control = isa[13].strip() if len(isa) > 13 else None
        count = len(segments)
        if ic.problem is not None:
            self._quarantine_part(segments, 0, count, base, table=None, location_index=0, rule="malformed_isa",
                                  reason=f"interchange {control}: {ic.problem}; "
                                         f"{_records_phrase(_count_records(segments, 0, count))}",
                                  record_key=control)
            return
        if not ic.complete:
            records = _count_records(segments, 0, count)
            switched = _separator_switch(segments, 0, count, base, ic.delimiters)
            if switched is not None:
                at, change = switched
                self._quarantine_part(
                    segments, 0, count, base, table=None, location_index=at, rule="undeclared_separator",
                    reason=(f"interchange {control} (ISA at segment {base}): {change}; neither the rest of the "
                            f"interchange nor its IEA can be read, so {_records_phrase(records)}"),
                    record_key=control)
                return
            self._quarantine_part(
                segments, 0, count, base, table=None, location_index=0, rule="truncated_interchange",
                reason=(f"interchange {control} (ISA at segment {base}) has no IEA: it stops after segment "
                        f"{base + count - 1} ({segments[-1][0][:20]}), so the file was cut off or spliced; "
                        f"{_records_phrase(records)} (a complete copy should be sent again)"),
                record_key=control)
            return
        sender = isa[6].strip() or None if len(isa) > 6 else None
        version = None
        index = 1
        while index < count:
            f = segments[index]
            seg_id = f[0]
            if seg_id == "ST":
                end = index + 1
                bad = None
                while end < count:
                    seg_id = segments[end][0]
                    if seg_id in _TRANSACTION_BREAK:
                        break
                    if seg_id not in _known_ids:
                        if SEGMENT_ID.match(seg_id):
                            _known_ids.add(seg_id)
                        elif bad is None:
                            bad = end
                    end += 1
                if end < count and segments[end][0] == "SE":
                    self._transaction(segments, index, end, base, version, control, sender, bad)
                    index = end + 1
                else:
                    st02 = _v(f, 2)
                    stop = f"segment {base + end} ({segments[end][0]})" if end < count else "the end of the file"
                    switched = _separator_switch(segments, index, end, base, self.delimiters)
                    at, rule = (switched[0], "undeclared_separator") if switched else (index, "missing_se")
                    reason = (f"transaction {st02} (ST at segment {base + index}): {switched[1]}; its SE cannot be "
                              f"found, so none of its records is loaded" if switched else
                              f"transaction {st02} (ST at segment {base + index}) has no SE: it runs into {stop}, "
                              f"so where it ends cannot be told; none of its records is loaded")
                    self._quarantine_part(
                        segments, index, end, base, table=_TRANSACTION_TABLE.get(_v(f, 1) or ""), location_index=at,
                        rule=rule, reason=reason, record_key=st02)
                    self.sets.append(_v(f, 1) or "")
                    index = end
            elif seg_id == "GS":
                version = _v(f, 8)
                index += 1
            elif seg_id in _ENVELOPE:
                index += 1
            else:
                end = index + 1
                while end < count and segments[end][0] not in ("ST", "GS", "GE", "IEA"):
                    end += 1
                self._quarantine_part(
                    segments, index, end, base, table=None, location_index=index, rule="segment_outside_transaction",
                    reason=(f"{end - index} segment(s) from segment {base + index} ({seg_id}) stand outside any "
                            f"ST..SE transaction, where X12 allows only envelope segments"),
                    record_key=None)
                index = end

    def _transaction(self, segments: list[list[str]], st: int, se: int, base: int, group_version: str | None,
                     interchange: str | None, sender: str | None, bad: int | None) -> None:
        f = segments[st]
        kind, control = _v(f, 1) or "", _v(f, 2)
        version = _v(f, 3) or group_version or ""
        self.sets.append(kind)
        table = _TRANSACTION_TABLE.get(kind)

        def reject(rule: str, reason: str, location: int = st) -> None:
            self._quarantine_part(segments, st, se + 1, base, table=table, location_index=location, rule=rule,
                                  reason=reason, record_key=control)

        if self.expected_kind is not None and kind != self.expected_kind:
            what = _SET_NAMES.get(kind, f"an {kind}" if kind[:1] == "8" else f"a {kind}")
            reject("unexpected_transaction_set",
                   f"transaction {control} is {what} (ST01 {kind!r}, {version or 'no version'}) inside a file "
                   f"named .{self.expected_kind}: a file must hold what its name says")
            return
        verdict = _version_verdict(kind, version)
        if verdict is not None:
            reject(*verdict)
            return
        if bad is not None:
            switched = _separator_switch(segments, bad, bad + 1, base, self.delimiters)
            if switched is not None:
                reject("undeclared_separator", f"transaction {control}: {switched[1]}; its loops cannot be told, "
                                               f"so none of the transaction's records is loaded", bad)
                return
            reject("invalid_segment_id",
                   f"transaction {control}: segment {base + bad} has {segments[bad][0]!r} where a segment id (a "
                   f"letter and one or two letters or digits) must be, so the loop it belonged to cannot be "
                   f"told; none of the transaction's records is loaded", bad)
            return
        declared = _v(segments[se], 1)
        actual = se - st + 1
        if not (declared and _digits(declared) and int(declared) == actual):
            said = f"SE01 says {declared} segments" if declared else "SE01 (the segment count) is empty"
            reject("segment_count_mismatch",
                   f"transaction {control}: {said} but ST..SE holds {actual}, "
                   f"so segments were lost or added in transit; none of its records is loaded", se)
            return
        try:
            if kind == "837":
                self._read_837(segments, st, se, base, control, interchange)
            elif kind == "835":
                self._read_835(segments, st, se, base, control, interchange, sender)
            else:
                self._read_277(segments, st, se, base, control)
        except _Reject as exc:
            index = exc.index if exc.index is not None else st
            reject(exc.rule, f"transaction {control}: {exc.reason}; none of its records is loaded", index)

    def _commit(self, rows: dict[str, list[dict]], quarantine: list[tuple], loaded: int) -> None:
        for name, table_rows in rows.items():
            self.rows[name].extend(table_rows)
        self.loaded += loaded
        for args in quarantine:
            self._quarantine_part(*args[:4], **args[4])

    # ------------------------------------------------------------------------------------- 837P

    def _read_837(self, segments: list[list[str]], st: int, se: int, base: int, control: str | None,
                  interchange: str | None) -> None:
        delivery, source_file, sha = self.delivery, self.source_file, self.sha
        component = self.delimiters.component
        claims: list[dict] = []
        lines: list[dict] = []
        rejected: list[tuple] = []
        seen: dict[str, int] = {}
        submitted = billing_npi = None
        filing = member = payer_id = payer_name = None
        in_patient = False
        patient_relationship = None
        index = st + 1
        while index < se:
            f = segments[index]
            seg_id = f[0]
            if seg_id == "CLM":
                end = index + 1
                while end < se and segments[end][0] not in _CLAIM_END_837:
                    end += 1
                position = base + index
                claim_id = _v(f, 1)
                key = f"{sha}:{position}"
                at = index
                try:
                    if claim_id is None:
                        raise _Reject("missing_key", "CLM01 (the patient control number) is empty")
                    first = seen.get(claim_id)
                    if first is not None:
                        raise _Reject("duplicate_claim_id",
                                      f"claim {claim_id} appears a second time in transaction {control} (first at "
                                      f"segment {first}): only the first occurrence is loaded")
                    seen[claim_id] = position
                    charge = _required_money(f, 2, "CLM02 (total charge)")
                    if charge < 0:
                        raise _Reject("negative_charge", f"CLM02 (total charge) is {f[2]}: a claim cannot charge a "
                                      f"negative amount")
                    clm05 = _components(_v(f, 5), component)
                    place = clm05[0] or None if clm05 else None
                    frequency = clm05[2] or None if len(clm05) > 2 else None
                    prior_auth = original = rendering = None
                    diagnoses: list[str] = []
                    claim_lines: list[dict] = []
                    line = None
                    in_other_payer = False
                    for at in range(index + 1, end):
                        g = segments[at]
                        gid = g[0]
                        if gid == "LX":
                            number_text = _v(g, 1)
                            if number_text is None or not _digits(number_text) or len(number_text) > 6:
                                raise _Reject("unparseable_value", f"LX01 (line number) is {number_text!r}, "
                                              f"not a whole number of at most 6 digits")
                            line = {
                                "claim_key": key, "line_number": int(number_text), "procedure_code": None,
                                "modifiers": None, "charge": None, "units": None, "place_of_service": None,
                                "service_date": None, "_delivery": delivery, "_source_file": source_file,
                                "_file_sha256": sha, "_position": base + at,
                            }
                            claim_lines.append(line)
                        elif line is not None:
                            if gid == "SV1":
                                if line["charge"] is not None:
                                    continue  # one SV1 per 2400 loop
                                procedure = _components(_v(g, 1), component)
                                line["procedure_code"] = procedure[1] or None if len(procedure) > 1 else None
                                modifiers = [m for m in procedure[2:6] if m]
                                line["modifiers"] = ",".join(modifiers) if modifiers else None
                                line["charge"] = _required_money(g, 2, "SV102 (line charge)")
                                if line["charge"] < 0:
                                    raise _Reject("negative_charge", f"SV102 (line charge) of service line "
                                                  f"{line['line_number']} is {g[2]}: a service cannot charge a "
                                                  f"negative amount")
                                units = _v(g, 4)
                                line["units"] = _quantity(units, "SV104 (units)") if units else None
                                line["place_of_service"] = _v(g, 5)
                            elif gid == "DTP" and len(g) > 1 and g[1] == "472" and line["service_date"] is None:
                                line["service_date"] = _period_start(g, 2, "DTP03 (date of service)")
                        elif gid == "REF":
                            qualifier = _v(g, 1)
                            if qualifier == "G1" and prior_auth is None:
                                prior_auth = _v(g, 2)
                            elif qualifier == "F8" and original is None:
                                original = _v(g, 2)
                        elif gid == "HI":
                            for element in g[1:13]:
                                parts = element.split(component)
                                if len(parts) > 1 and parts[0] in DIAGNOSIS_QUALIFIERS and parts[1]:
                                    diagnoses.append(parts[1])
                        elif gid == "NM1":
                            if rendering is None and not in_other_payer and len(g) > 1 and g[1] == "82":
                                rendering = _v(g, 9)
                        elif gid == "SBR":
                            in_other_payer = True  # 2320: its NM1 loops (2330A-G) are other payers' parties
                except _Reject as exc:
                    location = exc.index if exc.index is not None else at
                    rejected.append((segments, index, end, base, {
                        "table": "x12_claims", "location_index": location, "rule": exc.rule,
                        "reason": f"claim {claim_id} (CLM at segment {position}): {exc.reason}",
                        "record_key": claim_id}))
                else:
                    claims.append({
                        "claim_key": key, "claim_id": claim_id, "frequency_code": frequency,
                        "place_of_service": place, "total_charge": charge, "prior_auth": prior_auth,
                        "original_reference": original, "diagnosis_codes": ",".join(diagnoses) if diagnoses else None,
                        "payer_id": payer_id, "payer_name": payer_name, "claim_filing_code": filing,
                        "member_id": member, "relationship": patient_relationship if in_patient else "18",
                        "billing_npi": billing_npi, "rendering_npi": rendering or billing_npi,
                        "submitted_at_local": submitted, "transaction_control": control,
                        "interchange_control": interchange, "_delivery": delivery, "_source_file": source_file,
                        "_file_sha256": sha, "_position": position,
                    })
                    lines.extend(claim_lines)
                index = end
                continue
            if seg_id == "HL":
                level = _v(f, 3)
                if level == "20":
                    billing_npi = None
                    filing = member = payer_id = payer_name = None
                    in_patient, patient_relationship = False, None
                elif level == "22":
                    filing = member = payer_id = payer_name = None
                    in_patient, patient_relationship = False, None
                elif level == "23":
                    in_patient, patient_relationship = True, None
            elif seg_id == "NM1":
                entity = _v(f, 1)
                if entity == "85":
                    billing_npi = _v(f, 9)
                elif entity == "IL":
                    member = _v(f, 9)
                elif entity == "PR":
                    payer_name, payer_id = _v(f, 3), _v(f, 9)
            elif seg_id == "SBR":
                filing = _v(f, 9)
            elif seg_id == "PAT":
                patient_relationship = _v(f, 1)
            elif seg_id == "BHT" and submitted is None:
                try:
                    day = _required_date(f, 4, "BHT04 (creation date)")
                    clock = _v(f, 5)
                    if clock is None:
                        raise _Reject("unparseable_value", "BHT05 (creation time) is empty")
                    submitted = datetime(day.year, day.month, day.day, *_time_of_day(clock, "BHT05 (creation time)"))
                except _Reject as exc:
                    exc.index = index
                    raise
            index += 1
        self._commit({"x12_claims": claims, "x12_claim_lines": lines}, rejected, len(claims))

    # --------------------------------------------------------------------------------------- 835

    def _read_835(self, segments: list[list[str]], st: int, se: int, base: int, control: str | None,
                  interchange: str | None, sender: str | None) -> None:
        delivery, source_file, sha = self.delivery, self.source_file, self.sha
        component = self.delimiters.component
        remittance_key = f"{sha}:{base + st}"
        payments: list[dict] = []
        services: list[dict] = []
        adjustments: list[dict] = []
        remarks: list[dict] = []
        provider: list[dict] = []
        rejected: list[tuple] = []
        amount = credit_debit = method = paid_on = trace = None
        payer_name = payer_n104 = payer_2u = payee_npi = None
        party = None
        # What the claim payments and PLBs quarantined here add to BPR02's balance (None: an amount does not
        # parse), so the contracts check the remittance against its claims as sent, not only those loaded.
        unloaded: Decimal | None = _ZERO
        index = st + 1
        while index < se:
            f = segments[index]
            seg_id = f[0]
            if seg_id == "CLP":
                end = index + 1
                while end < se and segments[end][0] not in _CLAIM_END_835:
                    end += 1
                position = base + index
                key = f"{sha}:{position}"
                claim_id = _v(f, 1)
                at = index
                claim_services: list[dict] = []
                claim_adjustments: list[dict] = []
                claim_remarks: list[dict] = []
                try:
                    if claim_id is None:
                        raise _Reject("missing_key", "CLP01 (the patient control number) is empty")
                    status = _v(f, 2)
                    if status not in VALID_CLAIM_STATUS:
                        raise _Reject("unknown_claim_status",
                                      f"CLP02 (claim status) is {status!r}, not one of the codes an 835 uses "
                                      f"(1, 2, 3, 4, 19, 20, 21, 22, 23, 25)")
                    charge = _required_money(f, 3, "CLP03 (charge)")
                    paid = _required_money(f, 4, "CLP04 (paid)")
                    responsibility = _optional_money(f, 5, "CLP05 (patient responsibility)")
                    rendering = statement_from = first_service_date = None
                    service = None
                    service_key = None
                    for at in range(index + 1, end):
                        g = segments[at]
                        gid = g[0]
                        if gid == "CAS":
                            _cas(g, key, service_key, claim_adjustments, delivery, source_file, sha, base + at)
                        elif gid == "SVC":
                            service_key = f"{sha}:{base + at}"
                            procedure = _components(_v(g, 1), component)
                            modifiers = [m for m in procedure[2:6] if m]
                            units = _v(g, 5)
                            service = {
                                "service_payment_key": service_key, "claim_payment_key": key,
                                "procedure_code": procedure[1] or None if len(procedure) > 1 else None,
                                "modifiers": ",".join(modifiers) if modifiers else None,
                                "charge": _required_money(g, 2, "SVC02 (line charge)"),
                                "paid": _required_money(g, 3, "SVC03 (line paid)"),
                                "units": _quantity(units, "SVC05 (units paid)") if units else _ONE,
                                "service_date": None, "_delivery": delivery, "_source_file": source_file,
                                "_file_sha256": sha, "_position": base + at,
                            }
                            claim_services.append(service)
                        elif gid == "DTM":
                            qualifier = _v(g, 1)
                            if service is None:
                                if qualifier == "232" and statement_from is None:
                                    statement_from = _required_date(g, 2, "DTM*232 (claim statement from)")
                            elif qualifier in ("472", "150") and service["service_date"] is None:
                                service["service_date"] = _required_date(g, 2, f"DTM*{qualifier} (date of service)")
                                if first_service_date is None:
                                    first_service_date = service["service_date"]
                        elif gid == "LQ":
                            if _v(g, 1) == "HE" and _v(g, 2):
                                claim_remarks.append(_remark(key, service_key, g[2], delivery, source_file, sha,
                                                             base + at))
                        elif gid == "MOA":
                            for code in g[3:8]:
                                if code:
                                    claim_remarks.append(_remark(key, None, code, delivery, source_file, sha,
                                                                 base + at))
                        elif gid == "NM1":
                            if service is None and rendering is None and _v(g, 1) == "82":
                                rendering = _v(g, 9)
                except _Reject as exc:
                    unloaded = _add_amounts(unloaded, f[4:5], 1)
                    location = exc.index if exc.index is not None else at
                    rejected.append((segments, index, end, base, {
                        "table": "x12_claim_payments", "location_index": location, "rule": exc.rule,
                        "reason": f"claim payment {claim_id} (CLP at segment {position}): {exc.reason}",
                        "record_key": claim_id}))
                else:
                    payments.append({
                        "claim_payment_key": key, "remittance_key": remittance_key, "claim_id": claim_id,
                        "status_code": status, "charge": charge, "paid": paid,
                        "patient_responsibility": _ZERO if responsibility is None else responsibility,
                        "claim_filing_code": _v(f, 6), "payer_claim_control_number": _v(f, 7),
                        "place_of_service": _v(f, 8), "frequency_code": _v(f, 9), "rendering_npi": rendering,
                        "service_date": statement_from or first_service_date, "_delivery": delivery,
                        "_source_file": source_file, "_file_sha256": sha, "_position": position,
                    })
                    services.extend(claim_services)
                    adjustments.extend(claim_adjustments)
                    remarks.extend(claim_remarks)
                index = end
                continue
            if seg_id == "N1":
                party = _v(f, 1)
                if party == "PR":
                    payer_name, payer_n104 = _v(f, 2), _v(f, 4)
                elif party == "PE":
                    payee_npi = _v(f, 4) if _v(f, 3) == "XX" else None
            elif seg_id == "REF":
                if party == "PR" and _v(f, 1) == "2U" and payer_2u is None:
                    payer_2u = _v(f, 2)
            elif seg_id == "BPR":
                try:
                    amount = _required_money(f, 2, "BPR02 (payment amount)")
                    paid_on = _required_date(f, 16, "BPR16 (payment date)")
                except _Reject as exc:
                    exc.index = index
                    raise
                credit_debit, method = _v(f, 3), _v(f, 4)
            elif seg_id == "TRN":
                if trace is None:
                    trace = _v(f, 2)
            elif seg_id == "LX":
                party = None
            elif seg_id == "PLB":
                try:
                    provider.extend(_plb(f, remittance_key, component, delivery, source_file, sha, base + index))
                except _Reject as exc:
                    unloaded = _add_amounts(unloaded, [a for a in f[4:15:2] if a], -1)
                    rejected.append((segments, index, index + 1, base, {
                        "table": "x12_provider_adjustments", "location_index": index, "rule": exc.rule,
                        "reason": f"provider adjustment (PLB at segment {base + index}) of transaction {control}: "
                                  f"{exc.reason}; the rest of the remittance is loaded",
                        "record_key": control}))
            index += 1
        if rejected:
            self.unloaded_paid[remittance_key] = unloaded
        remittance = {
            "remittance_key": remittance_key, "payer_id": payer_2u or payer_n104 or sender,
            "payer_name": payer_name, "payment_amount": amount, "credit_debit": credit_debit,
            "payment_method": method, "payment_date": paid_on, "trace_number": trace, "payee_npi": payee_npi,
            "transaction_control": control, "interchange_control": interchange, "_delivery": delivery,
            "_source_file": source_file, "_file_sha256": sha, "_position": base + st,
        }
        self._commit({
            "x12_remittances": [remittance], "x12_claim_payments": payments, "x12_service_payments": services,
            "x12_adjustments": adjustments, "x12_remarks": remarks, "x12_provider_adjustments": provider,
        }, rejected, len(payments))

    # ------------------------------------------------------------------------------------- 277CA

    def _read_277(self, segments: list[list[str]], st: int, se: int, base: int, control: str | None) -> None:
        delivery, source_file, sha = self.delivery, self.source_file, self.sha
        component = self.delimiters.component
        acks: list[dict] = []
        rejected: list[tuple] = []
        payer_name = payer_id = None
        level = None
        index = st + 1
        while index < se:
            f = segments[index]
            seg_id = f[0]
            if seg_id == "HL":
                level = _v(f, 3)
            elif level == "PT" and seg_id == "TRN":
                end = index + 1
                while end < se and segments[end][0] not in _ACK_END_277:
                    end += 1
                position = base + index
                claim_id = _v(f, 2)
                at = index
                try:
                    if claim_id is None:
                        raise _Reject("missing_key", "TRN02 (the patient control number) is empty")
                    status = None
                    reference = service_date = None
                    for at in range(index + 1, end):
                        g = segments[at]
                        gid = g[0]
                        if gid == "SVC":
                            break  # 2220D service lines: not read
                        if gid == "STC" and status is None:
                            category = _components(_v(g, 1), component)
                            status = {
                                "status_category": category[0] or None if category else None,
                                "status_code": category[1] or None if len(category) > 1 else None,
                                "entity_code": category[2] or None if len(category) > 2 else None,
                                "action_code": _v(g, 3),
                                "status_date": _date(g[2], "STC02 (status date)") if _v(g, 2) else None,
                                "charge": _optional_money(g, 4, "STC04 (claim charge)"),
                            }
                        elif gid == "REF" and _v(g, 1) == "1K" and reference is None:
                            reference = _v(g, 2)
                        elif gid == "DTP" and _v(g, 1) == "472" and service_date is None:
                            service_date = _period_start(g, 2, "DTP03 (date of service)")
                except _Reject as exc:
                    location = exc.index if exc.index is not None else at
                    rejected.append((segments, index, end, base, {
                        "table": "x12_claim_acks", "location_index": location, "rule": exc.rule,
                        "reason": f"claim acknowledgement {claim_id} (TRN at segment {position}): {exc.reason}",
                        "record_key": claim_id}))
                else:
                    status = status or {}
                    acks.append({
                        "claim_id": claim_id, "status_category": status.get("status_category"),
                        "status_code": status.get("status_code"), "entity_code": status.get("entity_code"),
                        "action_code": status.get("action_code"), "status_date": status.get("status_date"),
                        "charge": status.get("charge"), "payer_claim_control_number": reference,
                        "service_date": service_date, "payer_name": payer_name, "payer_id": payer_id,
                        "transaction_control": control, "_delivery": delivery, "_source_file": source_file,
                        "_file_sha256": sha, "_position": position,
                    })
                index = end
                continue
            elif level == "20" and seg_id == "NM1" and _v(f, 1) == "PR":
                payer_name, payer_id = _v(f, 3), _v(f, 9)
            index += 1
        self._commit({"x12_claim_acks": acks}, rejected, len(acks))


# ------------------------------------------------------------------------------------- row helpers


def _cas(g: list[str], claim_key: str, service_key: str | None, out: list[dict], delivery: str, source_file: str,
         sha: str, position: int) -> None:
    group = g[1] or None if len(g) > 1 else None
    level = "service" if service_key else "claim"
    for at in range(2, min(len(g), 20), 3):
        reason = g[at]
        amount_text = g[at + 1] if len(g) > at + 1 else ""
        quantity_text = g[at + 2] if len(g) > at + 2 else ""
        if not reason:
            if amount_text or quantity_text:
                raise _Reject("unparseable_value", f"CAS{at:02d} (adjustment reason) is empty but an amount "
                                                   f"follows it")
            continue
        if not amount_text:
            raise _Reject("unparseable_value", f"CAS{at + 1:02d} (amount of adjustment {group}-{reason}) is empty")
        out.append({
            "claim_payment_key": claim_key, "service_payment_key": service_key, "level": level,
            "group_code": group, "reason_code": reason,
            "amount": _decimal(amount_text, f"CAS{at + 1:02d} (amount of adjustment {group}-{reason})"),
            "quantity": _quantity(quantity_text, f"CAS{at + 2:02d} (quantity of adjustment {group}-{reason})")
            if quantity_text else None,
            "_delivery": delivery, "_source_file": source_file, "_file_sha256": sha, "_position": position,
        })


def _remark(claim_key: str, service_key: str | None, code: str, delivery: str, source_file: str, sha: str,
            position: int) -> dict:
    return {
        "claim_payment_key": claim_key, "service_payment_key": service_key,
        "level": "service" if service_key else "claim", "remark_code": code,
        "_delivery": delivery, "_source_file": source_file, "_file_sha256": sha, "_position": position,
    }


def _plb(f: list[str], remittance_key: str, component: str, delivery: str, source_file: str, sha: str,
         position: int) -> list[dict]:
    provider_id = _v(f, 1)
    fiscal = _date(f[2], "PLB02 (fiscal period date)") if _v(f, 2) else None
    out = []
    for at in range(3, min(len(f), 15), 2):
        identifier = f[at]
        if not identifier:
            if len(f) > at + 1 and f[at + 1]:
                raise _Reject("unparseable_value", f"PLB{at:02d} (adjustment reason) is empty but an amount "
                                                   f"follows it")
            continue
        parts = identifier.split(component)
        out.append({
            "remittance_key": remittance_key, "provider_id": provider_id, "fiscal_period_date": fiscal,
            "reason_code": parts[0] or None, "reference": parts[1] or None if len(parts) > 1 else None,
            "amount": _required_money(f, at + 1, f"PLB{at + 1:02d} (amount of adjustment {parts[0]})"),
            "_delivery": delivery, "_source_file": source_file, "_file_sha256": sha, "_position": position,
        })
    return out


def _add_amounts(total: Decimal | None, amounts: list[str], sign: int) -> Decimal | None:
    """`total` plus `sign` times each amount as written; None once one is missing or not a number."""
    if total is None or not amounts or not all(_MONEY.match(a) for a in amounts):
        return None
    return total + sign * sum((Decimal(a) for a in amounts), _ZERO)


def _separator_switch(segments: list[list[str]], start: int, end: int, base: int,
                      delimiters: Delimiters) -> tuple[int, str] | None:
    """Where segments[start:end] stop using the separators their ISA declares, and how, in plain words; or None.

    Two signs. A segment id running into a character other than the element separator ('HL|3|1|22|0' read
    with '*' declared): elements are separated by another character. Elements ending in a character and a
    segment id seen elsewhere in the part, twice or more with the same character ('0!SBR', 'CI!NM1'): segments
    end with another terminator, so they run together. Asked only of a part already rejected, to say why.
    """
    ids = {f[0] for f in segments[start:end] if SEGMENT_ID.match(f[0])}
    for index in range(start, end):
        f = segments[index]
        shown = delimiters.element.join(f)[:40]
        found = _FOREIGN_SEPARATOR.match(f[0])
        if found and not SEGMENT_ID.match(f[0]) and found.group(2) != delimiters.element:
            return index, (f"from segment {base + index} ({shown!r}) on, elements are separated by {found.group(2)!r} "
                           f"where the ISA declares {delimiters.element!r}: the separators changed without a new "
                           f"ISA header")
        ends = [m.group(1) for element in f[1:] if (m := _RUN_TOGETHER.search(element)) and m.group(2) in ids]
        if len(ends) >= 2 and ends.count(ends[0]) >= 2 and ends[0] not in (
                delimiters.segment, delimiters.component, delimiters.repetition):
            return index, (f"from segment {base + index} ({shown!r}) on, segments end with {ends[0]!r} where the "
                           f"ISA declares {delimiters.segment!r}, so they run together: the separators changed "
                           f"without a new ISA header")
    return None


def _count_records(segments: list[list[str]], start: int, end: int) -> int:
    """Claims, claim payments and claim acknowledgements (TRN*2 in a patient-level HL) in segments[start:end]."""
    count = 0
    patient_level = False
    for index in range(start, end):
        f = segments[index]
        seg_id = f[0]
        if seg_id == "CLM" or seg_id == "CLP":
            count += 1
        elif seg_id[:3] in ("CLM", "CLP") and _FOREIGN_SEPARATOR.match(seg_id):
            count += 1  # a claim written with an element separator the ISA does not declare
        elif seg_id == "HL":
            patient_level = len(f) > 3 and f[3] in ("PT", "22", "23")
        elif seg_id == "TRN" and patient_level and len(f) > 1 and f[1] == "2":
            count += 1
        # Claims that ran into the segment before them (segments ended with another terminator than the ISA's).
        count += sum(1 for element in f[1:] if _RUN_TOGETHER_CLAIM.search(element))
    return count


def _records_phrase(records: int) -> str:
    if records == 0:
        return "it holds no claim, claim payment or acknowledgement"
    if records == 1:
        return "its one record is not loaded"
    return f"none of its {records} records is loaded"


def _guess_record_count(text: str) -> int:
    """Best effort for text without an ISA: split on a guessed element separator and terminator."""
    found = re.search(r"([A-Z][A-Z0-9]{1,2})([^A-Za-z0-9\s])", text)
    if not found:
        return 1
    element = found.group(2)
    after = re.search(rf"([^A-Za-z0-9\s{re.escape(element)}])\s*[A-Z][A-Z0-9]{{1,2}}{re.escape(element)}",
                      text[found.end():])
    terminator = after.group(1) if after else "\n"
    segments = [raw.strip().split(element) for raw in text.split(terminator) if raw.strip()]
    return _count_records(segments, 0, len(segments))


def _version_verdict(kind: str, version: str) -> tuple[str, str] | None:
    """None when the reader reads this transaction set and version, else (rule, reason)."""
    shown = version or "no version given"
    if kind == "837":
        if "X222" in version:
            return None
        if "X098" in version or version.startswith("004010"):
            return ("unsupported_version",
                    f"an 837P in the 4010 standard ({shown}): Lantern reads 5010 claims (005010X222A1); a 4010 "
                    f"claim cannot have been accepted by a payer since 2012 and carries ICD-9 diagnoses")
        if "X223" in version or "X096" in version:
            return ("unexpected_transaction_set",
                    f"an 837I institutional claim ({shown}): Lantern reads professional claims (837P, 005010X222A1)")
        if "X224" in version or "X097" in version:
            return ("unexpected_transaction_set",
                    f"an 837D dental claim ({shown}): Lantern reads professional claims (837P, 005010X222A1)")
        return ("unsupported_version",
                f"an 837 whose implementation guide is {shown}, not the 837P's 005010X222A1")
    if kind == "835":
        if version.startswith("00501") or version.startswith("00401"):
            return None
        return ("unsupported_version",
                f"an 835 whose version is {shown}, neither 5010 (005010X221A1) nor 4010 (004010X091A1)")
    if kind == "277":
        if "X214" in version:
            return None
        if "X212" in version:
            return ("unexpected_transaction_set",
                    f"a 277 claim status response ({shown}), not a 277CA claim acknowledgment (005010X214): its "
                    f"statuses describe adjudication, not acceptance into it, and the 835 records adjudication")
        return ("unexpected_transaction_set",
                f"a 277 that is not a 277CA claim acknowledgment (its version is {shown}, not 005010X214)")
    what = _SET_NAMES.get(kind, f"transaction set {kind!r}")
    return ("unexpected_transaction_set",
            f"{what} ({shown}): Lantern reads 837P claims, 835 remittances and 277CA acknowledgments only")


def read_x12(text: str, *, delivery: str, source_file: str, file_sha256: str,
             expected_kind: str | None) -> X12ReadResult:
    """Read one X12 file's text into raw-table rows and quarantine rows (see the module docstring).

    `expected_kind` is the kind the file's name promises ("837", "835", "277"), or None to read
    whichever of the three each transaction is.
    """
    reader = _Reader(delivery, source_file, file_sha256, expected_kind)
    reader.read(text)
    return X12ReadResult(
        rows=reader.rows,
        quarantine=reader.quarantine,
        records_read=reader.loaded + reader.quarantined,
        records_loaded=reader.loaded,
        records_quarantined=reader.quarantined,
        transaction_sets=reader.sets,
        unloaded_paid=reader.unloaded_paid,
    )
