"""The public sample X12 files through the whole load path: each loads or is quarantined with a clear reason.

The files are read from ../shared/fixtures/real (never copied into the repository); the test lays
them out as one delivery in a temporary landing zone and skips when they are absent.
"""

from __future__ import annotations

import shutil

import duckdb
import pytest

from orchestration.extract.loader import load_deliveries

pytestmark = pytest.mark.real

# file -> (claims or claim payments loaded, the rules that must appear among its quarantine rows)
EXPECTED_835 = {
    "835_mult_loops.txt": (1, set()),
    # BPR02 5950.21 but CLP04 − PLB = −510.25 + 977.94: a trimmed test file, so it does not balance.
    "835_simple_4010_reversal.txt": (0, {"unbalanced_835"}),
    "X221-multiple-claims-single-check.edi": (9, set()),
    "emedny_sample.txt": (3, set()),
    "multi-line-not-delimited.edi": (3, set()),
    "nevada_medicaid.txt": (3, set()),
    "profee-multiple.edi": (468, set()),
    "blue_cross_nc_sample.txt": (0, {"missing_isa"}),  # an ST..SE fragment without its envelope
    "sample_835_with_interests.txt": (0, {"segment_count_mismatch"}),  # the provenance's MALFORMED sample
    "managed-care.835": (0, {"unparseable_value"}),  # BPR16 is not a date
    "cob-contractural-adjustment.835": (0, {"unparseable_value"}),
    "835-example.txt": (0, {"segment_count_mismatch"}),
    "835-example-2.txt": (0, {"segment_count_mismatch"}),
}
EXPECTED_837 = {
    "demo.example1.837": (1, set()),
    "demo.example2.837": (0, {"invalid_npi"}),  # the TR3 example's NPI 9876543210 fails the check digit
    "x12_bad_first_line.txt": (0, {"malformed_isa"}),
    "x12_bad_segment_identifier.txt": (0, {"invalid_segment_id"}),
    "x12_no_isa_line.txt": (0, {"missing_isa"}),
    "simple_837p_4010_behavioral.txt": (0, {"unsupported_version"}),
    "x12_multiple_transactions.txt": (0, {"segment_count_mismatch"}),
}


@pytest.fixture(scope="module")
def loaded(real_fixtures, tmp_path_factory):
    landing = tmp_path_factory.mktemp("real") / "landing"
    delivery = landing / "payer" / "2025-01-01"
    delivery.mkdir(parents=True)
    for folder, names, suffix in (("x12_835", EXPECTED_835, ".835"), ("x12_837p", EXPECTED_837, ".837")):
        for name in names:
            shutil.copy(real_fixtures / folder / name, delivery / f"{name}{'' if name.endswith(suffix) else suffix}")
    con = duckdb.connect(str(landing.parent / "warehouse.duckdb"))
    load_deliveries(con, landing, "payer")
    yield con
    con.close()


@pytest.mark.parametrize("name", sorted(EXPECTED_835) + sorted(EXPECTED_837))
def test_each_sample_loads_or_is_quarantined_with_a_reason(loaded, name):
    expected_loaded, expected_rules = {**EXPECTED_835, **EXPECTED_837}[name]
    suffix = ".835" if name in EXPECTED_835 else ".837"
    relative = f"payer/2025-01-01/{name}{'' if name.endswith(suffix) else suffix}"
    rows_loaded, rows_quarantined = loaded.execute(
        "select rows_loaded, rows_quarantined from raw.ledger where _source_file = ?", [relative]).fetchone()
    assert rows_loaded == expected_loaded
    rules = {r for (r,) in loaded.execute("select rule from raw.quarantine where _source_file = ?",
                                          [relative]).fetchall()}
    assert expected_rules <= rules
    if expected_rules:
        reasons = loaded.execute("select reason from raw.quarantine where _source_file = ?", [relative]).fetchall()
        assert all(len(reason) > 20 for (reason,) in reasons)  # a sentence a person can act on, not a code
    else:
        assert rows_quarantined == 0
