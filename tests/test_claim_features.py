"""The denial model's features (marts.fct_claim_features) use nothing from after each claim's submission.

The leakage test: the small practice's landing zone is copied keeping only the deliveries dated on or
before a cutoff T (whole folders, each file as delivered) and built like the full one. A claim submitted
before T could only have been scored from what had arrived by T, so every one of its features must be
identical in the cut build and the full build. The comparison is shown to fail on deliberately leaky
features computed here in SQL (never added to the mart): a denial rate over all of a clinician's claims,
the note lag from the note's final signature, the rulebook check of a note signed after the claim went
out, an authorization's visits left after all its uses, and a payer x CPT denial rate over claims
submitted (rather than adjudicated) before the claim. A handful of claims' features are then recomputed
from the staging tables, one rule at a time, and compared with the mart.

A leak of something dated between a claim's submission and T is invisible to the cut (both builds hold
it): the same-day and one-second boundaries are the dbt unit tests' (features/_features.yml).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pytest

pytestmark = pytest.mark.slow

CUTOFF = date(2024, 7, 1)  # a delivery date of the small practice: half of its year
HISTORY_FROM = date(2024, 6, 1)  # claims submitted from here on have half a year of history behind them
PRACTICE_ZONE = ZoneInfo("America/Chicago")
CUTOFF_AT = datetime.combine(CUTOFF, time(0), PRACTICE_ZONE)
# The mart's key and its labels: outcomes, which are allowed to arrive later.
NOT_FEATURES = frozenset({"claim_id", "is_denied_first_pass", "is_adjudicated"})

FEATURES_SQL = "select * from marts.fct_claim_features"

# Leaky on purpose: each reads something that is only known after the claim was submitted.
LEAKY_FEATURES_SQL = {
    # outcomes of every claim of the clinician, whenever they were adjudicated
    "clinician_denial_rate_over_all_claims": """
        select f.claim_id, f.scored_at, f.is_billed, rates.denial_rate as leaky_feature
        from marts.fct_claim_features f
        left join (
            select clinician_npi, avg(case when is_denied_first_pass then 1.0 else 0.0 end) as denial_rate
            from marts.fct_claims where is_adjudicated group by clinician_npi
        ) rates using (clinician_npi)""",
    # the note's signature even when it came after the claim went out
    "note_lag_from_the_final_signature": """
        select f.claim_id, f.scored_at, f.is_billed, s.note_lag_hours as leaky_feature
        from marts.fct_claim_features f
        left join marts.fct_sessions s on s.appointment_id = f.claim_id""",
    # the rulebook check of the session's note, signed before the claim went out or not
    "documentation_of_a_note_signed_later": """
        select f.claim_id, f.scored_at, f.is_billed, d.passes_rulebook as leaky_feature
        from marts.fct_claim_features f
        left join marts.note_documentation d on d.appointment_id = f.claim_id""",
    # the visits an authorization has left after every session that used it, later ones included
    "authorization_visits_left_after_all_uses": """
        select f.claim_id, f.scored_at, f.is_billed, a.approved_visits - uses.n as leaky_feature
        from marts.fct_claim_features f
        left join intermediate.int_authorizations_allocated u on u.appointment_id = f.claim_id
        left join staging.stg_pm__authorizations a on a.authorization_id = u.authorization_id
        left join (select authorization_id, count(*) as n from intermediate.int_authorizations_allocated
                   group by authorization_id) uses on uses.authorization_id = u.authorization_id""",
    # outcomes of earlier submissions, known or not by the time this claim went out
    "payer_cpt_denial_rate_over_claims_submitted_before": """
        select f.claim_id, f.scored_at, f.is_billed,
               avg(case when c.is_denied_first_pass then 1.0 else 0.0 end) filter (where c.is_adjudicated)
                   as leaky_feature
        from marts.fct_claim_features f
        left join marts.fct_claims c
            on c.payer_id = f.payer_id and c.cpt_code = f.cpt_code and c.submitted_at < f.scored_at
        group by f.claim_id, f.scored_at, f.is_billed""",
}


def _cut_landing(landing: Path, target: Path, cutoff: date) -> None:
    """Copy the landing zone keeping the delivery folders named on or before `cutoff`, whole."""
    for source in sorted(p for p in landing.iterdir() if p.is_dir()):
        for delivery in sorted(p for p in source.iterdir() if p.is_dir()):
            if date.fromisoformat(delivery.name) <= cutoff:
                shutil.copytree(delivery, target / source.name / delivery.name)


def _build(landing: Path, config: Path, home: Path) -> Path:
    """`lantern build` into `home`, as the session's built practice is built (tests/conftest.py)."""
    from typer.testing import CliRunner

    from orchestration.cli import app

    warehouse = home / "warehouse.duckdb"
    saved = dict(os.environ)  # the command line sets Lantern's and the tools' variables for its run
    try:
        result = CliRunner().invoke(app, ["--home", str(home), "build", "--landing", str(landing),
                                          "--warehouse", str(warehouse), "--config", str(config)],
                                    env={"COLUMNS": "200"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 0, result.output
    return warehouse


@pytest.fixture(scope="module")
def full(built_small_practice) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(built_small_practice.warehouse), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def cut(small_practice, tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("cut_small")
    _cut_landing(small_practice.landing, root / "landing", CUTOFF)
    warehouse = _build(root / "landing", small_practice.practice_toml, root / "home")
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


def _scored_before_cutoff(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    with con.cursor() as cursor:  # a fresh cursor: the connection may hold another query's unfinished result
        return cursor.sql(f"select * from ({sql}) where is_billed and scored_at < ?",
                          params=[CUTOFF_AT]).to_arrow_table()


def changed_features(cut_rows: pa.Table, full_rows: pa.Table) -> dict[str, int]:
    """For each feature column, how many claims have a different value (nulls compared as values) in the cut
    build than in the full one; "missing" counts claims present in one build only."""
    with duckdb.connect() as con:
        con.register("cut_rows", cut_rows)
        con.register("full_rows", full_rows)
        changed = {"missing": con.execute(
            "select count(*) from cut_rows c full join full_rows f using (claim_id) "
            "where c.claim_id is null or f.claim_id is null").fetchone()[0]}
        for column in cut_rows.column_names:
            if column not in NOT_FEATURES:
                changed[column] = con.execute(
                    f'select count(*) from cut_rows c join full_rows f using (claim_id) '
                    f'where c."{column}" is distinct from f."{column}"').fetchone()[0]
    return {column: n for column, n in changed.items() if n}


def test_the_cut_keeps_only_deliveries_up_to_the_cutoff(cut, full):
    newest = cut.execute("select max(delivery_date) from staging.stg_loader__deliveries").fetchone()[0]
    assert newest == CUTOFF
    assert cut.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0] == CUTOFF
    assert full.execute("select as_of_date from intermediate.int_as_of_date").fetchone()[0] > CUTOFF


def test_no_feature_of_a_claim_submitted_before_the_cutoff_changes_when_later_deliveries_arrive(cut, full):
    cut_rows = _scored_before_cutoff(cut, FEATURES_SQL)
    full_rows = _scored_before_cutoff(full, FEATURES_SQL)
    assert cut_rows.num_rows > 500
    assert set(cut_rows.column_names) - NOT_FEATURES == set(full_rows.column_names) - NOT_FEATURES
    assert {"clinician_prior_denial_rate", "note_lag_hours", "authorization_visits_remaining",
            "doc_missing_count"} <= set(cut_rows.column_names)
    assert changed_features(cut_rows, full_rows) == {}
    # the labels do change: half a year of adjudications arrived after the cutoff
    adjudicated_later = full.execute(
        "select count(*) from marts.fct_claim_features where is_billed and scored_at < ? and is_adjudicated",
        [CUTOFF_AT]).fetchone()[0] - cut.execute(
        "select count(*) from marts.fct_claim_features where is_adjudicated").fetchone()[0]
    assert adjudicated_later > 0


@pytest.mark.parametrize("leaky", sorted(LEAKY_FEATURES_SQL))
def test_the_comparison_catches_a_feature_that_reads_the_future(cut, full, leaky):
    sql = LEAKY_FEATURES_SQL[leaky]
    changed = changed_features(_scored_before_cutoff(cut, sql), _scored_before_cutoff(full, sql))
    assert set(changed) == {"leaky_feature"}, changed
    assert changed["leaky_feature"] > 0


# ------------------------------------------------------------------ a handful of claims computed by hand

def _local_date(instant: datetime) -> date:
    return instant.astimezone(PRACTICE_ZONE).date()


def _rows(con: duckdb.DuckDBPyConnection, sql: str, *params) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _expected_features(con: duckdb.DuckDBPyConnection, claim_id: str) -> dict:
    """The features of one claim recomputed from the staging tables, one kpis.md / issue 5 rule at a time
    (the outcomes of earlier claims come from fct_claims, whose figures the build test holds to the truth)."""
    submissions = _rows(con, "select * from staging.stg_x12__claims where claim_id = ?", claim_id)
    original = min((s for s in submissions if s["frequency_code"] == "1"), key=lambda s: s["submitted_at"])
    submitted_at = original["submitted_at"]
    lines = _rows(con, "select * from staging.stg_x12__claim_lines where claim_key in "
                       "(select claim_key from staging.stg_x12__claims where claim_id = ?)", claim_id)
    first_line = min((line for line in lines if line["claim_key"] == original["claim_key"]),
                     key=lambda line: line["line_number"])
    date_of_service = min(line["service_date"] for line in lines)
    modifiers = sorted(m for m in (first_line["modifiers"] or "").split(",") if m)
    appointment = _rows(con, "select * from staging.stg_pm__appointments where appointment_id = ?", claim_id)[0]
    encounter = min(_rows(con, "select * from staging.stg_fhir__encounters where appointment_id = ?", claim_id),
                    key=lambda e: e["period_start_at"])
    session_start, session_end = encounter["period_start_at"], encounter["period_end_at"]
    signatures = [n["signed_at"] for n in _rows(
        con, "select * from staging.stg_fhir__document_references where encounter_id = ? "
             "and doc_status = 'final' and signed_at is not null", encounter["encounter_id"])]
    first_signature = min(signatures) if signatures else None
    signed_in_time = first_signature is not None and first_signature <= submitted_at
    checks = _rows(con, "select * from staging.stg_pm__eligibility_checks where patient_mrn = ? and payer_id = ? "
                        "and checked_at <= ?", appointment["patient_mrn"], original["payer_id"], session_start)
    latest_check = max(checks, key=lambda c: (c["checked_at"], c["eligibility_check_id"])) if checks else None
    rules = {r["payer_id"]: r["timely_filing_days"] for r in _rows(
        con, "select * from staging.stg_practice__payer_rules")}
    limit = rules.get(original["payer_id"], rules["*"])
    lag = (_local_date(submitted_at) - date_of_service).days
    telehealth = appointment["modality"] == "telehealth"
    telehealth_place = original["place_of_service"] in ("02", "10")
    known = [c for c in _rows(con, "select * from marts.fct_claims where has_original_submission and is_adjudicated")
             if c["first_adjudication_date"] < _local_date(submitted_at)]
    clinician = [c for c in known if c["clinician_npi"] == original["rendering_npi"]]
    pair = (original["payer_id"], first_line["procedure_code"])
    payer_cpt = [c for c in known if (c["payer_id"], c["cpt_code"]) == pair]
    return {
        "scored_at": submitted_at,
        "date_of_service": date_of_service,
        "modifiers": ",".join(modifiers),
        "has_modifier_95": "95" in modifiers,
        "is_telehealth": telehealth,
        "pos_matches_modality": (telehealth_place and "95" in modifiers) if telehealth
        else not telehealth_place and "95" not in modifiers,
        "session_minutes": (session_end - session_start).total_seconds() / 60,
        "is_eligibility_checked": latest_check is not None,
        "eligibility_result": latest_check["eligibility_result"] if latest_check else "none",
        "eligibility_age_days": (session_start - latest_check["checked_at"]).total_seconds() / 86400
        if latest_check else None,
        "filing_lag_days": lag,
        "timely_filing_days": limit,
        "days_left_to_file": limit - lag,
        "is_note_signed_before_submission": signed_in_time,
        "note_lag_hours": (first_signature - session_end).total_seconds() / 3600 if signed_in_time else None,
        "clinician_prior_claims": len(clinician),
        "clinician_prior_denials": sum(1 for c in clinician if c["is_denied_first_pass"]),
        "payer_cpt_prior_claims": len(payer_cpt),
        "payer_cpt_prior_denials": sum(1 for c in payer_cpt if c["is_denied_first_pass"]),
    }


# One claim of each kind the features must tell apart, chosen from the staging tables by their first
# claim id: coded as telehealth, a telehealth session coded as in person, its note signed after it went
# out, no eligibility check before the session, an eligibility error, filed after the payer's limit, and
# the first claim submitted from HISTORY_FROM on.
HAND_PICKED_SQL = {
    "half a year of history": f"""
        select min_by(claim_id, (submitted_at, claim_id)) from staging.stg_x12__claims
        where frequency_code = '1' and submitted_at >= timestamptz '{HISTORY_FROM} 00:00:00 America/Chicago'""",
    "telehealth coded as telehealth": """
        select min(c.claim_id) from staging.stg_x12__claims c
        join staging.stg_pm__appointments a on a.appointment_id = c.claim_id
        where c.frequency_code = '1' and a.modality = 'telehealth' and c.place_of_service = '10'""",
    "telehealth coded as in person": """
        select min(c.claim_id) from staging.stg_x12__claims c
        join staging.stg_pm__appointments a on a.appointment_id = c.claim_id
        where c.frequency_code = '1' and a.modality = 'telehealth' and c.place_of_service = '11'""",
    "note signed after submission": """
        select min(c.claim_id) from staging.stg_x12__claims c
        join staging.stg_fhir__encounters e on e.appointment_id = c.claim_id
        join staging.stg_fhir__document_references d on d.encounter_id = e.encounter_id
        where c.frequency_code = '1' and d.signed_at > c.submitted_at""",
    "no eligibility check": """
        select min(c.claim_id) from staging.stg_x12__claims c
        join staging.stg_pm__appointments a on a.appointment_id = c.claim_id
        where c.frequency_code = '1' and not exists (
            select 1 from staging.stg_pm__eligibility_checks k
            where k.patient_mrn = a.patient_mrn and k.payer_id = c.payer_id
              and k.checked_at <= a.scheduled_start_at)""",
    "eligibility error": """
        select min(c.claim_id) from staging.stg_x12__claims c
        join staging.stg_pm__appointments a on a.appointment_id = c.claim_id
        join staging.stg_pm__eligibility_checks k on k.patient_mrn = a.patient_mrn and k.payer_id = c.payer_id
        where c.frequency_code = '1' and k.eligibility_result = 'error'
          and k.checked_at between a.scheduled_start_at - interval 1 day and a.scheduled_start_at""",
    "filed late": """
        select min(c.claim_id) from staging.stg_x12__claims c
        join staging.stg_x12__claim_lines l using (claim_key)
        join staging.stg_practice__payer_rules r on r.payer_id = c.payer_id
        where c.frequency_code = '1'
          and cast(timezone('America/Chicago', c.submitted_at) as date) - l.service_date > r.timely_filing_days""",
}


def _documentation(con: duckdb.DuckDBPyConnection, claim_id: str) -> tuple[bool, int | None, bool | None]:
    """Whether any doc_has_<element> is true, doc_missing_count and doc_passes_rulebook of one claim."""
    return con.execute(
        "select doc_has_time or doc_has_risk or doc_has_mental_status or doc_has_intervention or doc_has_response "
        "or doc_has_plan or doc_has_necessity or doc_has_participants, doc_missing_count, doc_passes_rulebook "
        "from marts.fct_claim_features where claim_id = ?", [claim_id]).fetchall()[0]


@pytest.mark.parametrize("kind", list(HAND_PICKED_SQL))
def test_a_hand_picked_claims_features_are_its_staging_facts(full, kind):
    claim_id = full.execute(HAND_PICKED_SQL[kind]).fetchone()[0]
    assert claim_id is not None, f"the small practice has no claim {kind}"
    expected = _expected_features(full, claim_id)
    actual = _rows(full, f"select {', '.join(expected)} from marts.fct_claim_features where claim_id = ?",
                   claim_id)[0]
    for column, value in expected.items():
        if isinstance(value, float):
            assert actual[column] == pytest.approx(value, abs=1e-9), (claim_id, column)
        else:
            assert actual[column] == value, (claim_id, column)
    kind_facts = {
        "half a year of history": actual["clinician_prior_claims"] > 100 and actual["payer_cpt_prior_claims"] > 10,
        "telehealth coded as telehealth": actual["pos_matches_modality"] and actual["modifiers"] == "95",
        "telehealth coded as in person": actual["pos_matches_modality"] is False and actual["modifiers"] == "",
        "note signed after submission": not actual["is_note_signed_before_submission"]
        and actual["note_lag_hours"] is None and _documentation(full, claim_id) == (False, None, None),
        "no eligibility check": actual["eligibility_result"] == "none" and actual["eligibility_age_days"] is None,
        "eligibility error": actual["eligibility_result"] == "error" and 0 <= actual["eligibility_age_days"] <= 1,
        "filed late": actual["days_left_to_file"] < 0,
    }
    assert kind_facts[kind], (claim_id, actual)
