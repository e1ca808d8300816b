"""Broken deliveries (tests/bad_deliveries.py): each costs exactly its bad records, with a reason, and nothing else.

Every case is one delivery made from the tiny landing zone's first delivery of one source, with one
defect. Both the broken delivery and its clean counterpart are loaded (`load_deliveries`, the
readers and the data contracts), each into its own warehouse, and the test asserts for every case:

- the exact `raw.quarantine` rows of the broken delivery: file, location, rule, reason, record key;
- the exact ledger of the broken delivery: the clean one's, except the files named here;
- every raw row of the broken delivery is a row of the clean one (lineage sha256 aside), and the rows
  missing are exactly the records named here: nothing else of the delivery is lost.

Some defects are not errors: a reordered header, a byte-order mark, Windows line endings, separators a
second ISA declares, an empty NDJSON or CSV file. Those load exactly like the clean delivery.

Last, `lantern build` runs on a landing zone holding the whole tiny landing (the good deliveries) and
every broken delivery: it completes, and its quarantine and ledger say the same.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from bad_deliveries import BY_NAME, CASES, TINY, Case, write_delivery
from connectors.raw_tables import BY_NAME as RAW_TABLES
from orchestration.cli import app
from orchestration.extract.loader import SOURCES, TABLES_OF_SOURCE, load_deliveries

# The column that names a record of each table whose rows are records (not parts of one) for a person.
RECORD_KEY = {"x12_claims": "claim_id", "x12_claim_payments": "claim_id", "x12_remittances": "trace_number",
              **{t: "resource_id" for t in TABLES_OF_SOURCE["ehr"]},
              **{t: RAW_TABLES[t].columns[0].name for t in TABLES_OF_SOURCE["pm"]}}


@dataclass(frozen=True)
class Outcome:
    quarantine: list[tuple] = field(default_factory=list)  # (file, location, rule, reason, record_key), in file order
    ledger: dict[str, tuple] = field(default_factory=dict)  # file -> (status, read, loaded, quarantined, skipped)
    # raw table -> the records not loaded (their RECORD_KEY), or how many rows of a table of parts (lines, ...)
    missing: dict[str, list[str] | int] = field(default_factory=dict)


def _q(file: str, location: str, rule: str, reason: str, key: str | None) -> tuple:
    return (file, location, rule, reason, key)


UNBALANCED_CLAIM = ("CLP03 (charge) minus CLP04 (paid) is not the sum of the claim's CAS adjustments (claim and service "
                    "level): the claim payment does not balance")
FUTURE_SERVICE = ("a service line's date of service (DTP*472) is after the day the claim was created (BHT04): a claim "
                  "cannot bill a service that has not happened yet")

EXPECTED: dict[str, Outcome] = {
    "x12_truncated": Outcome(
        [_q("B20250109.837", "segment 1 (ISA)", "truncated_interchange",
            "interchange 000000101 (ISA at segment 1) has no IEA: it stops after segment 54 (SV1), so the file was "
            "cut off or spliced; none of its 3 records is loaded (a complete copy should be sent again)", "000000101")],
        {"B20250109.837": ("loaded", 3, 0, 3, 0)},
        {"x12_claims": ["A101", "A102", "A104"], "x12_claim_lines": 3}),
    "x12_truncated_second_interchange": Outcome(
        [_q("B2025.837", "segment 59 (ISA)", "truncated_interchange",
            "interchange 000000102 (ISA at segment 59) has no IEA: it stops after segment 79 (CLM), so the file was "
            "cut off or spliced; its one record is not loaded (a complete copy should be sent again)", "000000102")],
        # A105 came after the cut: it was never received, so it is neither read nor quarantined.
        {"B2025.837": ("loaded", 4, 3, 1, 0)},
        {"x12_claims": ["A103", "A105"], "x12_claim_lines": 2}),
    "x12_wrong_se01": Outcome(
        [_q("B20250116.837", "segment 42 (SE)", "segment_count_mismatch",
            "transaction 0001: SE01 says 39 segments but ST..SE holds 40, so segments were lost or added in transit; "
            "none of its records is loaded", "0001")],
        {"B20250116.837": ("loaded", 2, 0, 2, 0)},
        {"x12_claims": ["A103", "A105"], "x12_claim_lines": 2}),
    "x12_separators_declared": Outcome(),
    "x12_separators_undeclared": Outcome(
        [_q("B20250109.837", "segment 28 (HL|3|1|22|0)", "undeclared_separator",
            "interchange 000000101 (ISA at segment 1): from segment 28 ('HL|3|1|22|0') on, elements are separated by "
            "'|' where the ISA declares '*': the separators changed without a new ISA header; neither the rest of the "
            "interchange nor its IEA can be read, so none of its 3 records is loaded", "000000101")],
        {"B20250109.837": ("loaded", 3, 0, 3, 0)},
        {"x12_claims": ["A101", "A102", "A104"], "x12_claim_lines": 3}),
    "x12_terminator_undeclared": Outcome(
        [_q("R20250130_TXMCD.835", "segment 21 (CLP)", "undeclared_separator",
            "transaction 0001 (ST at segment 3): from segment 21 ('CLP*A103*4*150*0**MC*TXM2501300002*11*1!') on, "
            "segments end with '!' where the ISA declares '~', so they run together: the separators changed without "
            "a new ISA header; its SE cannot be found, so none of its records is loaded", "0001")],
        {"R20250130_TXMCD.835": ("loaded", 2, 0, 2, 0)},
        {"x12_remittances": ["TXM0130RA01"], "x12_claim_payments": ["A103", "A104"], "x12_service_payments": 2,
         "x12_adjustments": 4, "x12_remarks": 2}),
    # The remittance keeps its BPR02 of 200.00 and A101's payment: the balance counts A102's CLP04 as sent.
    "x12_unknown_clp02": Outcome(
        [_q("R20250123_PBH01.835", "segment 22 (CLP)", "unknown_claim_status",
            "claim payment A102 (CLP at segment 22): CLP02 (claim status) is '9', not one of the codes an 835 uses "
            "(1, 2, 3, 4, 19, 20, 21, 22, 23, 25)", "A102")],
        {"R20250123_PBH01.835": ("loaded", 2, 1, 1, 0)},
        {"x12_claim_payments": ["A102"], "x12_service_payments": 1, "x12_adjustments": 2}),
    # Which claim is wrong cannot be told, so the remittance goes whole: its 2 claim payments, their services and CAS.
    "x12_unbalanced_bpr": Outcome(
        [_q("R20250123_PBH01.835", "segment 3 (ST)", "unbalanced_835",
            "BPR02 (the payment) is not the sum of the claim payments' CLP04 minus the PLB adjustments: the remittance "
            "does not balance", "PBH0123EFT01"),
         _q("R20250123_PBH01.835", "segment 15 (CLP)", "rejected_with_its_parent",
            "its remittance PBH0123EFT01 was quarantined", "PBH0123EFT01"),
         _q("R20250123_PBH01.835", "segment 18 (SVC)", "rejected_with_its_parent",
            "its claim payment A101 was quarantined", "A101"),
         _q("R20250123_PBH01.835", "segment 20 (CAS)", "rejected_with_its_parent",
            "its claim payment A101 was quarantined", "A101"),
         _q("R20250123_PBH01.835", "segment 21 (CAS)", "rejected_with_its_parent",
            "its claim payment A101 was quarantined", "A101"),
         _q("R20250123_PBH01.835", "segment 22 (CLP)", "rejected_with_its_parent",
            "its remittance PBH0123EFT01 was quarantined", "PBH0123EFT01"),
         _q("R20250123_PBH01.835", "segment 25 (SVC)", "rejected_with_its_parent",
            "its claim payment A102 was quarantined", "A102"),
         _q("R20250123_PBH01.835", "segment 27 (CAS)", "rejected_with_its_parent",
            "its claim payment A102 was quarantined", "A102"),
         _q("R20250123_PBH01.835", "segment 28 (CAS)", "rejected_with_its_parent",
            "its claim payment A102 was quarantined", "A102")],
        {"R20250123_PBH01.835": ("loaded", 2, 0, 2, 0)},
        {"x12_remittances": ["PBH0123EFT01"], "x12_claim_payments": ["A101", "A102"], "x12_service_payments": 2,
         "x12_adjustments": 4}),
    "x12_unbalanced_claim": Outcome(
        [_q("R20250123_PBH01.835", "segment 15 (CLP)", "unbalanced_claim_payment", UNBALANCED_CLAIM, "A101"),
         _q("R20250123_PBH01.835", "segment 18 (SVC)", "rejected_with_its_parent",
            "its claim payment A101 was quarantined", "A101"),
         _q("R20250123_PBH01.835", "segment 20 (CAS)", "rejected_with_its_parent",
            "its claim payment A101 was quarantined", "A101"),
         _q("R20250123_PBH01.835", "segment 21 (CAS)", "rejected_with_its_parent",
            "its claim payment A101 was quarantined", "A101")],
        {"R20250123_PBH01.835": ("loaded", 2, 1, 1, 0)},
        {"x12_claim_payments": ["A101"], "x12_service_payments": 1, "x12_adjustments": 2}),
    # The first A102 loads; the second is one more record read, and quarantined.
    "x12_duplicate_clm01": Outcome(
        [_q("B20250109.837", "segment 63 (CLM)", "duplicate_claim_id",
            "claim A102 (CLM at segment 63): claim A102 appears a second time in transaction 0001 (first at segment "
            "35): only the first occurrence is loaded", "A102")],
        {"B20250109.837": ("loaded", 4, 3, 1, 0)}),
    "x12_negative_charge": Outcome(
        [_q("B20250116.837", "segment 35 (CLM)", "negative_charge",
            "claim A105 (CLM at segment 35): CLM02 (total charge) is -250: a claim cannot charge a negative amount",
            "A105")],
        {"B20250116.837": ("loaded", 2, 1, 1, 0)},
        {"x12_claims": ["A105"], "x12_claim_lines": 1}),
    "x12_negative_line_charge": Outcome(
        [_q("B20250116.837", "segment 29 (SV1)", "negative_charge",
            "claim A103 (CLM at segment 21): SV102 (line charge) of service line 2 is -50: a service cannot charge a "
            "negative amount", "A103")],
        {"B20250116.837": ("loaded", 2, 1, 1, 0)},
        {"x12_claims": ["A103"], "x12_claim_lines": 2}),
    "x12_future_service_date": Outcome(
        [_q("B20250131.837", "segment 21 (CLM)", "future_date", FUTURE_SERVICE, "A106"),
         _q("B20250131.837", "segment 25 (LX)", "rejected_with_its_parent", "its claim A106 was quarantined", "A106")],
        {"B20250131.837": ("loaded", 1, 0, 1, 0)},
        {"x12_claims": ["A106"], "x12_claim_lines": 1}),
    # X12 needs its envelope, so an empty file is an error; it counts as one record so it never reads as empty.
    "x12_empty_file": Outcome(
        [_q("R20250131_PBH01.835", "file", "empty_file",
            "the file is empty (or only blank space): it holds no X12 interchange", None)],
        {"R20250131_PBH01.835": ("quarantined", 1, 0, 1, 0)}),
    "x12_bom_crlf": Outcome(),
    # X12's character set fits in one byte: a file that is not UTF-8 is read as Latin-1 (the name is not loaded).
    "x12_non_utf8_byte": Outcome(),
    "pm_missing_column": Outcome(
        [_q("appointments.csv", "file", "missing_column", "the header lacks required column(s): status", None)],
        {"appointments.csv": ("quarantined", 9, 0, 9, 0)},
        {"pm_appointments": ["A101", "A102", "A103", "A104", "A105", "A106", "A108", "A109", "A110"]}),
    "pm_reordered_header": Outcome(),
    "pm_bom": Outcome(),
    "pm_crlf": Outcome(),
    "pm_non_utf8_byte": Outcome(
        [_q("payers.csv", "line 4", "not_utf8", "the row holds bytes that are not UTF-8 text", "MCR01")],
        {"payers.csv": ("loaded", 3, 2, 1, 0)},
        {"pm_payers": ["MCR01"]}),
    "pm_truncated_row": Outcome(
        [_q("referrals.csv", "line 7", "wrong_field_count", "the row has 4 field(s) but the header has 13", "R6")],
        {"referrals.csv": ("loaded", 6, 5, 1, 0)},
        {"pm_referrals": ["R6"]}),
    # No row, so nothing to lose: the ledger lists the file with 0 records read.
    "pm_empty_file": Outcome(ledger={"patient_payments.csv": ("loaded", 0, 0, 0, 0)}),
    "pm_future_dates": Outcome(
        [_q("appointments.csv", "line 9", "future_timestamp", "updated_at is later than the delivery that carries it",
            "A110"),
         _q("patient_payments.csv", "line 2", "future_timestamp",
            "received_at is later than the delivery that carries it", "P1")],
        {"appointments.csv": ("loaded", 9, 8, 1, 0), "patient_payments.csv": ("loaded", 1, 0, 1, 0)},
        {"pm_appointments": ["A110"], "pm_patient_payments": ["P1"]}),
    "fhir_wrong_resource_type": Outcome(
        [_q("Patient.ndjson", "line 7", "unexpected_resource_type",
            "an Observation resource in a file named for Patient resources", "obs-m001-gad7-20241215")],
        {"Patient.ndjson": ("loaded", 7, 6, 1, 0)}),
    "fhir_empty_ndjson": Outcome(ledger={"Condition.001.ndjson": ("loaded", 0, 0, 0, 0)}),
    "fhir_non_utf8_byte": Outcome(
        [_q("Patient.ndjson", "line 3", "not_utf8", "the line holds bytes that are not UTF-8 text", None)],
        {"Patient.ndjson": ("loaded", 6, 5, 1, 0)},
        {"fhir_patients": ["pt-c044"]}),
    "fhir_truncated": Outcome(
        [_q("Encounter.ndjson", "line 6", "invalid_json",
            "not valid JSON: Unterminated string starting at (character 83)", None)],
        {"Encounter.ndjson": ("loaded", 6, 5, 1, 0)},
        {"fhir_encounters": ["enc-a106"]}),
    "fhir_bom_crlf": Outcome(),
    # The session planned for December loads in both: only what already happened cannot lie ahead.
    "fhir_future_dates": Outcome(
        [_q("DocumentReference.ndjson", "line 5", "future_timestamp",
            "signed_at is later than the delivery that carries it", "doc-a105"),
         _q("Encounter.ndjson", "line 6", "future_timestamp",
            "period.start of an encounter that took place is later than the delivery that carries it", "enc-a106"),
         _q("Observation.ndjson", "line 4", "future_timestamp",
            "effective_at is later than the delivery that carries it", "obs-m001-gad7-20250120")],
        {"DocumentReference.ndjson": ("loaded", 6, 5, 1, 0), "Encounter.ndjson": ("loaded", 7, 6, 1, 0),
         "Observation.ndjson": ("loaded", 6, 5, 1, 0)},
        {"fhir_document_references": ["doc-a105"], "fhir_encounters": ["enc-a106"],
         "fhir_observations": ["obs-m001-gad7-20250120"]}),
}

# What the tiny landing's first delivery loads, per source (every file clean).
TINY_ROWS = {
    "payer": {"x12_claims": 6, "x12_claim_lines": 6, "x12_remittances": 3, "x12_claim_payments": 5,
              "x12_service_payments": 5, "x12_adjustments": 10, "x12_remarks": 2},
    "pm": {"pm_payers": 3, "pm_coverages": 6, "pm_referrals": 6, "pm_appointments": 9, "pm_patient_payments": 1},
    "ehr": {"fhir_patients": 6, "fhir_practitioners": 2, "fhir_encounters": 6, "fhir_conditions": 6,
            "fhir_observations": 6, "fhir_document_references": 6},
}

# Clean counterparts that differ from the tiny delivery: a session planned for December, A103 billed in two
# lines, no patient_payments.csv.
CLEAN_CHANGES = {"fhir_future_dates": {"fhir_encounters": 1}, "x12_negative_line_charge": {"x12_claim_lines": 1},
                 "pm_empty_file": {"pm_patient_payments": -1}}


# ---------------------------------------------------------------------------------------------- reading back


def _quarantine(con: duckdb.DuckDBPyConnection, case: Case) -> list[tuple]:
    prefix = f"{case.source}/{case.delivery}/"
    rows = con.execute("select _source_file, location, rule, reason, record_key from raw.quarantine "
                       "where _delivery = ? and _source_file like ? order by _source_file, _position",
                       [case.delivery, prefix + "%"]).fetchall()
    return [(file.removeprefix(prefix), *rest) for file, *rest in rows]


def _ledger(con: duckdb.DuckDBPyConnection, case: Case) -> dict[str, tuple]:
    prefix = f"{case.source}/{case.delivery}/"
    rows = con.execute("select _source_file, status, rows_read, rows_loaded, rows_quarantined, rows_skipped "
                       "from raw.ledger where _source_file like ?", [prefix + "%"]).fetchall()
    return {file.removeprefix(prefix): tuple(rest) for file, *rest in rows}


def _rows(con: duckdb.DuckDBPyConnection, table: str, case: Case) -> Counter:
    """The delivery's rows of `table`, each a sorted tuple of (column, value), without the file's sha256.

    The X12 keys embed it ("<sha256>:<segment>"), so it is cut from them too: a row of a broken file and the
    same row of the clean file then compare equal.
    """
    cursor = con.execute(f"select * from raw.{table} where _delivery = ? and _source_file like ?",
                         [case.delivery, f"{case.source}/%"])
    names = [d[0] for d in cursor.description]
    out = Counter()
    for values in cursor.fetchall():
        row = dict(zip(names, values))
        sha = row.pop("_file_sha256")
        out[tuple(sorted((k, v.replace(f"{sha}:", "") if isinstance(v, str) else v) for k, v in row.items()))] += 1
    return out


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    """Every case loaded twice: broken, and clean, each into its own warehouse (about 5 s for both)."""
    root = tmp_path_factory.mktemp("bad_deliveries")
    connections = {}
    for kind in ("broken", "clean"):
        landing = root / kind / "landing"
        for case in CASES:
            write_delivery(landing, case, broken=kind == "broken")
        con = duckdb.connect(str(root / kind / "warehouse.duckdb"))
        for source in SOURCES:
            load_deliveries(con, landing, source)
        connections[kind] = con
    yield connections["broken"], connections["clean"]
    for con in connections.values():
        con.close()


def test_every_case_has_its_expected_outcome() -> None:
    assert list(EXPECTED) == [case.name for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_clean_delivery_loads_whole(loaded, case: Case) -> None:
    _, clean = loaded
    assert _quarantine(clean, case) == []
    assert all(status == "loaded" and read == done for status, read, done, *_ in _ledger(clean, case).values())
    counts = {table: sum(_rows(clean, table, case).values()) for table in TABLES_OF_SOURCE[case.source]}
    expected = {table: TINY_ROWS[case.source].get(table, 0) for table in TABLES_OF_SOURCE[case.source]}
    for table, change in CLEAN_CHANGES.get(case.name, {}).items():
        expected[table] += change
    assert counts == expected


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_broken_delivery_loses_exactly_its_bad_records(loaded, case: Case) -> None:
    broken, clean = loaded
    expected = EXPECTED[case.name]
    assert _quarantine(broken, case) == expected.quarantine
    assert _ledger(broken, case) == {**_ledger(clean, case), **expected.ledger}
    for table in TABLES_OF_SOURCE[case.source]:
        got, whole = _rows(broken, table, case), _rows(clean, table, case)
        assert not got - whole, f"{table}: rows loaded that the clean delivery does not have"
        lost = whole - got
        missing = expected.missing.get(table, [] if table in RECORD_KEY else 0)
        if table in RECORD_KEY:
            keys = sorted(dict(row)[RECORD_KEY[table]] for row in lost.elements())
            assert keys == sorted(missing), table
        else:
            assert sum(lost.values()) == missing, table


def test_the_ledger_counts_every_record_of_every_broken_delivery(loaded) -> None:
    broken, _ = loaded
    assert broken.execute("select count(*) from raw.ledger "
                          "where rows_read <> rows_loaded + rows_quarantined + rows_skipped").fetchone() == (0,)


# ---------------------------------------------------------------------------------------------- the build


def test_a_build_over_every_broken_delivery_and_a_good_landing_completes(tmp_path: Path) -> None:
    """`lantern build` on the tiny landing zone plus the whole corpus: it completes, and says what it rejected."""
    landing = tmp_path / "landing"
    shutil.copytree(TINY, landing)
    for case in CASES:
        write_delivery(landing, case, broken=True)
    warehouse = tmp_path / "warehouse.duckdb"
    saved = dict(os.environ)
    try:
        result = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "build", "--landing", str(landing),
                                          "--warehouse", str(warehouse)], env={"COLUMNS": "200"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 0, result.output

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        quarantine = con.execute("select _source_file, location, rule, reason, record_key from raw.quarantine "
                                 "order by _source_file, _position").fetchall()
        expected = sorted(((f"{case.source}/{case.delivery}/{file}", *rest)
                           for case in CASES for file, *rest in EXPECTED[case.name].quarantine),
                          key=lambda row: row[0])
        assert sorted(quarantine, key=lambda row: row[0]) == expected  # the good deliveries: nothing
        # Every file of the landing zone is in the ledger, and every record it read is loaded, quarantined or
        # skipped.
        files = sorted(p.relative_to(landing).as_posix() for p in landing.glob("*/*/*"))
        assert [f for (f,) in con.execute("select _source_file from raw.ledger order by 1").fetchall()] == files
        assert con.execute("select count(*) from raw.ledger "
                           "where rows_read <> rows_loaded + rows_quarantined + rows_skipped").fetchone() == (0,)
        quarantined = dict(con.execute("select source, sum(rows_quarantined) from raw.ledger group by 1").fetchall())
        assert quarantined == {
            # truncated 3 + 1, SE01 2, separators 3 + 2, CLP02 1, BPR 2, CAS 1, CLM01 1, charges 1 + 1, DOS 1, empty 1
            "payer": 20,
            "pm": 9 + 1 + 1 + 2,  # missing column, not UTF-8, cut row, future dates
            "ehr": 1 + 1 + 1 + 3,  # wrong type, not UTF-8, cut line, future dates
        }
        # A copy of a good file in a broken delivery is the same bytes: a duplicate of the first, kept once.
        assert con.execute("select duplicate_of from raw.ledger where _source_file = ?",
                           [f"payer/{BY_NAME['x12_truncated'].delivery}/B20250116.837"]).fetchone() == (
            "payer/2025-02-01/B20250116.837",)
        # The claims sent again and again across the corpus are each one claim in the marts.
        assert con.execute("select count(*), count(distinct claim_id) from marts.fct_claims").fetchone() == (8, 8)
    finally:
        con.close()
