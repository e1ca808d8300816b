"""A corpus of broken deliveries, each made from the hand-written tiny landing zone by one defect.

Every case is one delivery of one source: a copy of the tiny landing's first delivery of that source
(`tests/tiny_landing/<source>/2025-02-01/`) with one defect applied by code here, beside its clean
counterpart (the same delivery without the defect). `tests/test_bad_deliveries.py` loads both and
asserts what the defect costs: exactly the quarantined records, nothing else.

Deliveries are named by date (2025-04-01, 2025-04-02, ... in the order of CASES), as a practice's
are, so the contracts' "not after its delivery" rules apply; the tiny files hold January 2025. The
dates avoid the tiny landing's own (2025-02-01, 2025-03-01, 2025-08-01), so the whole corpus can sit
beside it in one landing zone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

TINY = Path(__file__).with_name("tiny_landing")
BASE_DELIVERY = "2025-02-01"
FIRST_CASE_DAY = date(2025, 4, 1)  # after the tiny landing's own deliveries of February and March

Files = dict[str, bytes]  # file name in the delivery -> bytes
Change = Callable[[Files], Files]


def tiny_files(source: str) -> Files:
    folder = TINY / source / BASE_DELIVERY
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def _same(files: Files) -> Files:
    return dict(files)


@dataclass(frozen=True)
class Case:
    name: str  # also the test id
    source: str  # ehr, pm or payer
    defect: str  # what is wrong, in plain words
    broken: Change  # the delivery's files with the defect
    clean: Change = _same  # the same delivery without it

    @property
    def delivery(self) -> str:
        return (FIRST_CASE_DAY + timedelta(days=CASES.index(self))).isoformat()

    def files(self, broken: bool) -> Files:
        return (self.broken if broken else self.clean)(tiny_files(self.source))


def write_delivery(landing: Path, case: Case, *, broken: bool) -> None:
    folder = landing / case.source / case.delivery
    folder.mkdir(parents=True)
    for name, data in case.files(broken).items():
        (folder / name).write_bytes(data)


# ------------------------------------------------------------------------------------ small edits


def replace_once(data: bytes, old: str, new: str, encoding: str = "utf-8") -> bytes:
    """`data` with the one occurrence of `old` replaced; fails loudly if the fixture no longer holds it."""
    text = data.decode(encoding)
    assert text.count(old) == 1, f"expected exactly one {old!r} in the fixture"
    return text.replace(old, new).encode(encoding)


def edit(name: str, change: Callable[[bytes], bytes]) -> Change:
    def apply(files: Files) -> Files:
        out = dict(files)
        out[name] = change(files[name])
        return out
    return apply


def sub(name: str, old: str, new: str, encoding: str = "utf-8") -> Change:
    """Replace the one `old` in file `name` by `new`."""
    return edit(name, lambda data: replace_once(data, old, new, encoding))


def chain(*changes: Change) -> Change:
    def apply(files: Files) -> Files:
        for change in changes:
            files = change(files)
        return files
    return apply


def add(name: str, data: bytes) -> Change:
    def apply(files: Files) -> Files:
        assert name not in files
        return {**files, name: data}
    return apply


def combine(name: str, first: str, second: str, second_change: Callable[[bytes], bytes] = bytes) -> Change:
    """The two files `first` and `second` sent as one file `name` (two interchanges), the second changed."""
    def apply(files: Files) -> Files:
        out = {k: v for k, v in files.items() if k not in (first, second)}
        out[name] = files[first] + second_change(files[second])
        return out
    return apply


def crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def bom(data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


def cut_after(marker: str, keep: int) -> Callable[[bytes], bytes]:
    """Cut the text `keep` characters into the segment or line that starts with `marker` (a transfer cut short)."""
    def apply(data: bytes) -> bytes:
        text = data.decode()
        at = text.index(marker)
        assert text.count(marker) == 1
        return text[:at + keep].encode()
    return apply


# ------------------------------------------------------------------------------------ X12 edits


def x12_separators(data: bytes, element: str, component: str, terminator: str) -> bytes:
    """The tiny file (`*`, `:`, `~` and a line break after each segment) rewritten with other separators.

    The ISA keeps its fixed width: every separator is one character, and ISA16 declares the component one.
    """
    text = data.decode()
    assert "|" not in text and ">" not in text and "!" not in text
    segments = [s for s in text.split("~\n") if s]
    out = []
    for segment in segments:
        elements = segment.split("*")
        if elements[0] == "ISA":
            elements[16] = component
            out.append(element.join(elements))
        else:
            out.append(element.join(e.replace(":", component) for e in elements))
    return (terminator.join(out) + terminator).encode()


def switch_from(marker: str, old: str, new: str) -> Callable[[bytes], bytes]:
    """From the segment starting with `marker` to the end, `new` written wherever the ISA's separator `old` was.

    The ISA is not repeated: the file changes its separators without declaring it.
    """
    def apply(data: bytes) -> bytes:
        text = data.decode()
        at = text.index(marker)
        return (text[:at] + text[at:].replace(old, new)).encode()
    return apply


def repeat_loop(start: str, end: str, renumbered: str, se_old: str, se_new: str) -> Callable[[bytes], bytes]:
    """An 837 whose loop from the segment `start` up to (not including) `end` is sent again just before SE.

    The copy starts with `renumbered` instead of `start` (its own HL number), and SE01 is corrected.
    """
    def apply(data: bytes) -> bytes:
        text = data.decode()
        loop = text[text.index(start):text.index(end)]
        at = text.index("\nSE*") + 1
        again = text[:at] + renumbered + loop[len(start):] + text[at:]
        return replace_once(again.encode(), se_old, se_new)
    return apply


def two_lines(first: str, second: str) -> Change:
    """B20250116.837 with claim A103's one 150.00 line split in two lines charging `first` and `second`."""
    return chain(sub("B20250116.837", "LX*1~\nSV1*HC:90834*150*UN*1***1~\nDTP*472*D8*20250108~\n",
                     f"LX*1~\nSV1*HC:90834*{first}*UN*1***1~\nDTP*472*D8*20250108~\n"
                     f"LX*2~\nSV1*HC:90834*{second}*UN*1***1~\nDTP*472*D8*20250108~\n"),
                 sub("B20250116.837", "SE*40*0001~", "SE*43*0001~"))


# ------------------------------------------------------------------------------------ CSV edits


def reorder_columns(data: bytes) -> bytes:
    """The CSV with its columns in reverse order (every field of this fixture is unquoted)."""
    lines = data.decode().splitlines()
    assert all('"' not in line for line in lines)
    return ("\n".join(",".join(reversed(line.split(","))) for line in lines) + "\n").encode()


def drop_column(column: str) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        lines = data.decode().splitlines()
        at = lines[0].split(",").index(column)
        return ("\n".join(",".join(f for i, f in enumerate(line.split(",")) if i != at) for line in lines)
                + "\n").encode()
    return apply


# ------------------------------------------------------------------------------------ NDJSON edits


def append_line(line_from: str, name: str, resource_id: str) -> Change:
    """Append to `name` the line of `line_from` whose resource has `resource_id`."""
    def apply(files: Files) -> Files:
        lines = files[line_from].decode().splitlines()
        found = [line for line in lines if json.loads(line).get("id") == resource_id]
        assert len(found) == 1
        return {**files, name: files[name] + (found[0] + "\n").encode()}
    return apply


def _planned_encounter(files: Files) -> Files:
    """Encounter.ndjson with one more line: a session planned for 2025-12-01 (a copy of enc-a106, re-dated)."""
    lines = files["Encounter.ndjson"].decode().splitlines()
    resource = json.loads(next(line for line in lines if '"id":"enc-a106"' in line))
    resource.update(id="enc-a199", status="planned",
                    period={"start": "2025-12-01T11:00:00-06:00", "end": "2025-12-01T11:45:00-06:00"})
    return {**files, "Encounter.ndjson": files["Encounter.ndjson"] + (json.dumps(resource) + "\n").encode()}


PLANNED_ENCOUNTER: Change = _planned_encounter


# ------------------------------------------------------------------------------------ the cases


CASES: list[Case] = [
    # ---- payer: X12 837P and 835
    Case("x12_truncated", "payer", "an 837 cut off inside its third claim's SV1 (so no SE, GE or IEA)",
         edit("B20250109.837", cut_after("SV1*HC:90834*150*UN*1***1~\nDTP*472*D8*20250109", 20))),
    Case("x12_truncated_second_interchange", "payer",
         "a file of two 837 interchanges, cut off inside the second one's first claim",
         combine("B2025.837", "B20250109.837", "B20250116.837", cut_after("CLM*A103", 12)),
         combine("B2025.837", "B20250109.837", "B20250116.837")),
    Case("x12_wrong_se01", "payer", "an 837 whose SE01 says 39 segments where its ST..SE holds 40",
         sub("B20250116.837", "SE*40*0001~", "SE*39*0001~")),
    Case("x12_separators_declared", "payer",
         "a file of two 837 interchanges, the second declaring other separators in its ISA (| > and a line break)",
         combine("B2025.837", "B20250109.837", "B20250116.837", lambda d: x12_separators(d, "|", ">", "\n")),
         combine("B2025.837", "B20250109.837", "B20250116.837")),
    Case("x12_separators_undeclared", "payer",
         "an 837 that separates elements with | instead of * from its second claim on, without a new ISA",
         edit("B20250109.837", switch_from("HL*3*1*22*0~", "*", "|"))),
    Case("x12_terminator_undeclared", "payer",
         "an 835 that ends segments with ! instead of ~ from its second claim payment on, without a new ISA",
         edit("R20250130_TXMCD.835", switch_from("CLP*A103", "~", "!"))),
    Case("x12_unknown_clp02", "payer", "an 835 claim payment whose CLP02 is 9, not a claim status code",
         sub("R20250123_PBH01.835", "CLP*A102*1*", "CLP*A102*9*")),
    Case("x12_unbalanced_bpr", "payer", "an 835 whose BPR02 says 210.00 where its CLP04s add up to 200.00",
         sub("R20250123_PBH01.835", "BPR*I*200*", "BPR*I*210*")),
    Case("x12_unbalanced_claim", "payer",
         "an 835 claim payment whose CAS adjustments add up to 75.00 where its charge 150.00 minus its payment "
         "80.00 is 70.00 (a copay of 25.00 where it was 20.00)",
         sub("R20250123_PBH01.835", "CAS*PR*3*20~", "CAS*PR*3*25~")),
    Case("x12_duplicate_clm01", "payer", "an 837 that sends claim A102 a second time in the same transaction",
         edit("B20250109.837", repeat_loop("HL*3*1*22*0~", "HL*4*1*22*0~", "HL*5*1*22*0~", "SE*54*0001~",
                                           "SE*68*0001~"))),
    Case("x12_negative_charge", "payer", "an 837 claim charging -250.00 (its CLM02 and its line's SV102)",
         chain(sub("B20250116.837", "CLM*A105*250*", "CLM*A105*-250*"),
               sub("B20250116.837", "SV1*HC:90791*250*", "SV1*HC:90791*-250*"))),
    Case("x12_negative_line_charge", "payer",
         "an 837 claim of 150.00 made of a 200.00 line and a -50.00 line (the clean one: 100.00 and 50.00)",
         two_lines("200", "-50"), two_lines("100", "50")),
    Case("x12_future_service_date", "payer", "an 837 created on 2025-01-31 billing a session dated 2025-03-14",
         sub("B20250131.837", "DTP*472*D8*20250114~", "DTP*472*D8*20250314~")),
    Case("x12_empty_file", "payer", "a 0-byte .835 file beside the delivery's other files",
         add("R20250131_PBH01.835", b""), _same),
    Case("x12_bom_crlf", "payer", "an 837 and an 835 with a UTF-8 byte-order mark and Windows line endings",
         chain(edit("B20250109.837", lambda d: bom(crlf(d))), edit("R20250123_PBH01.835", lambda d: bom(crlf(d))))),
    Case("x12_non_utf8_byte", "payer", "an 837 with a Latin-1 byte (\\xc9, É) in a subscriber's name",
         sub("B20250109.837", "NM1*IL*1*REYES*", "NM1*IL*1*R\xc9YES*", "latin-1")),
    # ---- pm: practice-management CSV
    Case("pm_missing_column", "pm", "appointments.csv without its status column",
         edit("appointments.csv", drop_column("status"))),
    Case("pm_reordered_header", "pm", "appointments.csv with its columns (header and rows) in reverse order",
         edit("appointments.csv", reorder_columns)),
    Case("pm_bom", "pm", "referrals.csv starting with a UTF-8 byte-order mark", edit("referrals.csv", bom)),
    Case("pm_crlf", "pm", "every CSV with Windows line endings (CR LF)",
         lambda f: {name: crlf(data) for name, data in f.items()}),
    Case("pm_non_utf8_byte", "pm", "payers.csv with a Latin-1 byte (\\xfc, ü) in a payer's name",
         sub("payers.csv", "Heartland Medicare", "Heartland M\xfcdicare", "latin-1")),
    Case("pm_truncated_row", "pm", "referrals.csv cut off in the middle of its last row",
         edit("referrals.csv", cut_after("R6,", 40))),
    Case("pm_empty_file", "pm", "a 0-byte patient_payments.csv (the clean delivery has no such file)",
         edit("patient_payments.csv", lambda d: b""),
         lambda f: {k: v for k, v in f.items() if k != "patient_payments.csv"}),
    Case("pm_future_dates", "pm",
         "appointments.csv with a row updated on 2025-06-01 and patient_payments.csv with a payment received on "
         "2026-01-06, in a delivery of April 2025",
         chain(sub("appointments.csv", "late_cancelled,2025-01-22T08:00:00-06:00,,2025-01-22T08:00:00-06:00",
                   "late_cancelled,2025-01-22T08:00:00-06:00,,2025-06-01T08:00:00-05:00"),
               sub("patient_payments.csv", "A101,2025-01-06T09:50:00-06:00", "A101,2026-01-06T09:50:00-06:00"))),
    # ---- ehr: FHIR R4 bulk NDJSON
    Case("fhir_wrong_resource_type", "ehr", "an Observation line at the end of Patient.ndjson",
         append_line("Observation.ndjson", "Patient.ndjson", "obs-m001-gad7-20241215")),
    Case("fhir_empty_ndjson", "ehr", "a 0-byte Condition.001.ndjson (an empty second part of a split export)",
         add("Condition.001.ndjson", b""), _same),
    Case("fhir_non_utf8_byte", "ehr", "Patient.ndjson with a Latin-1 byte (\\xe9, é) in a family name",
         sub("Patient.ndjson", '"family":"Perez"', '"family":"P\xe9rez"', "latin-1")),
    Case("fhir_truncated", "ehr", "Encounter.ndjson cut off in the middle of its last line",
         edit("Encounter.ndjson", lambda d: d[:d.rstrip(b"\n").rindex(b"\n") + 120])),
    Case("fhir_bom_crlf", "ehr", "every NDJSON file with a UTF-8 byte-order mark and Windows line endings",
         lambda f: {name: bom(crlf(data)) for name, data in f.items()}),
    Case("fhir_future_dates", "ehr",
         "in a delivery of April 2025: a GAD-7 score dated 2025-09-22, a note signed on 2025-07-17 and a finished "
         "session on 2025-10-14; beside them a session planned for 2025-12-01, which the clean delivery holds too",
         chain(PLANNED_ENCOUNTER,
               sub("Observation.ndjson", '"effectiveDateTime":"2025-01-20T08:50:00-06:00"',
                   '"effectiveDateTime":"2025-09-22T08:50:00-05:00"'),
               sub("DocumentReference.ndjson", '"date":"2025-01-17T00:00:00-06:00"',
                   '"date":"2025-07-17T00:00:00-05:00"'),
               sub("Encounter.ndjson", '"start":"2025-01-14T11:00:00-06:00","end":"2025-01-14T11:45:00-06:00"',
                   '"start":"2025-10-14T11:00:00-05:00","end":"2025-10-14T11:45:00-05:00"')),
         PLANNED_ENCOUNTER),
]

BY_NAME = {case.name: case for case in CASES}
