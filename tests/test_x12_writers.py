"""The X12 writers: pyx12 accepts what they write, the values land where the TR3s put them, output is stable."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest

from connectors.npi import npi_check_digit
from connectors.x12_validate import validate_x12
from synthetic.records import (
    AckBatch,
    Adjustment,
    ClaimAck,
    ClaimPayment,
    ClaimSubmission,
    Clinician,
    Coverage,
    Guardian,
    Patient,
    Payer,
    Practice,
    ProviderAdjustment,
    Remittance,
    ServiceLine,
    ServicePayment,
    SubmissionBatch,
)
from synthetic.writers.x12 import Separators, render_277ca, render_835, render_837p

CENTRAL = timezone(timedelta(hours=-6))
CREATED = datetime(2024, 1, 2, 9, 0, tzinfo=CENTRAL)
PIPES = Separators(element="|", component=">", repetition="!", terminator="~", line_break=False)


def _npi(first_nine: str) -> str:
    return first_nine + npi_check_digit(first_nine)


def _payer(payer_id: str, name: str, payer_type: str) -> Payer:
    return Payer(
        payer_id=payer_id, name=name, payer_type=payer_type,
        address=("PO Box 1000", "Chicago", "IL", "60601"),
        fee_schedule={"90837": 12000, "90834": 9000, "90832": 6000},
        lag_median_days=14.0, lag_sigma=0.4, payment_weekday=2, timely_filing_days=90,
        auth_rule="none", auth_after_visits=0, cas_level="service", denial_style="4", denial_logit=0.0,
        copay_cents=2000, deductible_cents=50000, coinsurance=0.2, sequestration=payer_type == "medicare",
        updated_at=CREATED,
    )


def _clinician(npi: str, first: str, last: str, taxonomy: str) -> Clinician:
    return Clinician(
        npi=npi, first_name=first, last_name=last, gender="female", credential="LCSW", taxonomy=taxonomy,
        weekly_capacity=25, telehealth_share=0.3, doc_habit={}, note_lag_median_hours=12.0, note_lag_sigma=0.5,
        effectiveness=1.0, demand=1.0, sees_minors=True, does_family=False, does_group=False, denial_logit=0.0,
        length_drift=0.0, modifier_miss=0.0, started_on=date(2020, 1, 1),
    )


def _patient(mrn: str, first: str, last: str, birth: date, gender: str, guardian: Guardian | None = None,
             address_line: str = "12 Oak St Apt 3") -> Patient:
    return Patient(
        mrn=mrn, first_name=first, last_name=last, birth_date=birth, gender=gender,
        address_line=address_line, city="Springfield", state="IL", postal_code="62701-1234",
        phone="217-555-0100", guardian=guardian, created_at=CREATED,
    )


def _coverage(patient: Patient, payer: Payer, member_id: str, relationship: str = "self") -> Coverage:
    return Coverage(
        coverage_id=f"COV-{patient.mrn}", patient_mrn=patient.mrn, payer_id=payer.payer_id, member_id=member_id,
        start_date=date(2024, 1, 1), end_date=None, relationship=relationship, updated_at=CREATED,
    )


def _line(cpt: str, charge: int, on: date, pos: str = "11", modifiers: tuple[str, ...] = (), pointers=(1,)):
    return ServiceLine(cpt=cpt, modifiers=modifiers, charge_cents=charge, units=1, service_date=on,
                       place_of_service=pos, diagnosis_pointers=pointers)


def build_world() -> dict:
    """Every record the tests render, built fresh on each call (so determinism is tested across builds)."""
    practice = Practice(
        name="Lakeside Behavioral Health", npi=_npi("123456789"), tax_id="36-1234567", taxonomy="261QM0801X",
        address=("100 Main St", "Springfield", "IL", "627011234"), contact_name="Billing Office",
        contact_phone="(217) 555-0199", submitter_id="LAKESIDE01", timezone="America/Chicago",
    )
    acme = _payer("60054", "Acme Health Plan", "commercial")
    medicare = _payer("MCR01", "Medicare Part B", "medicare")
    medicaid = _payer("MCD77", "State Medicaid", "medicaid")
    smith = _clinician(_npi("198765432"), "Dana", "Smith", "1041C0700X")
    ortiz = _clinician(_npi("155555555"), "Luis", "Ortiz", "101YP2500X")
    ana = _patient("MRN001", "Ana", "García", date(1985, 4, 12), "female")
    sam = _patient("MRN002", "Sam", "Lee", date(2012, 9, 3), "male",
                   guardian=Guardian(first_name="Jordan", last_name="Lee", birth_date=date(1980, 2, 1), gender="other"))
    robert = _patient("MRN003", "Robert", "O'Neil", date(1950, 7, 30), "male")
    ana_cov = _coverage(ana, acme, "ACM100200")
    sam_cov = _coverage(sam, acme, "ACM555000", relationship="child")
    robert_cov = _coverage(robert, medicare, "1EG4TE5MK73")

    day = date(2024, 3, 4)
    claims = [
        ClaimSubmission(
            claim_id="APT0001", frequency="1", patient=ana, coverage=ana_cov, payer=acme, rendering=smith,
            diagnoses=("F41.1", "F32.1"), place_of_service="11", prior_auth="AUTH778", original_reference=None,
            lines=(_line("90837", 20000, day, pointers=(1, 2)),),
        ),
        ClaimSubmission(
            claim_id="APT0002", frequency="1", patient=robert, coverage=robert_cov, payer=medicare, rendering=ortiz,
            diagnoses=("F33.1",), place_of_service="11", prior_auth=None, original_reference=None,
            lines=(_line("90832", 15000, day),),
        ),
        ClaimSubmission(
            claim_id="APT0003", frequency="1", patient=sam, coverage=sam_cov, payer=acme, rendering=smith,
            diagnoses=("F90.0",), place_of_service="10", prior_auth=None, original_reference=None,
            lines=(_line("90834", 15000, day, pos="10", modifiers=("95",)),),
        ),
        ClaimSubmission(
            claim_id="APT0000", frequency="7", patient=ana, coverage=ana_cov, payer=acme, rendering=smith,
            diagnoses=("F41.1",), place_of_service="11", prior_auth=None, original_reference="ACMCTRL0000",
            lines=(_line("90834", 15000, day - timedelta(days=7)),),
        ),
    ]
    batch = SubmissionBatch(batch_id="B20240305A", submitted_at=datetime(2024, 3, 5, 14, 7, tzinfo=CENTRAL),
                            claims=claims)

    def paid(claim_id, status, charge, paid_cents, resp, pcn, patient, member, npi, claim_adj=(), services=(),
             remarks=()):
        return ClaimPayment(
            claim_id=claim_id, status=status, charge_cents=charge, paid_cents=paid_cents, patient_resp_cents=resp,
            payer_claim_control_number=pcn, place_of_service="11", frequency="1", patient=patient,
            member_id=member, rendering_npi=npi, claim_adjustments=list(claim_adj), services=list(services),
            remarks=remarks,
        )

    def service(cpt, charge, paid_cents, adjustments, remarks=(), modifiers=()):
        return ServicePayment(cpt=cpt, modifiers=modifiers, charge_cents=charge, paid_cents=paid_cents, units=1,
                              service_date=day, adjustments=list(adjustments), remarks=remarks)

    acme_remit = Remittance(
        remit_id="R-ACME-1", payer=acme, payment_date=date(2024, 3, 20), method="ACH", trace_number="EFT90001",
        claims=[
            paid("APT0001", "4", 20000, 0, 0, "ACMCTRL0001", ana, "ACM100200", smith.npi,
                 claim_adj=[Adjustment("CO", "197", 20000)], remarks=("N54",),
                 services=[service("90837", 20000, 0, [])]),
            paid("APT0003", "1", 15000, 0, 0, "ACMCTRL0003", sam, "ACM555000", smith.npi,
                 services=[service("90834", 15000, 0, [Adjustment("CO", "50", 15000)], remarks=("N180",),
                                   modifiers=("95",))]),
            paid("APT0000", "1", 15000, 9000, 3000, "ACMCTRL0004", ana, "ACM100200", smith.npi,
                 services=[service("90834", 15000, 9000, [Adjustment("PR", "1", 3000), Adjustment("CO", "45", 3000)])]),
            paid("APT0009", "22", -15000, -10000, -2000, "ACMCTRL0009", ana, "ACM100200", smith.npi,
                 claim_adj=[Adjustment("CO", "45", -3000), Adjustment("PR", "3", -2000)]),
            paid("APT0009", "1", 15000, 11000, 2000, "ACMCTRL0010", ana, "ACM100200", smith.npi,
                 services=[service("90834", 15000, 11000, [Adjustment("CO", "45", 2000), Adjustment("PR", "3", 2000)],
                                   remarks=("M15", "N130"))]),
        ],
        provider_adjustments=[ProviderAdjustment("L6", "INT0320", -235), ProviderAdjustment("WO", "ACMCTRL0007", 4000)],
    )
    medicare_remit = Remittance(
        remit_id="R-MCR-1", payer=medicare, payment_date=date(2024, 3, 22), method="CHK", trace_number="CHK440011",
        claims=[
            paid("APT0002", "1", 15000, 7840, 2000, "MCRCTRL0002", robert, "1EG4TE5MK73", ortiz.npi,
                 services=[service("90832", 15000, 7840, [Adjustment("CO", "45", 5000), Adjustment("PR", "2", 2000),
                                                           Adjustment("CO", "253", 160)])]),
        ],
        provider_adjustments=[],
    )
    medicaid_remit = Remittance(
        remit_id="R-MCD-1", payer=medicaid, payment_date=date(2024, 3, 22), method="ACH", trace_number="MCD000777",
        claims=[
            paid("APT0005", "4", 12000, 0, 0, "MCDCTRL0005", robert, "MCD9988", ortiz.npi,
                 claim_adj=[Adjustment("CO", "29", 12000)]),
        ],
        provider_adjustments=[],
    )

    ack = AckBatch(
        ack_id="ACK0001", payer=acme, received_at=datetime(2024, 3, 5, 18, 30, tzinfo=CENTRAL),
        batch_id="B20240305A",
        claims=[
            ClaimAck(claim_id="APT0001", charge_cents=20000, category="A2", status_code="20",
                     payer_claim_control_number="ACMCTRL0001", service_date=day, patient=ana, member_id="ACM100200",
                     rendering_npi=smith.npi),
            ClaimAck(claim_id="APT0003", charge_cents=15050, category="A7", status_code="562",
                     payer_claim_control_number=None, service_date=day, patient=sam, member_id="ACM555000",
                     rendering_npi=smith.npi),
        ],
    )
    return {
        "practice": practice, "batch": batch, "remits": [acme_remit, medicare_remit, medicaid_remit], "acks": [ack],
    }


def render_all(world: dict, sep: Separators = Separators()) -> dict[str, str]:
    practice = world["practice"]
    return {
        "837": render_837p(world["batch"], practice, 101, sep),
        "835": render_835(world["remits"], practice, 202, sep),
        "277": render_277ca(world["acks"], practice, 303, sep),
    }


@pytest.fixture(scope="module")
def world() -> dict:
    return build_world()


@pytest.fixture(scope="module")
def files(world) -> dict[str, str]:
    return render_all(world)


def segments(text: str, sep: Separators = Separators()) -> list[list[str]]:
    """Each segment as its list of elements."""
    raw = text.replace("\n", "").split(sep.terminator)
    assert raw[-1] == ""
    return [segment.split(sep.element) for segment in raw[:-1]]


def find(text: str, seg_id: str, first: str | None = None) -> list[list[str]]:
    return [seg for seg in segments(text) if seg[0] == seg_id and (first is None or seg[1] == first)]


def transactions(text: str) -> list[list[list[str]]]:
    """Segments of each ST..SE transaction, ST and SE included."""
    found, current = [], None
    for seg in segments(text):
        if seg[0] == "ST":
            current = []
        if current is not None:
            current.append(seg)
        if seg[0] == "SE":
            found.append(current)
            current = None
    return found


# ------------------------------------------------------------------------------------------- validity


@pytest.mark.parametrize("kind", ["837", "835", "277"])
def test_pyx12_accepts_every_file(files, kind):
    assert validate_x12(files[kind]) == []


@pytest.mark.parametrize("kind", ["837", "835", "277"])
def test_pyx12_accepts_other_separators_without_line_breaks(world, kind):
    text = render_all(world, PIPES)[kind]
    assert "\n" not in text
    assert validate_x12(text) == []


def test_validator_reports_errors():
    bad = render_all(build_world())["837"].replace("SE*26*", "SE*25*")
    assert any("SE" in error for error in validate_x12(bad))
    assert validate_x12("not x12 at all") != []


def test_validator_rejects_a_version_pyx12_has_no_map_for(files):
    errors = validate_x12(files["837"].replace("005010X222A1", "005010X222A2"))
    assert errors and "Map not found" in errors[0]


# ---------------------------------------------------------------------------------------- envelopes


@pytest.mark.parametrize("kind", ["837", "835", "277"])
def test_control_counts_and_numbers_agree(files, kind):
    segs = segments(files[kind])
    isa, gs, ge, iea = segs[0], segs[1], segs[-2], segs[-1]
    assert len("*".join(isa)) == 105  # ISA is fixed width
    assert isa[13] == iea[2] and int(isa[13]) == int(gs[6]) == int(ge[2])
    trans = transactions(files[kind])
    assert int(ge[1]) == len(trans) and iea[1] == "1"
    for tran in trans:
        assert int(tran[-1][1]) == len(tran)
        assert tran[0][2] == tran[-1][2]
    assert len({tran[0][2] for tran in trans}) == len(trans)


def test_envelope_values(files):
    isa = segments(files["837"])[0]
    assert isa[6] == "LAKESIDE01     " and isa[8] == "LANTERNCH      "
    assert isa[9:11] == ["240305", "1407"] and isa[11] == "^" and isa[13] == "000000101" and isa[16] == ":"
    assert find(files["837"], "GS")[0] == ["GS", "HC", "LAKESIDE01", "LANTERNCH", "20240305", "1407", "101", "X",
                                            "005010X222A1"]
    assert find(files["835"], "GS")[0][1] == "HP" and find(files["835"], "GS")[0][8] == "005010X221A1"
    assert find(files["277"], "GS")[0][1] == "HN" and find(files["277"], "GS")[0][8] == "005010X214"
    # three payers sent the 835s, so the clearinghouse is the interchange sender
    assert segments(files["835"])[0][6] == "LANTERNCH      "


# --------------------------------------------------------------------------------------------- 837P


def test_837_one_transaction_per_payer_in_batch_order(files):
    trans = transactions(files["837"])
    payers = [[seg[9] for seg in tran if seg[:2] == ["NM1", "PR"]] for tran in trans]
    assert payers == [["60054", "60054"], ["MCR01"]]  # Ana's subscriber loop, then Sam's guardian's
    clm01 = [[seg[1] for seg in tran if seg[0] == "CLM"] for tran in trans]
    assert clm01 == [["APT0001", "APT0000", "APT0003"], ["APT0002"]]


def test_837_medicare_transaction_segment_count(files):
    # ST BHT NM1 PER NM1 | HL PRV NM1 N3 N4 REF | HL SBR NM1 N3 N4 DMG NM1 | CLM HI NM1 PRV | LX SV1 DTP | SE
    medicare = transactions(files["837"])[1]
    assert medicare[-1][1] == "26"
    assert ["SBR", "P", "18", "", "", "", "", "", "", "MB"] in medicare


def test_837_header_and_billing_provider(world, files):
    npi = world["practice"].npi
    text = files["837"]
    assert find(text, "BHT")[0] == ["BHT", "0019", "00", "B20240305A", "20240305", "1407", "CH"]
    assert find(text, "PER")[0] == ["PER", "IC", "Billing Office", "TE", "2175550199"]
    assert find(text, "NM1", "85")[0] == ["NM1", "85", "2", "Lakeside Behavioral Health", "", "", "", "", "XX", npi]
    assert find(text, "REF", "EI")[0] == ["REF", "EI", "361234567"]
    assert find(text, "PRV", "BI")[0] == ["PRV", "BI", "PXC", "261QM0801X"]


def test_837_claim_values(world, files):
    text = files["837"]
    clm = {seg[1]: seg for seg in find(text, "CLM")}
    assert clm["APT0001"] == ["CLM", "APT0001", "200", "", "", "11:B:1", "Y", "A", "Y", "Y"]
    assert clm["APT0000"][5] == "11:B:7"
    assert clm["APT0003"][5] == "10:B:1"
    assert ["REF", "G1", "AUTH778"] in find(text, "REF")
    assert ["REF", "F8", "ACMCTRL0000"] in find(text, "REF")
    assert ["HI", "ABK:F411", "ABF:F321"] in find(text, "HI")
    assert ["SV1", "HC:90837", "200", "UN", "1", "", "", "1:2"] in find(text, "SV1")
    assert ["SV1", "HC:90834:95", "150", "UN", "1", "", "", "1"] in find(text, "SV1")
    assert ["DTP", "472", "D8", "20240226"] in find(text, "DTP")
    smith = world["batch"].claims[0].rendering
    assert ["NM1", "82", "1", "Smith", "Dana", "", "", "", "XX", smith.npi] in find(text, "NM1")
    assert ["PRV", "PE", "PXC", "1041C0700X"] in find(text, "PRV")


def test_837_minor_is_a_patient_under_the_guardian_subscriber(files):
    acme = transactions(files["837"])[0]
    ids = [seg[0] for seg in acme]
    sam_hl = [seg for seg in acme if seg[0] == "HL"][-2:]
    assert sam_hl == [["HL", "3", "1", "22", "1"], ["HL", "4", "3", "23", "0"]]
    start = acme.index(sam_hl[0])
    assert ids[start:start + 15] == ["HL", "SBR", "NM1", "N3", "N4", "DMG", "NM1", "HL", "PAT", "NM1", "N3", "N4",
                                     "DMG", "CLM", "HI"]
    assert acme[start + 1] == ["SBR", "P", "", "", "", "", "", "", "", "CI"]
    assert acme[start + 2] == ["NM1", "IL", "1", "Lee", "Jordan", "", "", "", "MI", "ACM555000"]
    assert acme[start + 5] == ["DMG", "D8", "19800201", "U"]
    assert acme[start + 8] == ["PAT", "19"]
    assert acme[start + 9] == ["NM1", "QC", "1", "Lee", "Sam"]
    assert acme[start + 12] == ["DMG", "D8", "20120903", "M"]


def test_837_splits_a_subscriber_past_100_claims(world):
    claim = world["batch"].claims[1]
    many = [ClaimSubmission(**{**{f: getattr(claim, f) for f in claim.__slots__}, "claim_id": f"APT9{n:03d}"})
            for n in range(101)]
    text = render_837p(SubmissionBatch("B3", datetime(2024, 3, 5, 9, 0), many), world["practice"], 3)
    assert validate_x12(text) == []
    assert find(text, "HL") == [["HL", "1", "", "20", "1"], ["HL", "2", "1", "22", "0"], ["HL", "3", "1", "22", "0"]]
    assert [seg[1] for seg in find(text, "CLM")] == [f"APT9{n:03d}" for n in range(101)]


def test_837_free_text_is_made_safe(world, files):
    assert ["NM1", "IL", "1", "Garcia", "Ana", "", "", "", "MI", "ACM100200"] in find(files["837"], "NM1")
    assert ["N4", "Springfield", "IL", "627011234"] in find(files["837"], "N4")
    claim = world["batch"].claims[1]
    awkward = _patient("MRN004", "Zoë", "Smith~Jones", date(1970, 1, 1), "female", address_line="1 Elm*Apt:2^B\tRear")
    awkward_claim = ClaimSubmission(**{**{f: getattr(claim, f) for f in claim.__slots__}, "patient": awkward})
    text = render_837p(SubmissionBatch("B2", datetime(2024, 3, 5, 9, 0), [awkward_claim]), world["practice"], 2)
    assert validate_x12(text) == []
    assert ["NM1", "IL", "1", "Smith Jones", "Zoe", "", "", "", "MI", "1EG4TE5MK73"] in find(text, "NM1")
    assert ["N3", "1 Elm Apt 2 B Rear"] in find(text, "N3")


# ---------------------------------------------------------------------------------------------- 835


def test_835_payment_amounts(files):
    bprs = find(files["835"], "BPR")
    # ACME: paid 0 + 0 + 90 - 100 + 110 = 100, less PLB (-2.35 interest + 40 recoupment) = 62.35
    assert bprs[0][:5] == ["BPR", "I", "62.35", "C", "ACH"]
    assert bprs[0][16] == "20240320" and len(bprs[0][7]) == 9 and bprs[0][10][0] == "1"
    assert bprs[1] == ["BPR", "C", "78.4", "C", "CHK"] + [""] * 11 + ["20240322"]
    assert bprs[2] == ["BPR", "H", "0", "C", "NON"] + [""] * 11 + ["20240322"]
    assert find(files["835"], "TRN")[0][:3] == ["TRN", "1", "EFT90001"]


def test_835_bpr_matches_remittance_total(world, files):
    for remit, bpr in zip(world["remits"], find(files["835"], "BPR")):
        assert round(float(bpr[2]) * 100) == remit.total_cents


def test_835_claims(world, files):
    text = files["835"]
    clp = find(text, "CLP")
    assert [seg[1:3] for seg in clp] == [["APT0001", "4"], ["APT0003", "1"], ["APT0000", "1"], ["APT0009", "22"],
                                         ["APT0009", "1"], ["APT0002", "1"], ["APT0005", "4"]]
    assert clp[0] == ["CLP", "APT0001", "4", "200", "0", "", "12", "ACMCTRL0001", "11", "1"]
    assert clp[3] == ["CLP", "APT0009", "22", "-150", "-100", "-20", "12", "ACMCTRL0009", "11", "1"]
    assert clp[5][6] == "MB" and clp[6][6] == "MC"
    cas = find(text, "CAS")
    assert ["CAS", "CO", "197", "200"] in cas
    assert ["CAS", "CO", "50", "150"] in cas
    assert ["CAS", "PR", "1", "30"] in cas and ["CAS", "CO", "45", "30"] in cas
    assert ["CAS", "CO", "45", "-30"] in cas and ["CAS", "PR", "3", "-20"] in cas
    assert ["CAS", "CO", "45", "50", "", "253", "1.6"] in cas  # one CAS per group, triplets in order
    assert ["MOA", "", "", "N54"] in find(text, "MOA")
    assert find(text, "LQ") == [["LQ", "HE", "N180"], ["LQ", "HE", "M15"], ["LQ", "HE", "N130"]]
    assert ["SVC", "HC:90834:95", "150", "0", "", "1"] in find(text, "SVC")
    assert ["NM1", "QC", "1", "Lee", "Sam", "", "", "", "MI", "ACM555000"] in find(text, "NM1")
    npi = world["practice"].npi
    assert find(text, "PLB") == [["PLB", npi, "20241231", "L6:INT0320", "-2.35", "WO:ACMCTRL0007", "40"]]


def test_835_service_cas_follows_the_service_date(files):
    segs = segments(files["835"])
    svc = next(i for i, seg in enumerate(segs) if seg[0] == "SVC" and seg[1] == "HC:90832")
    assert [seg[0] for seg in segs[svc:svc + 4]] == ["SVC", "DTM", "CAS", "CAS"]
    assert segs[svc + 1] == ["DTM", "472", "20240304"]


def test_835_more_than_six_adjustments_of_one_group_split(world):
    remit = world["remits"][1]
    claim = remit.claims[0]
    many = [Adjustment("CO", str(reason), 1) for reason in range(1, 9)]
    bigger = Remittance(remit.remit_id, remit.payer, remit.payment_date, "CHK", remit.trace_number,
                        [ClaimPayment(**{**{f: getattr(claim, f) for f in claim.__slots__}, "claim_adjustments": many,
                                         "paid_cents": claim.paid_cents})],
                        [])
    text = render_835([bigger], world["practice"], 7)
    cas = [seg for seg in find(text, "CAS") if seg[2] == "1"]
    assert cas == [["CAS", "CO", "1", "0.01", "", "2", "0.01", "", "3", "0.01", "", "4", "0.01", "", "5", "0.01", "",
                    "6", "0.01"]]
    assert ["CAS", "CO", "7", "0.01", "", "8", "0.01"] in find(text, "CAS")
    assert validate_x12(text) == []


# --------------------------------------------------------------------------------------------- 277CA


def test_277ca_values(world, files):
    text = files["277"]
    npi = world["practice"].npi
    assert find(text, "BHT")[0] == ["BHT", "0085", "08", "ACK0001", "20240305", "1830", "TH"]
    stc = find(text, "STC")
    assert stc[0] == ["STC", "A1:20", "20240305", "WQ", "350.5"]  # the batch
    assert stc[1] == ["STC", "A1:20", "", "WQ", "350.5"]  # the billing provider (STC02 not used there)
    assert stc[2] == ["STC", "A2:20", "20240305", "WQ", "200"]
    assert stc[3] == ["STC", "A7:562", "20240305", "U", "150.5"]
    assert find(text, "QTY") == [["QTY", "90", "1"], ["QTY", "AA", "1"], ["QTY", "QA", "1"], ["QTY", "QC", "1"]]
    assert ["AMT", "YY", "150.5"] in find(text, "AMT")
    assert find(text, "TRN") == [["TRN", "1", "ACK0001"], ["TRN", "2", "B20240305A"], ["TRN", "1", "B20240305A"],
                                 ["TRN", "2", "APT0001"], ["TRN", "2", "APT0003"]]
    assert find(text, "REF") == [["REF", "1K", "ACMCTRL0001"]]
    assert ["NM1", "85", "2", "Lakeside Behavioral Health", "", "", "", "", "XX", npi] in find(text, "NM1")
    assert find(text, "HL") == [["HL", "1", "", "20", "1"], ["HL", "2", "1", "21", "1"], ["HL", "3", "2", "19", "1"],
                                ["HL", "4", "3", "PT"], ["HL", "5", "3", "PT"]]


# ------------------------------------------------------------------------------- separators, stability


def _normalised(text: str, sep: Separators) -> list[list[list[str]]]:
    """Segments as elements as components, with ISA11/ISA16 (the separators themselves) blanked."""
    parsed = [[element.split(sep.component) for element in seg] for seg in segments(text, sep)]
    parsed[0][11] = parsed[0][16] = ["<separator>"]
    return parsed


@pytest.mark.parametrize("kind", ["837", "835", "277"])
def test_other_separators_give_the_same_segments(world, files, kind):
    piped = render_all(world, PIPES)[kind]
    assert _normalised(piped, PIPES) == _normalised(files[kind], Separators())
    isa = piped.split("~")[0]
    assert isa[3] == "|" and isa[-1] == ">" and isa.split("|")[11] == "!"


def test_same_records_give_identical_bytes():
    assert render_all(build_world()) == render_all(build_world())
    assert render_all(build_world(), PIPES) == render_all(build_world(), PIPES)


# ----------------------------------------------------------------------------------------- refusals


def test_refuses_what_x12_cannot_say(world):
    practice = world["practice"]
    claim = world["batch"].claims[2]
    orphan = ClaimSubmission(**{**{f: getattr(claim, f) for f in claim.__slots__},
                                "patient": _patient("MRN009", "Kim", "Park", date(2015, 1, 1), "female")})
    with pytest.raises(ValueError, match="no guardian"):
        render_837p(SubmissionBatch("B1", datetime(2024, 3, 5, 9, 0), [orphan]), practice, 1)
    remit = world["remits"][0]
    overdrawn = Remittance("R", remit.payer, remit.payment_date, "ACH", "T", [],
                           [ProviderAdjustment("WO", "X", 100)])
    with pytest.raises(ValueError, match="negative payment"):
        render_835([overdrawn], practice, 1)
    with pytest.raises(ValueError, match="control_number"):
        render_277ca(world["acks"], practice, 0)
    with pytest.raises(ValueError, match="separators"):
        Separators(element="*", component="*")


def test_money_formatting():
    from synthetic.writers.x12 import _money

    assert [_money(c) for c in (0, 5, 50, 100, 12345, 12340, -235, -4000)] == [
        "0", "0.05", "0.5", "1", "123.45", "123.4", "-2.35", "-40"]
    assert re.fullmatch(r"-?\d+(\.\d{1,2})?", _money(-1))
