"""marts.fct_claim_deviations of the small demo practice, built through the whole asset graph with the
practice.toml the generator wrote, against the generator's ground truth (truth/claims.csv).

Where the generator knows a claim's cause (late filing, a note unsigned at submission, a missing
or exhausted authorization, unchecked eligibility) the warehouse's flag agrees for every claim,
and so do the facts behind them (authorization required, authorization on file, the eligibility
result).
"""

from __future__ import annotations

import csv
from datetime import date, datetime

import duckdb
import pytest

from synthetic import catalog

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(built_small_practice):
    """The session's warehouse of the small practice, built with the practice.toml the generator wrote."""
    con = duckdb.connect(str(built_small_practice.warehouse), read_only=True)
    yield built_small_practice.practice, con, built_small_practice.output
    con.close()


@pytest.fixture(scope="module")
def truth(built) -> dict[str, dict]:
    practice, _, _ = built
    with (practice.truth / "claims.csv").open(newline="", encoding="utf-8") as handle:
        return {row["claim_id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def deviations(built) -> dict[str, dict]:
    _, con, _ = built
    cursor = con.execute("select * from marts.fct_claim_deviations")
    names = [d[0] for d in cursor.description]
    return {record["claim_id"]: record for record in (dict(zip(names, row)) for row in cursor.fetchall())}


def causes(row: dict) -> set[str]:
    return set(filter(None, row["causes"].split(";")))


def agree(truth: dict[str, dict], deviations: dict[str, dict], expected, actual) -> list[tuple]:
    """Claims whose warehouse value differs from the ground truth's."""
    return [(claim_id, expected(row), actual(deviations[claim_id])) for claim_id, row in truth.items()
            if expected(row) != actual(deviations[claim_id])]


def test_the_build_loaded_the_practice_configuration(built):
    _, con, output = built
    assert "loading the payer rules of" in output
    assert con.execute("select count(*) from raw.practice_payer_rules where _source_file like '%practice.toml'"
                       ).fetchone()[0] == 8  # the default and the 7 insurers


def test_dim_payers_carries_each_payers_rules_from_the_catalog(built):
    _, con, _ = built
    rows = {r[0]: r[1:] for r in con.execute(
        "select payer_id, timely_filing_days, authorization_rule, authorization_after_visits, "
        "treatment_plan_review_days, has_own_payer_rules from marts.dim_payers").fetchall()}
    names = {"none": "none", "first_visit": "first_visit", "after_n": "after_visits"}
    for payer in catalog.PAYERS:
        rule, n = payer["auth"]
        assert rows[payer["payer_id"]] == (payer["filing"], names[rule], n if rule == "after_n" else None,
                                             payer["plan_review"], True)
    assert rows["SELF"] == (90, "none", None, 90, False)  # self-pay: the default


def test_one_row_per_claim_with_an_original_submission(built, truth, deviations):
    _, con, _ = built
    originals = {r[0] for r in con.execute(
        "select claim_id from marts.fct_claims where has_original_submission").fetchall()}
    assert set(deviations) == originals == set(truth)


def test_late_filing_agrees_with_the_ground_truth_for_every_claim(truth, deviations):
    # The generator: (local date of the first submission - date of service) > the payer's limit.
    assert sum("timely_filing" in causes(r) for r in truth.values()) > 0
    assert agree(truth, deviations, lambda r: "timely_filing" in causes(r), lambda d: d["is_late_filing"]) == []
    assert agree(truth, deviations, lambda r: r["late_filing"] == "true", lambda d: d["is_late_filing"]) == []
    lag = lambda r: (datetime.fromisoformat(r["submitted_at"]).date() - date.fromisoformat(r["date_of_service"])).days
    assert agree(truth, deviations, lag, lambda d: d["filing_lag_days"]) == []


def test_unsigned_notes_agree_with_the_ground_truth_for_every_claim(truth, deviations):
    assert sum("unsigned" in causes(r) for r in truth.values()) > 0
    assert agree(truth, deviations, lambda r: "unsigned" in causes(r),
                 lambda d: d["is_note_signed_after_submission"]) == []
    assert agree(truth, deviations, lambda r: r["unsigned_at_submission"] == "true",
                 lambda d: d["is_note_signed_after_submission"]) == []


def test_authorizations_agree_with_the_ground_truth_for_every_claim(truth, deviations):
    missing = lambda r: bool(causes(r) & {"authorization", "auth_exhausted"})
    assert sum(missing(r) for r in truth.values()) > 0
    assert sum(r["auth_on_file"] == "true" for r in truth.values()) > 0
    assert agree(truth, deviations, lambda r: r["auth_required"] == "true",
                 lambda d: d["is_authorization_required"]) == []
    assert agree(truth, deviations, lambda r: r["auth_on_file"] == "true",
                 lambda d: d["authorization_id"] is not None) == []
    assert agree(truth, deviations, missing, lambda d: d["is_without_required_authorization"]) == []


def test_after_visits_payers_need_an_authorization_from_visit_n_plus_one(deviations):
    after = {p["payer_id"]: p["auth"][1] for p in catalog.PAYERS if p["auth"][0] == "after_n"}
    rows = [d for d in deviations.values() if d["payer_id"] in after]
    assert {d["visit_number"] > after[d["payer_id"]] for d in rows} == {True, False}
    assert all(d["is_authorization_required"] == (d["visit_number"] > after[d["payer_id"]]) for d in rows)


def test_eligibility_agrees_with_the_ground_truth(built, truth, deviations):
    # The generator's eligibility is its last check's result ('unchecked' when none): the warehouse's
    # latest check by the session start.
    warehouse_result = lambda d: d["eligibility_result"] or "unchecked"
    assert agree(truth, deviations, lambda r: r["eligibility"], warehouse_result) == []
    assert {r["eligibility"] for r in truth.values()} >= {"active", "unchecked"}
    # The generator's cause "eligibility" is no check or an 'error' answer ('inactive' is not one of
    # its eligibility causes; is_eligibility_not_active flags it too).
    assert sum("eligibility" in causes(r) for r in truth.values()) > 0
    cause = lambda r: "eligibility" in causes(r)
    flagged = lambda d: d["is_without_eligibility_check"] or d["eligibility_result"] == "error"
    assert agree(truth, deviations, cause, flagged) == []
    assert all(d["is_eligibility_not_active"] == (d["eligibility_result"] in ("inactive", "error"))
               for d in deviations.values())
