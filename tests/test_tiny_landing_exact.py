"""A tiny landing zone written by hand, through `lantern build`, checked to the cent against kpis.md.

`tests/tiny_landing/` holds real files, written by hand in the formats of inputs.md: FHIR R4 NDJSON
(`ehr/`), the PM CSVs with their exact columns (`pm/`), and X12 5010 837P and 835 text (`payer/`).
Nothing here generates or inserts rows: the readers, the data contracts, the loader and dbt all
run, once, on a copy of that folder (`lantern build` through Typer's CliRunner), and every figure
asserted below was worked out by hand from kpis.md, with the arithmetic in the comments.

The practice (Tiny Behavioral Health, billing NPI 1555012347, America/Chicago: CST -06:00 until
2025-03-09, CDT -05:00 after):

- clinicians: C1 Ava Stone, LCSW, NPI 1234567893; C2 Ben Ortiz, PhD, NPI 1987654328
  (check digits from `connectors.npi.npi_check_digit`);
- payers: PBH01 Prairie Blue Health (commercial), TXMCD Texas Medicaid Partners (medicaid),
  MCR01 Heartland Medicare (medicare);
- patients M001..M006; deliveries 2025-02-01, 2025-03-01 and 2025-08-01 in each source, so the
  as-of date is 2025-08-01: 120 days before it is 2025-04-03, 90 days before it 2025-05-03.

The claims (CLM01 = appointment_id; charge; date of service; original 837's BHT04/BHT05):

- A101, M001, PBH01, 90834, 150.00, DOS 01-06, sent 01-09 16:30: paid 80.00 on 01-23 with CO-45 50.00
  and a PR-3 copay of 20.00 that the patient paid at the visit (P1).
- A102, M002, PBH01, 90837, 200.00, DOS 01-07, sent 01-09 16:30: paid 120.00 on 01-23 (CO-45 50,
  PR-2 30); on 03-04 a CLP02 22 reverses that and a CLP02 1 pays 128.00 (CO-45 40, PR-2 32), with a
  PLB L6 interest of 2.35 in the same 835; the patient pays 32.00 (P6).
- A103, M003, TXMCD, 90834, 150.00, DOS 01-08, sent 01-16 16:30: CLP02 4 on 01-30 (claim-level CO-16
  60, service-level CO-45 80 and CO-96 10: reason 16); a frequency-7 corrected claim (REF*F8) on
  02-03; on 02-20 the payer reverses the denial (CLP02 22) and pays 95.00 (CO-45 55).
- A104, M004, TXMCD, 90834, 150.00, DOS 01-09, sent 01-09 16:30: CLP02 1 paying 0 with responsibility
  0 and only CO-50 150.00 on 01-30: a denial, never recovered, 183 days old: finally denied.
- A105, M005, PBH01, 90791, 250.00, DOS 01-13, sent 01-16 16:30: CLP02 1 paying 0 on 01-30 with CO-45
  70 and PR-1 180 (deductible: responsibility 180, not a denial); the patient pays 100.00 on 02-14
  (P3) and 80.00 on 03-14 (P5).
- A106, M006, MCR01, 90834, 150.00, DOS 01-14, sent 01-31 20:30 CST (02-01 UTC): Medicare pays 78.40 on
  02-18 with CO-45 50, PR-2 coinsurance 20 (never paid) and CO-253 sequestration 1.60 (2% of 80.00).
- A107, M001, PBH01, 90834, 150.00, DOS 07-14, sent 07-16 10:00 CDT: never adjudicated.
- A108, M005, PBH01, 90834, 150.00, DOS 02-10, sent 02-14 16:30: paid 80.00 on 03-04 with CO-45 50 and
  a PR-3 copay of 20.00 paid at the visit (P2).

Every 835 balances: BPR02 = sum of CLP04 - sum of PLB amounts, and each CLP03 - CLP04 = the sum of
its CAS amounts (claim and service level). An 835 that did not would be quarantined.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from typer.testing import CliRunner

from connectors.fhir_reader import read_ndjson
from connectors.npi import is_valid_npi, npi_check_digit
from connectors.x12_validate import validate_x12
from orchestration.cli import app

TINY = Path(__file__).with_name("tiny_landing")
TZ = ZoneInfo("America/Chicago")
AS_OF = date(2025, 8, 1)
C1, C2, BILLING = "1234567893", "1987654328", "1555012347"
D = Decimal


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


# ---- the files themselves -------------------------------------------------------------------------


def test_npis_are_valid() -> None:
    assert [npi_check_digit(n) for n in ("123456789", "198765432", "155501234")] == ["3", "8", "7"]
    assert all(is_valid_npi(n) for n in (C1, C2, BILLING))


def test_hand_written_x12_is_valid_5010() -> None:
    """Each 837P and 835 passes pyx12's 005010X222A1 / 005010X221A1 maps (SE counts included)."""
    files = sorted(TINY.glob("payer/*/*.8*"))
    assert len(files) == 12
    for path in files:
        assert validate_x12(path.read_text(encoding="ascii")) == [], path.name


def test_hand_written_fhir_is_valid_r4() -> None:
    """Each NDJSON line parses as its fhir.resources R4 model (the reader's validate=True)."""
    for path in sorted(TINY.glob("ehr/*/*.ndjson")):
        result = read_ndjson(path.read_bytes(), delivery=path.parent.name, source_file=path.name,
                             file_sha256="-", validate=True)
        assert result.quarantine == [], (path, result.quarantine)


# ---- the build ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("tiny")
    landing = tmp / "landing"
    shutil.copytree(TINY, landing)
    warehouse = tmp / "warehouse.duckdb"
    saved = dict(os.environ)
    try:
        result = CliRunner().invoke(app, ["--home", str(tmp / "home"), "build", "--landing", str(landing),
                                          "--warehouse", str(warehouse)], env={"COLUMNS": "200"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 0, result.output
    connection = duckdb.connect(str(warehouse), read_only=True)
    yield connection
    connection.close()


def query(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def by(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


def test_nothing_quarantined_and_the_ledger_counts_what_was_written(con) -> None:
    assert query(con, "select * from raw.quarantine") == []
    ledger = {r["_source_file"]: (r["status"], r["rows_read"], r["rows_loaded"], r["rows_quarantined"])
              for r in query(con, "select * from raw.ledger")}
    # Records as written: NDJSON lines, CSV data rows, 837 CLM loops, 835 CLP loops.
    written = {
        "ehr/2025-02-01/Practitioner.ndjson": 2,  # Stone, Ortiz
        "ehr/2025-02-01/Patient.ndjson": 6,  # M001..M006
        "ehr/2025-02-01/Condition.ndjson": 6,  # one diagnosis each
        "ehr/2025-02-01/Encounter.ndjson": 6,  # A101..A106
        "ehr/2025-02-01/DocumentReference.ndjson": 6,  # their final notes
        "ehr/2025-02-01/Observation.ndjson": 6,  # M001 GAD-7 x3 + PHQ-9, M004 GAD-7, M006 PHQ-9
        "ehr/2025-03-01/Encounter.ndjson": 1,  # A108
        "ehr/2025-03-01/DocumentReference.ndjson": 1,
        "ehr/2025-03-01/Observation.ndjson": 4,  # M001 GAD-7 + PHQ-9, M006 PHQ-9, M004 GAD-7
        "ehr/2025-08-01/Encounter.ndjson": 1,  # A107
        "ehr/2025-08-01/DocumentReference.ndjson": 1,  # preliminary, unsigned
        "ehr/2025-08-01/Observation.ndjson": 1,  # M001 GAD-7
        "pm/2025-02-01/payers.csv": 3,
        "pm/2025-02-01/coverages.csv": 6,
        "pm/2025-02-01/referrals.csv": 6,  # R1..R6
        "pm/2025-02-01/appointments.csv": 9,  # A101..A106, A109 no-show, A110 late cancel, A108 booked
        "pm/2025-02-01/patient_payments.csv": 1,  # P1
        "pm/2025-03-01/appointments.csv": 2,  # A108 completed, A111 cancelled
        "pm/2025-03-01/patient_payments.csv": 3,  # P2, P3, P4
        "pm/2025-08-01/appointments.csv": 1,  # A107
        "pm/2025-08-01/patient_payments.csv": 2,  # P5, P6
        "payer/2025-02-01/B20250109.837": 3,  # A101, A102, A104
        "payer/2025-02-01/B20250116.837": 2,  # A103, A105
        "payer/2025-02-01/B20250131.837": 1,  # A106
        "payer/2025-02-01/R20250123_PBH01.835": 2,  # A101, A102
        "payer/2025-02-01/R20250130_TXMCD.835": 2,  # A104, A103
        "payer/2025-02-01/R20250130_PBH01.835": 1,  # A105
        "payer/2025-03-01/B20250203.837": 1,  # A103 frequency 7
        "payer/2025-03-01/B20250214.837": 1,  # A108
        "payer/2025-03-01/R20250218_MCR01.835": 1,  # A106
        "payer/2025-03-01/R20250220_TXMCD.835": 2,  # A103 reversal + payment
        "payer/2025-08-01/B20250716.837": 1,  # A107
        "payer/2025-08-01/R20250304_PBH01.835": 3,  # A102 reversal + payment, A108
    }
    assert ledger == {f: ("loaded", n, n, 0) for f, n in written.items()}

    # The one PLB: L6 interest of 2.35 on A102, negative because it adds to the payment:
    # BPR02 90.35 = CLP04 (-120.00 + 128.00 + 80.00) - PLB (-2.35)
    plb = query(con, "select p.reason_code, p.reference, p.amount, r.payment_amount "
                     "from raw.x12_provider_adjustments p join raw.x12_remittances r using (remittance_key)")
    assert plb == [dict(reason_code="L6", reference="A102", amount=D("-2.35"), payment_amount=D("90.35"))]

    # Every 835 as loaded balances (the contracts check the same): BPR02 = sum CLP04 - sum PLB ...
    assert query(con, """
        select r.remittance_key from raw.x12_remittances r
        where r.payment_amount <> (select coalesce(sum(paid), 0) from raw.x12_claim_payments c
                                   where c.remittance_key = r.remittance_key)
                                - (select coalesce(sum(amount), 0) from raw.x12_provider_adjustments p
                                   where p.remittance_key = r.remittance_key)""") == []
    # ... and each CLP03 - CLP04 = its CAS amounts, claim and service level together
    assert query(con, """
        select c.claim_payment_key from raw.x12_claim_payments c
        where c.charge - c.paid <> (select coalesce(sum(amount), 0) from raw.x12_adjustments a
                                    where a.claim_payment_key = c.claim_payment_key)""") == []
    assert query(con, "select count(*) as n from raw.x12_claim_payments") == [dict(n=11)]  # the CLPs written


# ---- claims ------------------------------------------------------------------------------------------------


def test_fct_claims(con) -> None:
    claims = by(query(con, "select * from marts.fct_claims"), "claim_id")
    assert set(claims) == {f"A10{i}" for i in range(1, 9)}
    expected = {
        "A101": dict(
            payer_paid=D("80.00"), patient_responsibility=D("20.00"),  # CLP04, CLP05
            patient_paid=D("20.00"),  # P1, the copay at the visit
            contractual_adjustment=D("50.00"), allowed=D("100.00"),  # CO-45; 150.00 - 50.00
            co_oa_pi_adjustment=D("50.00"),
            is_denied_first_pass=False, first_denial_reason=None, is_resubmitted=False, is_finally_denied=False,
            first_paid_date=date(2025, 1, 23), days_to_payment=14,  # 01-09 -> 01-23
            date_of_service=date(2025, 1, 6), submitted_at=local(2025, 1, 9, 16, 30), claim_lag_days=3,
            adjudication_count=1, is_adjudicated=True,
        ),
        "A102": dict(
            payer_paid=D("128.00"),  # 120.00 - 120.00 (CLP02 22) + 128.00
            patient_responsibility=D("32.00"),  # 30.00 - 30.00 + 32.00
            patient_paid=D("32.00"),  # P6
            contractual_adjustment=D("40.00"),  # CO-45 50.00 - 50.00 + 40.00
            allowed=D("160.00"),  # 200.00 - 40.00
            co_oa_pi_adjustment=D("40.00"),
            is_denied_first_pass=False, first_denial_reason=None, is_resubmitted=False, is_finally_denied=False,
            first_paid_date=date(2025, 1, 23), days_to_payment=14,  # the first CLP04 > 0 is the reversed one
            date_of_service=date(2025, 1, 7), submitted_at=local(2025, 1, 9, 16, 30), claim_lag_days=2,
            adjudication_count=3, is_adjudicated=True,
        ),
        "A103": dict(
            payer_paid=D("95.00"),  # 0 (CLP02 4) + 0 (CLP02 22) + 95.00
            patient_responsibility=D("0.00"), patient_paid=D("0.00"),
            contractual_adjustment=D("55.00"),  # CO-45 80.00 - 80.00 + 55.00 (CO-16 and CO-96 are not contractual)
            allowed=D("95.00"),  # 150.00 - 55.00
            co_oa_pi_adjustment=D("55.00"),  # (60 + 80 + 10) - (60 + 80 + 10) + 55
            # first adjudication CLP02 4; its largest CO/OA/PI other than 45/253: CO-16 60.00 > CO-96 10.00
            # (CO-45 80.00 is larger but excluded)
            is_denied_first_pass=True, first_denial_reason="16",
            is_resubmitted=True,  # frequency-7 837 on 02-03
            is_finally_denied=False,  # payer paid 95.00
            first_paid_date=date(2025, 2, 20), days_to_payment=35,  # 01-16 -> 02-20
            date_of_service=date(2025, 1, 8), submitted_at=local(2025, 1, 16, 16, 30), claim_lag_days=8,
            adjudication_count=3, is_adjudicated=True,
        ),
        "A104": dict(
            payer_paid=D("0.00"), patient_responsibility=D("0.00"), patient_paid=D("0.00"),
            contractual_adjustment=D("0.00"), allowed=D("150.00"),  # nothing contractual: allowed = charge
            co_oa_pi_adjustment=D("150.00"),  # CO-50
            # CLP02 1 with CLP04 = 0 and CLP05 = 0: a denial; reason the CO-50
            is_denied_first_pass=True, first_denial_reason="50", is_resubmitted=False,
            # paid 0 and responsibility 0; last adjudication 2025-01-30, 183 days before 2025-08-01 (>= 120)
            is_finally_denied=True,
            first_paid_date=None, days_to_payment=None,
            date_of_service=date(2025, 1, 9), submitted_at=local(2025, 1, 9, 16, 30), claim_lag_days=0,
            adjudication_count=1, is_adjudicated=True,
        ),
        "A105": dict(
            payer_paid=D("0.00"), patient_responsibility=D("180.00"),  # PR-1 deductible
            patient_paid=D("180.00"),  # P3 100.00 + P5 80.00
            contractual_adjustment=D("70.00"), allowed=D("180.00"),  # 250.00 - 70.00
            co_oa_pi_adjustment=D("70.00"),
            # paid 0 but CLP05 180: not a denial; responsibility 180 > 0: not finally denied
            is_denied_first_pass=False, first_denial_reason=None, is_resubmitted=False, is_finally_denied=False,
            first_paid_date=None, days_to_payment=None,  # never a CLP04 > 0
            date_of_service=date(2025, 1, 13), submitted_at=local(2025, 1, 16, 16, 30), claim_lag_days=3,
            adjudication_count=1, is_adjudicated=True,
        ),
        "A106": dict(
            payer_paid=D("78.40"),  # allowed 100.00 - coinsurance 20.00 = 80.00, less 2% sequestration 1.60
            patient_responsibility=D("20.00"), patient_paid=D("0.00"),  # P4 (10.00) names no appointment
            contractual_adjustment=D("51.60"),  # CO-45 50.00 + CO-253 1.60
            allowed=D("98.40"),  # 150.00 - 51.60
            co_oa_pi_adjustment=D("51.60"),
            is_denied_first_pass=False, first_denial_reason=None, is_resubmitted=False, is_finally_denied=False,
            first_paid_date=date(2025, 2, 18), days_to_payment=18,  # local date 01-31 -> 02-18
            # BHT 2025-01-31 20:30 CST = 2025-02-01 02:30 UTC: a January claim
            date_of_service=date(2025, 1, 14), submitted_at=local(2025, 1, 31, 20, 30), claim_lag_days=17,
            adjudication_count=1, is_adjudicated=True,
        ),
        "A107": dict(
            payer_paid=D("0.00"), patient_responsibility=D("0.00"), patient_paid=D("0.00"),  # sums over nothing
            contractual_adjustment=D("0.00"), allowed=D("150.00"), co_oa_pi_adjustment=D("0.00"),
            is_denied_first_pass=False, first_denial_reason=None, is_resubmitted=False,
            is_finally_denied=False,  # no adjudication at all
            first_paid_date=None, days_to_payment=None,
            date_of_service=date(2025, 7, 14), submitted_at=local(2025, 7, 16, 10, 0), claim_lag_days=2,
            adjudication_count=0, is_adjudicated=False,
        ),
        "A108": dict(
            payer_paid=D("80.00"), patient_responsibility=D("20.00"), patient_paid=D("20.00"),  # P2 at the visit
            contractual_adjustment=D("50.00"), allowed=D("100.00"), co_oa_pi_adjustment=D("50.00"),
            is_denied_first_pass=False, first_denial_reason=None, is_resubmitted=False, is_finally_denied=False,
            first_paid_date=date(2025, 3, 4), days_to_payment=18,  # 02-14 -> 03-04
            date_of_service=date(2025, 2, 10), submitted_at=local(2025, 2, 14, 16, 30), claim_lag_days=4,
            adjudication_count=1, is_adjudicated=True,
        ),
    }
    for claim_id, want in expected.items():
        got = {k: claims[claim_id][k] for k in want}
        assert got == want, claim_id
    assert claims["A106"]["submitted_month"] == date(2025, 1, 1)
    assert claims["A103"]["is_recovered_by_resubmission"] and not claims["A103"]["is_first_pass_resolved"]
    assert (claims["A103"]["first_adjudication_date"], claims["A103"]["last_adjudication_date"]) \
        == (date(2025, 1, 30), date(2025, 2, 20))
    assert claims["A102"]["is_first_pass_resolved"]  # reversed and re-paid, but never resubmitted
    assert {c: claims[c]["payer_type"] for c in ("A101", "A103", "A106")} \
        == {"A101": "commercial", "A103": "medicaid", "A106": "medicare"}
    assert {c["claim_id"]: (c["patient_mrn"], c["clinician_npi"]) for c in claims.values()} == {
        "A101": ("M001", C1), "A102": ("M002", C1), "A103": ("M003", C2), "A104": ("M004", C2),
        "A105": ("M005", C1), "A106": ("M006", C2), "A107": ("M001", C1), "A108": ("M005", C1)}
    # expected allowed (median allowed of paid claims of the CPT, payer and year of service):
    #   90834 / TXMCD / 2025: only A103 was paid (95.00); 90834 / PBH01 / 2025: A101 and A108 (100.00 each)
    #   90791 / PBH01: A105 was never paid by the payer -> none
    assert claims["A104"]["expected_allowed"] == D("95.00")
    assert claims["A107"]["expected_allowed"] == D("100.00")
    assert claims["A105"]["expected_allowed"] is None
    assert all(c["as_of_date"] == AS_OF for c in claims.values())


def test_unrecovered_denials(con) -> None:
    # A104 is the only finally denied claim (C2, 2025): its expected allowed 95.00
    assert query(con, "select * from marts.kpi_unrecovered_denials") == [dict(
        practice_id="default", clinician_npi=C2, service_year=2025, finally_denied_claims=1,
        finally_denied_claims_with_expected_allowed=1,
        finally_denied_charges=D("150.00"), unrecovered_denials=D("95.00"))]


def test_revenue_cycle_monthly(con) -> None:
    months = by(query(con, "select * from marts.kpi_revenue_cycle_monthly"), "month_start")
    assert set(months) == {date(2025, 1, 1), date(2025, 2, 1), date(2025, 7, 1)}

    jan = months[date(2025, 1, 1)]  # originally submitted in January: A101..A106
    assert jan["claims_submitted"] == 6
    assert jan["claims_adjudicated"] == 6  # each has a CLP that is not a reversal
    assert jan["first_pass_denials"] == 2  # A103 (CLP02 4), A104 (zero-paid CLP02 1); A105 is not one
    assert jan["initial_denial_rate"] == pytest.approx(2 / 6, abs=1e-12)
    assert jan["first_pass_resolved_claims"] == 4  # A101, A102, A105, A106
    assert jan["first_pass_resolution_rate"] == pytest.approx(4 / 6, abs=1e-12)
    assert (jan["resubmitted_after_denial_claims"], jan["recovered_by_resubmission_claims"]) == (1, 1)  # A103
    assert jan["resubmission_recovery_rate"] == pytest.approx(1.0, abs=1e-12)
    # claim lag: A101 3, A102 2, A103 8, A104 0, A105 3, A106 17 -> [0, 2, 3, 3, 8, 17]
    #   median (3 + 3) / 2 = 3; p90 at rank 0.9 x 5 = 4.5: 8 + 0.5 x (17 - 8) = 12.5
    assert jan["claim_lag_median_days"] == pytest.approx(3.0, abs=1e-12)
    assert jan["claim_lag_p90_days"] == pytest.approx(12.5, abs=1e-12)
    # days to payment: A101 14, A102 14, A103 35, A106 18 (A104, A105 never paid) -> [14, 14, 18, 35]
    #   median (14 + 18) / 2 = 16; p90 at rank 0.9 x 3 = 2.7: 18 + 0.7 x (35 - 18) = 29.9
    assert jan["days_to_payment_median"] == pytest.approx(16.0, abs=1e-12)
    assert jan["days_to_payment_p90"] == pytest.approx(29.9, abs=1e-12)
    # net collection, dates of service in January (all on or before 2025-04-03, so >= 120 days old):
    #   collected = A101 80.00 + 20.00, A102 128.00 + 32.00, A103 95.00, A104 0, A105 0 + 180.00, A106 78.40
    #             = 613.40
    #   allowed   = 100.00 + 160.00 + 95.00 + 150.00 + 180.00 + 98.40 = 783.40
    assert jan["net_collection_claims"] == 6
    assert jan["net_collection_collected"] == D("613.40")
    assert jan["net_collection_allowed"] == D("783.40")
    assert jan["net_collection_rate"] == pytest.approx(613.40 / 783.40, abs=1e-12)

    feb = months[date(2025, 2, 1)]  # A108 (the A103 resubmission is not an original submission)
    assert (feb["claims_submitted"], feb["claims_adjudicated"], feb["first_pass_denials"]) == (1, 1, 0)
    assert feb["initial_denial_rate"] == pytest.approx(0.0, abs=1e-12)
    assert feb["first_pass_resolution_rate"] == pytest.approx(1.0, abs=1e-12)
    assert feb["resubmission_recovery_rate"] is None  # 0 / 0
    assert feb["claim_lag_median_days"] == pytest.approx(4.0) and feb["claim_lag_p90_days"] == pytest.approx(4.0)
    assert feb["days_to_payment_median"] == pytest.approx(18.0) and feb["days_to_payment_p90"] == pytest.approx(18.0)
    # A108, DOS 02-10 (172 days before the as-of date): (80.00 + 20.00) / 100.00
    assert (feb["net_collection_claims"], feb["net_collection_collected"], feb["net_collection_allowed"]) \
        == (1, D("100.00"), D("100.00"))
    assert feb["net_collection_rate"] == pytest.approx(1.0, abs=1e-12)

    jul = months[date(2025, 7, 1)]  # A107: submitted, not adjudicated
    assert (jul["claims_submitted"], jul["claims_adjudicated"]) == (1, 0)
    assert jul["initial_denial_rate"] is None and jul["first_pass_resolution_rate"] is None
    assert jul["claim_lag_median_days"] == pytest.approx(2.0)  # 07-14 -> 07-16
    assert jul["days_to_payment_median"] is None
    # DOS 07-14 is 18 days before the as-of date: not in the net collection rate
    assert jul["net_collection_claims"] == 0 and jul["net_collection_rate"] is None
    assert all(m["as_of_date"] == AS_OF for m in months.values())


def test_denial_reasons_monthly(con) -> None:
    rows = query(con, "select * from marts.kpi_denial_reasons_monthly order by month_start, denial_reason")
    got = [(r["month_start"], r["denial_reason"], r["first_pass_denials"], r["claims_adjudicated"]) for r in rows]
    # January: A103 reason 16, A104 reason 50, each 1 of the 6 claims adjudicated
    assert got == [(date(2025, 1, 1), "16", 1, 6), (date(2025, 1, 1), "50", 1, 6)]
    assert [r["denial_rate"] for r in rows] == [pytest.approx(1 / 6, abs=1e-12)] * 2
    assert [r["denial_category"] for r in rows] == ["missing_information", "medical_necessity"]


def test_ar_daily(con) -> None:
    """A/R (kpis.md): over claims submitted on or before D, charge - payer paid - every CO/OA/PI
    adjustment - patient paid, each dated on or before D (835 amounts at BPR16, payments when received)."""
    days = by(query(con, "select * from marts.kpi_ar_daily"), "ar_date")
    # every day from the first original submission (2025-01-09) to the as-of date: 23 + 28 + 31 + 30
    # + 31 + 30 + 31 + 1 = 205 days
    assert min(days) == date(2025, 1, 9) and max(days) == AS_OF and len(days) == 205

    # 2025-01-31:
    #   A101 150 - 20 (P1) - 80 - 50 = 0; A102 200 - 120 - 50 = 30; A104 150 - 150 (CO-50) = 0;
    #   A103 150 - (60 + 80 + 10) = 0; A105 250 - 70 = 180 (the deductible waits for the patient);
    #   A106 150 (submitted 20:30 CST that day) -> 360.00
    jan31 = days[date(2025, 1, 31)]
    assert jan31["ar_balance"] == D("360.00")
    assert jan31["charges_last_90_days"] == D("1050.00")  # 150 + 200 + 150 + 150 + 250 + 150
    assert jan31["days_in_ar"] == pytest.approx(360 / (1050 / 90), abs=1e-9)  # 30.857142...
    assert jan31["ar_over_90_balance"] == D("0.00")  # no DOS before 2024-11-01
    assert jan31["ar_over_90_share"] == pytest.approx(0.0, abs=1e-12)

    # 2025-02-28:
    #   A102 30; A103 0 + 150 (02-20 reversal of the denial: -(-150)) - 95 - 55 = 0; A105 180 - 100 (P3) = 80;
    #   A106 150 - 78.40 - 51.60 = 20.00; A108 150 - 20 (P2, counted from its submission) = 130 -> 260.00
    feb28 = days[date(2025, 2, 28)]
    assert feb28["ar_balance"] == D("260.00")
    assert feb28["charges_last_90_days"] == D("1200.00")  # 1050 + A108 150 (2024-12-01..2025-02-28)
    assert feb28["days_in_ar"] == pytest.approx(260 / (1200 / 90), abs=1e-9)  # 19.5
    assert feb28["ar_over_90_balance"] == D("0.00")

    # 2025-04-30:
    #   A102 30 - (-120 + 128) - (-50 + 40) - 32 (P6) = 0; A105 80 - 80 (P5) = 0; A108 130 - 80 - 50 = 0;
    #   A106 20.00 (the coinsurance nobody paid) -> 20.00
    apr30 = days[date(2025, 4, 30)]
    assert apr30["ar_balance"] == D("20.00")
    assert apr30["charges_last_90_days"] == D("300.00")  # 2025-01-31..04-30: A106 + A108
    assert apr30["days_in_ar"] == pytest.approx(20 / (300 / 90), abs=1e-9)  # 6.0
    # over 90 days: DOS before 2025-01-30: A106 (01-14) -> 20.00 of 20.00
    assert apr30["ar_over_90_balance"] == D("20.00")
    assert apr30["ar_over_90_share"] == pytest.approx(1.0, abs=1e-12)

    # 2025-08-01: A106 20.00 + A107 150.00 (never adjudicated) = 170.00
    end = days[AS_OF]
    assert end["ar_balance"] == D("170.00")
    assert end["charges_last_90_days"] == D("150.00")  # 2025-05-04..08-01: A107
    assert end["days_in_ar"] == pytest.approx(170 / (150 / 90), abs=1e-9)  # 102.0
    assert end["ar_over_90_balance"] == D("20.00")  # DOS before 2025-05-03: A106; A107 (07-14) is not
    assert end["ar_over_90_share"] == pytest.approx(20 / 170, abs=1e-12)


# ---- access ------------------------------------------------------------------------------------------


def test_cash_weekly(con) -> None:
    rows = query(con, "select * from marts.cash_weekly")
    cash = {(r["week_start"], r["segment"]): r["cash"] for r in rows if r["cash"] != 0}
    # 835s on their BPR16 date (weeks start on Monday):
    #   PBH01 200.00 on Thu 01-23 (week 01-20); PBH01 and TXMCD 0.00 on 01-30 (non-payment notices);
    #   MCR01 78.40 on Tue 02-18 and TXMCD 95.00 (check) on Thu 02-20 (week 02-17);
    #   PBH01 90.35 on Tue 03-04 (week 03-03): 128.00 - 120.00 reversed + 80.00 + 2.35 PLB interest.
    # Patient payments on their local date: P1 20.00 Mon 01-06; P2 20.00 Mon 02-10 and P3 100.00 Fri 02-14
    #   (week 02-10); P4 10.00 Tue 02-25 (week 02-24); P5 80.00 Fri 03-14 (week 03-10); P6 32.00 Thu 03-20
    #   (week 03-17).
    expected_segments = {
        (date(2025, 1, 20), "commercial"): Decimal("200.00"),
        (date(2025, 2, 17), "medicare"): Decimal("78.40"),
        (date(2025, 2, 17), "medicaid"): Decimal("95.00"),
        (date(2025, 3, 3), "commercial"): Decimal("90.35"),
        (date(2025, 1, 6), "patient"): Decimal("20.00"),
        (date(2025, 2, 10), "patient"): Decimal("120.00"),
        (date(2025, 2, 24), "patient"): Decimal("10.00"),
        (date(2025, 3, 10), "patient"): Decimal("80.00"),
        (date(2025, 3, 17), "patient"): Decimal("32.00"),
    }
    expected_totals = {(week, "total"): Decimal("0") for week, _ in expected_segments}
    for (week, _), amount in expected_segments.items():
        expected_totals[week, "total"] += amount
    assert cash == expected_segments | expected_totals
    assert sum(amount for (_, segment), amount in cash.items() if segment == "total") == Decimal("725.75")
    # Every week from 01-06 to the as-of date's week (Mon 07-28) for every segment, empty weeks at 0; the
    # as-of date (Fri 08-01) ends no week, so its week is the only incomplete one.
    weeks = sorted({r["week_start"] for r in rows})
    assert weeks[0] == date(2025, 1, 6) and weeks[-1] == date(2025, 7, 28) and len(weeks) == 30
    assert {r["segment"] for r in rows} == {"total", "commercial", "medicaid", "medicare", "patient"}
    assert len(rows) == 30 * 5
    assert {r["week_start"] for r in rows if not r["is_complete_week"]} == {date(2025, 7, 28)}
    receipts = {(r["week_start"], r["segment"]): r["receipts"] for r in rows}
    assert receipts[date(2025, 1, 27), "total"] == 2 and cash.get((date(2025, 1, 27), "total")) is None


def test_the_cash_forecast_needs_a_year_of_paid_history(con) -> None:
    from models.cash.warehouse import from_open_claims

    # The tiny practice's claims start in January 2025: none was submitted 180 days or more before 2025-03-02.
    with pytest.raises(ValueError, match="too little history for a cash forecast"):
        from_open_claims(con, date(2025, 3, 2))
    from models.cash.forecast import run

    # 29 complete weeks of cash (the as-of date's week is not complete): a year and a quarter is needed.
    with pytest.raises(ValueError, match="too little history for a cash forecast: 29 complete weeks of cash in "
                                         "marts.cash_weekly, the forecast needs 66"):
        run(con)


def test_access_monthly(con) -> None:
    months = by(query(con, "select * from marts.kpi_access_monthly"), "month_start")
    assert set(months) == {date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1), date(2025, 7, 1)}

    dec = months[date(2024, 12, 1)]  # received: R1, R2 converted; R3 lost
    assert (dec["referrals_received"], dec["referrals_converted"], dec["referrals_lost"]) == (3, 2, 1)
    assert dec["referral_conversion_rate"] == pytest.approx(2 / 3, abs=1e-12)
    # first contact: R1 10:00 -> 14:30 = 4.5 h, R2 09:00 -> 13:00 = 4 h (R3 never reached)
    #   median 4.25; p90 4 + 0.9 x 0.5 = 4.45
    assert dec["first_contact_median_hours"] == pytest.approx(4.25, abs=1e-9)
    assert dec["first_contact_p90_hours"] == pytest.approx(4.45, abs=1e-9)
    # wait: R1 2024-12-20 10:00 -> A101 2025-01-06 09:00 = 16 d 23 h; R2 2024-12-27 09:00 -> A104
    #   2025-01-09 14:00 = 13 d 5 h. median (16 23/24 + 13 5/24) / 2; p90 13 5/24 + 0.9 x 3.75
    r1, r2 = 16 + 23 / 24, 13 + 5 / 24
    assert dec["referrals_with_first_session"] == 2
    assert dec["wait_for_first_session_median_days"] == pytest.approx((r1 + r2) / 2, abs=1e-9)  # 15.0833
    assert dec["wait_for_first_session_p90_days"] == pytest.approx(r2 + 0.9 * (r1 - r2), abs=1e-9)  # 16.5833
    assert dec["no_show_rate"] is None  # no appointment in December

    jan = months[date(2025, 1, 1)]  # received: R4 converted, R5 lost, R6 waitlisted (in neither count)
    assert (jan["referrals_received"], jan["referrals_converted"], jan["referrals_lost"]) == (3, 1, 1)
    assert jan["referral_conversion_rate"] == pytest.approx(0.5, abs=1e-12)
    # first contact: R4 2.5 h, R5 20:00 -> 09:00 = 13 h, R6 3 h -> [2.5, 3, 13]: median 3; p90 at rank 1.8:
    #   3 + 0.8 x 10 = 11
    assert jan["first_contact_median_hours"] == pytest.approx(3.0, abs=1e-9)
    assert jan["first_contact_p90_hours"] == pytest.approx(11.0, abs=1e-9)
    # wait: R4 01-02 08:00 -> A106 01-14 11:00 = 12 d 3 h (A109, its first appointment, was a no-show)
    assert jan["wait_for_first_session_median_days"] == pytest.approx(12.125, abs=1e-9)
    assert jan["wait_for_first_session_p90_days"] == pytest.approx(12.125, abs=1e-9)
    # scheduled in January: completed A101..A106 (6), no-show A109, late-cancelled A110 -> 1 / 8
    assert (jan["appointments_completed"], jan["appointments_no_show"], jan["appointments_late_cancelled"]) \
        == (6, 1, 1)
    assert jan["no_show_rate"] == pytest.approx(1 / 8, abs=1e-12)
    # note lag, Encounters ending in January: A101 2 h, A102 20 h, A103 30 h, A104 50 h, A105 80 h, A106 1.5 h
    #   [1.5, 2, 20, 30, 50, 80]: median 25; p90 at rank 4.5: 50 + 0.5 x 30 = 65; <= 24 h 3/6; <= 72 h 5/6
    assert jan["notes_final"] == 6
    assert jan["note_lag_median_hours"] == pytest.approx(25.0, abs=1e-9)
    assert jan["note_lag_p90_hours"] == pytest.approx(65.0, abs=1e-9)
    assert jan["note_lag_share_within_24h"] == pytest.approx(0.5, abs=1e-12)
    assert jan["note_lag_share_within_72h"] == pytest.approx(5 / 6, abs=1e-12)

    feb = months[date(2025, 2, 1)]  # A108 completed; A111 cancelled (not in the no-show rate)
    assert (feb["appointments_completed"], feb["appointments_no_show"], feb["appointments_late_cancelled"]) \
        == (1, 0, 0)
    assert feb["no_show_rate"] == pytest.approx(0.0, abs=1e-12)
    assert feb["referrals_received"] == 0 and feb["referral_conversion_rate"] is None
    assert feb["notes_final"] == 1 and feb["note_lag_median_hours"] == pytest.approx(26.0, abs=1e-9)  # A108
    assert feb["note_lag_share_within_24h"] == pytest.approx(0.0)
    assert feb["note_lag_share_within_72h"] == pytest.approx(1.0)

    jul = months[date(2025, 7, 1)]  # A107 completed, its note still preliminary
    assert jul["no_show_rate"] == pytest.approx(0.0, abs=1e-12)
    assert jul["notes_final"] == 0 and jul["note_lag_median_hours"] is None


# ---- outcomes ----------------------------------------------------------------------------------------


def test_outcomes_patient(con) -> None:
    rows = {(r["patient_mrn"], r["instrument"]): r for r in query(con, "select * from marts.kpi_outcomes_patient")}
    # every patient with a completed session (M001..M006) x both instruments
    assert set(rows) == {(f"M00{i}", k) for i in range(1, 7) for k in ("PHQ-9", "GAD-7")}

    def outcome(key):
        r = rows[key]
        return (r["baseline_at"], r["baseline_score"], r["latest_at"], r["latest_score"], r["score_change"],
                r["is_measurable"], r["is_reliably_improved"], r["is_response"], r["is_remission"])

    # M001, first completed session A101 2025-01-06 09:00: baseline window 2024-12-23 09:00 .. 2025-02-05 09:00.
    # GAD-7: 19 on 2024-12-15 (22 days before: not a baseline), 16 on 01-06 08:50 (baseline), 13 on 01-20,
    # 11 on 02-10, 7 on 07-14 (the last one at least 28 days after the baseline): 16 - 7 = 9 >= 4;
    # response 7 <= 8; remission 7 < 5 is false
    assert outcome(("M001", "GAD-7")) == (local(2025, 1, 6, 8, 50), 16, local(2025, 7, 14, 8, 50), 7, 9,
                                          True, True, True, False)
    # PHQ-9: 12 (01-06) -> 5 (02-10): 7 >= 6; response 5 <= 6; remission 5 < 5 is false
    assert outcome(("M001", "PHQ-9")) == (local(2025, 1, 6, 8, 50), 12, local(2025, 2, 10, 8, 50), 5, 7,
                                          True, True, True, False)
    # M004, first session A104 01-09 14:00: GAD-7 12 on 01-30 (day 21) is the baseline; 9 on 02-20 is only
    # 21 days after it: not measurable
    assert outcome(("M004", "GAD-7")) == (local(2025, 1, 30, 14), 12, None, None, None, False, None, None, None)
    # M006, first session A106 01-14 11:00: PHQ-9 8 at 10:55, 3 exactly 28 days later (counts):
    # 8 - 3 = 5 < 6; baseline under 10: no response or remission
    assert outcome(("M006", "PHQ-9")) == (local(2025, 1, 14, 10, 55), 8, local(2025, 2, 11, 10, 55), 3, 5,
                                          True, False, None, None)
    for key in rows.keys() - {("M001", "GAD-7"), ("M001", "PHQ-9"), ("M004", "GAD-7"), ("M006", "PHQ-9")}:
        assert outcome(key) == (None, None, None, None, None, False, None, None, None), key
    assert rows[("M001", "GAD-7")]["clinician_npi"] == C1 and rows[("M006", "PHQ-9")]["clinician_npi"] == C2
    assert rows[("M001", "GAD-7")]["is_adolescent"] and rows[("M001", "GAD-7")]["has_anxiety_disorder"]  # 14, F41.1
    assert rows[("M004", "GAD-7")]["is_adolescent"] and rows[("M004", "GAD-7")]["has_anxiety_disorder"]  # 13, F93.0


def test_small_groups_are_suppressed(con) -> None:
    # C1 has 3 patients (M001, M002, M005), C2 has 3 (M003, M004, M006): every group is under 11
    for row in query(con, "select * from marts.kpi_outcomes_clinician"):
        assert row["is_suppressed"] and row["patients_seen"] is None and row["share_measurable"] is None
    for row in query(con, "select * from marts.leadership_adolescent_anxiety"):
        assert row["is_suppressed"] and row["patients_seen"] is None and row["initial_denial_rate"] is None


def test_sessions_and_referrals(con) -> None:
    sessions = by(query(con, "select * from marts.fct_sessions"), "appointment_id")
    assert set(sessions) == {f"A1{i:02d}" for i in range(1, 12)}
    assert {a: s["note_lag_hours"] for a, s in sessions.items() if s["is_completed"]} == {
        "A101": 2.0, "A102": 20.0, "A103": 30.0, "A104": 50.0, "A105": 80.0, "A106": 1.5, "A108": 26.0,
        "A107": None}  # A107's note is preliminary
    assert {a for a, s in sessions.items() if s["is_billed"]} == {f"A10{i}" for i in range(1, 9)}
    assert sessions["A108"]["appointment_status"] == "completed"  # the 2025-03-01 row (later updated_at) wins
    referrals = by(query(con, "select * from marts.fct_referrals"), "referral_id")
    assert {r: x["first_session_appointment_id"] for r, x in referrals.items()} == {
        "R1": "A101", "R2": "A104", "R3": None, "R4": "A106", "R5": None, "R6": None}
