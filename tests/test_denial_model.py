"""The denial model end to end: training on a synthesized feature frame (with the mart's columns), determinism,
baselines, scoring, the store round trip; and the issue's behaviour tests on a model trained on the small
practice's warehouse."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from models.denial.dataset import FULL_FEATURES, SplitConfig, feature_set
from models.documentation.rulebook import CPT_RULES

PAYERS = {"P1": ("commercial", 90, 0.0), "P2": ("medicaid", 365, 0.4), "P3": ("medicare", 365, -0.3)}
CPTS = {"90832": 30, "90834": 45, "90837": 57, "90791": 60}
CPT_LOGIT = {"90832": -0.1, "90834": 0.0, "90837": 0.35, "90791": 0.15}
AS_OF = datetime(2024, 7, 1, tzinfo=UTC)


def synthetic_frame(n: int = 12000, seed: int = 3, unbilled: int = 100) -> pd.DataFrame:
    """Rows with the columns of marts.fct_claim_features, claims submitted from January 2023 to June 2024, and
    `true_denial_probability` (a logistic model of the faults, like the demo generator's)."""
    rng = np.random.default_rng(seed)
    start = date(2023, 1, 1)
    service = np.array([start + timedelta(days=int(d)) for d in rng.integers(0, 540, n)])
    payer = rng.choice(list(PAYERS), n)
    cpt = rng.choice(list(CPTS), n)
    telehealth = rng.random(n) < 0.3
    modifier_95 = telehealth & (rng.random(n) > 0.12)
    pos = np.where(telehealth & modifier_95, "10", "11")
    minutes = np.array([CPTS[c] for c in cpt]) + rng.normal(0, 5, n).round()
    fits = np.array([CPT_RULES[c].length_fits(float(m)) for c, m in zip(cpt, minutes, strict=True)], dtype=object)
    required = rng.random(n) < 0.3
    on_file = required & (rng.random(n) < 0.8)
    visits = np.where(on_file, rng.integers(0, 10, n).astype(float), np.nan)
    without = required & (~on_file | (visits == 0))
    checked = rng.random(n) < 0.9
    result = np.where(checked, np.where(rng.random(n) < 0.95, "active", "inactive"), "none")
    lag = np.where(rng.random(n) < 0.04, rng.integers(80, 200, n), rng.integers(0, 15, n))
    limit = np.array([PAYERS[p][1] for p in payer])
    signed = rng.random(n) < 0.9
    missing = signed & (rng.random(n) < 0.15)
    missing_element = rng.choice(["risk", "plan", "intervention"], n)
    # the treatment plan's last review (its own generator, so the draws above stay those of the earlier frame)
    plan_rng = np.random.default_rng(seed + 1000)
    review_interval = np.array([180 if PAYERS[p][0] == "commercial" else 90 for p in payer])
    since_review = np.where(plan_rng.random(n) < 0.02, np.nan, plan_rng.integers(0, 200, n).astype(float))
    overdue = np.where(np.isnan(since_review), np.nan, since_review > review_interval)
    logit = (-2.2 + np.array([PAYERS[p][2] for p in payer]) + np.array([CPT_LOGIT[c] for c in cpt])
             + 1.6 * without + 1.5 * (fits == False) + 1.05 * missing  # noqa: E712 (fits holds None)
             + 1.7 * (telehealth & ~modifier_95) + 0.45 * ~checked + 0.9 * (result == "inactive")
             + 3.0 * (lag > limit) + 0.7 * ~signed + 1.2 * np.nan_to_num(overdue))
    probability = 1 / (1 + np.exp(-logit))
    denied = rng.random(n) < probability
    scored_at = np.array([datetime(d.year, d.month, d.day, 21, 30, tzinfo=UTC) + timedelta(days=int(x))
                          for d, x in zip(service, lag, strict=True)])
    frame = pd.DataFrame({
        "claim_id": [f"C{i:05d}" for i in range(n)],
        "is_billed": True,
        "scored_at": scored_at,
        "date_of_service": service,
        "service_month": [d.replace(day=1) for d in service],
        "is_adjudicated": True,
        "is_denied_first_pass": denied,
        "payer_id": payer,
        "payer_type": [PAYERS[p][0] for p in payer],
        "cpt_code": cpt,
        "modifiers": np.where(modifier_95, "95", ""),
        "place_of_service": pos,
        "modality": np.where(telehealth, "telehealth", "office"),
        "diagnosis_group": rng.choice(["anxiety", "depression", "trauma"], n),
        "clinician_npi": rng.choice([f"10000000{i:02d}" for i in range(6)], n),
        "has_modifier_95": modifier_95,
        "is_telehealth": telehealth,
        "pos_matches_modality": ~telehealth | modifier_95,
        "session_minutes": minutes,
        "cpt_min_minutes": [CPT_RULES[c].min_minutes for c in cpt],
        "cpt_max_minutes": [CPT_RULES[c].max_minutes for c in cpt],
        "minutes_fit_cpt": fits,
        "is_authorization_required": required,
        "has_authorization_on_file": on_file,
        "authorization_visits_remaining": visits,
        "is_without_required_authorization": without,
        "is_eligibility_checked": checked,
        "eligibility_result": result,
        "eligibility_age_days": np.where(checked, rng.integers(0, 60, n).astype(float), np.nan),
        "filing_lag_days": lag,
        "timely_filing_days": limit,
        "days_left_to_file": limit - lag,
        "is_note_signed_before_submission": signed,
        "note_lag_hours": np.where(signed, rng.exponential(30, n), np.nan),
        "clinician_prior_claims": rng.integers(0, 500, n),
        "clinician_prior_denials": 0,
        "clinician_prior_denial_rate": rng.uniform(0.1, 0.3, n),
        "payer_cpt_prior_claims": rng.integers(0, 300, n),
        "payer_cpt_prior_denials": 0,
        # the pair's own rate, without the claim's faults, measured on a few hundred claims
        "payer_cpt_prior_denial_rate": np.clip(1 / (1 + np.exp(2.2 - np.array([PAYERS[p][2] for p in payer])
                                                               - np.array([CPT_LOGIT[c] for c in cpt])))
                                               + 0.03 + rng.normal(0, 0.02, n), 0, 1),
        "true_denial_probability": probability,
    })
    for element in ("time", "risk", "mental_status", "intervention", "response", "plan", "necessity",
                    "participants"):
        frame[f"doc_has_{element}"] = signed & ~(missing & (missing_element == element))
    frame["doc_missing_count"] = missing.astype(int)
    frame["doc_passes_rulebook"] = signed & ~missing
    frame["treatment_plan_review_days"] = review_interval
    frame["days_since_plan_review"] = since_review
    frame["is_treatment_plan_overdue"] = pd.array([None if np.isnan(o) else bool(o) for o in overdue], dtype="boolean")
    # Nullable types, as DuckDB returns them.
    for name in frame.columns:
        if frame[name].dtype == bool or name in ("minutes_fit_cpt", "is_denied_first_pass"):
            frame[name] = frame[name].astype("boolean")
    # The newest month is half adjudicated; the last rows are the unbilled work queue.
    newest = frame["scored_at"] >= datetime(2024, 6, 1, tzinfo=UTC)
    pending = newest & (rng.random(n) < 0.5)
    frame.loc[pending, ["is_adjudicated"]] = False
    frame.loc[pending, "is_denied_first_pass"] = None
    queue = frame.index[-unbilled:]
    frame.loc[queue, ["is_billed", "is_adjudicated"]] = False
    frame.loc[queue, "is_denied_first_pass"] = None
    frame.loc[queue, "scored_at"] = AS_OF
    frame.loc[queue, ["modifiers", "place_of_service"]] = None
    frame.loc[queue, ["pos_matches_modality", "has_modifier_95"]] = None
    return frame


def as_loaded(frame: pd.DataFrame) -> pd.DataFrame:
    """What models.denial.dataset.load_features adds: the UTC month of scored_at and the label."""
    out = frame.copy()
    out["split_month"] = [at.astimezone(UTC).date().replace(day=1) for at in out["scored_at"]]
    billed = out["is_billed"].astype(bool)
    out["label"] = np.where(billed & out["is_denied_first_pass"].notna(),
                            out["is_denied_first_pass"].astype(float), np.nan)
    return out


def test_synthetic_frame_has_every_feature():
    assert feature_set(list(synthetic_frame(200).columns)) == FULL_FEATURES


# -- training and scoring on a synthesized frame ------------------------------------------------------------------

SPLIT = SplitConfig(test_months=4, validation_months=3)


@pytest.fixture(scope="module")
def synthetic():
    return as_loaded(synthetic_frame())


@pytest.fixture(scope="module")
def synthetic_run(synthetic):
    from models.denial.train import train_denial_model

    return train_denial_model(synthetic, FULL_FEATURES, SPLIT, truth=synthetic[["claim_id", "true_denial_probability"]],
                              expected_allowed={"P1|90837": 120.0, "*|90837": 110.0, "*|*": 100.0})


def test_training_is_deterministic(synthetic, synthetic_run):
    from models.denial.train import train_denial_model

    again = train_denial_model(synthetic, FULL_FEATURES, SPLIT)
    assert again.model.booster.model_to_string() == synthetic_run.model.booster.model_to_string()
    assert again.model.calibrator == synthetic_run.model.calibrator
    assert again.data_hash == synthetic_run.data_hash
    # The hash is of the rows, not their order.
    shuffled = synthetic.sample(frac=1.0, random_state=5)
    assert train_denial_model(shuffled, FULL_FEATURES, SPLIT).data_hash == synthetic_run.data_hash


def test_the_split_and_the_evaluation_rows(synthetic, synthetic_run):
    window = synthetic_run.model.window
    # Claims submitted January 2023 to late 2024; June 2024 is half adjudicated, so May 2024 ends the test months.
    assert (window.test_first, window.test_last) == (date(2024, 2, 1), date(2024, 5, 1))
    assert (window.validation_first, window.validation_last) == (date(2023, 11, 1), date(2024, 1, 1))
    assert window.train_last == date(2023, 10, 1)
    splits = synthetic_run.splits
    assert set(splits[synthetic["label"].isna()]) == {"new"}
    assert synthetic_run.evaluation.rows["test"] == synthetic_run.evaluation.test["model"]["rows"]
    assert synthetic_run.evaluation.rows == {name: int((splits == name).sum())
                                             for name in ("train", "validation", "test", "new")}


def test_the_model_learns_the_faults_and_beats_the_payer_cpt_rate(synthetic_run):
    test = synthetic_run.evaluation.test
    model, rate, best = test["model"], test["payer_cpt_rate"], test["true_probability"]
    assert model["roc_auc"] > rate["roc_auc"] + 0.05
    assert model["brier"] < rate["brier"]
    assert model["roc_auc"] > best["roc_auc"] - 0.05  # 2,600 test claims: within 0.05 of the best achievable
    assert model["ece"] < 0.05
    assert synthetic_run.best_iteration <= 400


def test_scoring_every_row(synthetic, synthetic_run):
    from models.denial.dataset import assign_splits
    from models.denial.score import score

    scored = score(synthetic, synthetic_run.model)
    assert len(scored) == len(synthetic) and scored["claim_id"].tolist() == synthetic["claim_id"].tolist()
    assert scored["split"].tolist() == assign_splits(synthetic, synthetic_run.model.window).tolist()
    p = scored["denial_probability"]
    assert ((p >= 0) & (p <= 1)).all()
    expected_band = np.where(p >= 0.4, "high", np.where(p >= 0.2, "medium", "low"))
    assert scored["risk_band"].tolist() == expected_band.tolist()
    # P1 x 90837 has its own typical allowed; another payer's 90837 the CPT's; anything else the overall one.
    allowed = np.where((synthetic["payer_id"] == "P1") & (synthetic["cpt_code"] == "90837"), 120.0,
                       np.where(synthetic["cpt_code"] == "90837", 110.0, 100.0))
    assert scored["expected_allowed"].tolist() == allowed.tolist()
    assert np.allclose(scored["expected_loss"], p * allowed)
    # The work queue: the unbilled rows still inside their filing limit, ranked 1..n by expected loss.
    fileable = ~scored["is_billed"] & (synthetic["days_left_to_file"].to_numpy() >= 0)
    queue = scored[fileable].sort_values("work_queue_rank")
    assert 0 < fileable.sum() < (~scored["is_billed"]).sum()
    assert queue["work_queue_rank"].tolist() == list(range(1, int(fileable.sum()) + 1))
    assert queue["expected_loss"].is_monotonic_decreasing
    assert scored.loc[~fileable, "work_queue_rank"].isna().all()
    # Reasons: at most 3, and every claim past its filing limit is told so.
    assert all(len(reasons) <= 3 for reasons in scored["reasons"])
    late = scored[synthetic["days_left_to_file"].to_numpy() < 0]
    assert len(late) > 50
    assert all(any(r["reason_group"] == "filing" for r in reasons) for reasons in late["reasons"])
    assert (scored["reason_1"].isna() | scored["reasons"].map(len).gt(0)).all()


def test_a_stored_run_has_its_card_and_plot(synthetic_run, tmp_path):
    from models.denial.card import headline
    from models.denial.store import load_version, read_metadata
    from models.denial.train import save_run

    version = save_run(tmp_path, synthetic_run)
    folder = tmp_path / version
    assert sorted(p.name for p in folder.iterdir()) == [
        "calibrator.json", "card.md", "metadata.json", "model.txt", "reliability.png"]
    assert (folder / "reliability.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metadata = read_metadata(tmp_path, version)
    card = (folder / "card.md").read_text()
    for needle in ("## Data window", "## Features", "ROC AUC", "PR AUC", "Brier", "ECE", "lift at top 10%",
                   "recall at 90% precision", "## ROC AUC per payer", "best achievable: the true probabilities",
                   "baseline: logistic regression", "baseline: payer x CPT past denial rate", "reliability.png",
                   headline(metadata), metadata["data_hash"]):
        assert needle in card
    assert metadata["training_window"]["test_first"] == "2024-02-01"
    assert metadata["expected_allowed"] == {"P1|90837": 120.0, "*|90837": 110.0, "*|*": 100.0}
    loaded = load_version(tmp_path, version)
    sample = as_loaded(synthetic_frame(300, seed=9))
    assert np.allclose(loaded.predict(sample), synthetic_run.model.predict(sample), rtol=0, atol=1e-12)


def test_expected_allowed_is_the_median_allowed_of_paid_claims_in_the_window():
    import duckdb

    from models.denial.score import expected_allowed_table

    con = duckdb.connect()
    con.execute("create table claims (payer_id varchar, cpt_code varchar, date_of_service date, "
                "payer_paid decimal(18,2), allowed decimal(18,2))")
    con.execute("insert into claims values "
                "('P1', '90837', '2024-01-05', 100, 150), ('P1', '90837', '2024-02-05', 80, 130), "
                "('P1', '90837', '2024-02-06', 0, 10), "  # not paid
                "('P1', '90837', '2024-04-01', 90, 999), "  # after the window
                "('P2', '90837', '2024-03-31', 70, 110), ('P2', '90834', '2024-01-01', 60, 90)")
    table = expected_allowed_table(con, date(2024, 1, 1), date(2024, 4, 1), claims="claims")
    # P1 x 90837: median of 150 and 130; 90837 over payers: 150, 130, 110 -> 130; everything: 150, 130, 110, 90 -> 120.
    assert table == {"P1|90837": 140.0, "P2|90837": 110.0, "P2|90834": 90.0, "*|90837": 130.0, "*|90834": 90.0,
                     "*|*": 120.0}


# -- on the small practice's warehouse ------------------------------------------------------------------------------

SMALL_SPLIT = SplitConfig(test_months=3, validation_months=2)  # 12 months of history: 3 test, 2 validation


@pytest.fixture(scope="module")
def small_warehouse(built_small_practice, tmp_path_factory):
    """A copy of the small practice's warehouse (the assets write marts.claim_denial_risk into it)."""
    import shutil

    copy = tmp_path_factory.mktemp("denial_small") / "warehouse.duckdb"
    shutil.copy(built_small_practice.warehouse, copy)
    return copy


@pytest.fixture(scope="module")
def small_run(small_warehouse):
    import duckdb

    from models.denial.dataset import load_features
    from models.denial.train import train_denial_model

    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        frame, features = load_features(con)
    return frame, train_denial_model(frame, features, SMALL_SPLIT)


def _faultless(frame: pd.DataFrame, run, fault: str) -> pd.DataFrame:
    """The test months' claims without the fault."""
    test = frame[(run.splits == "test").to_numpy()]
    return test[~test[fault].fillna(False).astype(bool)].copy()


def test_a_claim_missing_a_required_authorization_scores_higher(small_run):
    frame, run = small_run
    claims = _faultless(frame, run, "is_without_required_authorization")
    assert len(claims) > 500
    without = claims.assign(is_authorization_required=True, has_authorization_on_file=False,
                            authorization_visits_remaining=pd.NA, is_without_required_authorization=True)
    with_it = claims.assign(is_authorization_required=True, has_authorization_on_file=True,
                            authorization_visits_remaining=5, is_without_required_authorization=False)
    assert (run.model.predict(without) > run.model.predict(with_it)).all()


def test_a_90837_with_a_48_minute_session_scores_higher_than_with_60_minutes(small_run):
    frame, run = small_run
    claims = _faultless(frame, run, "is_without_required_authorization").assign(
        cpt_code="90837", cpt_min_minutes=53, cpt_max_minutes=pd.NA)
    short = claims.assign(session_minutes=48.0, minutes_fit_cpt=False)
    full = claims.assign(session_minutes=60.0, minutes_fit_cpt=True)
    assert (run.model.predict(short) > run.model.predict(full)).all()
    # And the reasons say why, with the fix.
    from models.denial.reasons import top_reasons

    reasons = top_reasons(short.head(50), run.model.contributions(short.head(50)), list(run.model.features.names))
    session = [r for row in reasons for r in row if r.group == "session_length"]
    assert len(session) == 50
    assert {r.reason for r in session} == {"a 48-minute session billed as 90837 (53+ minutes)"}


def _materialize(warehouse, store, truth, selection=None):
    from dagster import DagsterInstance, materialize

    from orchestration.models.assets import claim_denial_risk, denial_model, denial_model_promotion
    from orchestration.models.resources import ModelStoreResource, TruthResource
    from orchestration.resources import WarehouseResource

    return materialize(
        [denial_model, denial_model_promotion, claim_denial_risk],
        instance=DagsterInstance.ephemeral(),
        resources={"warehouse": WarehouseResource(path=str(warehouse)),
                   "model_store": ModelStoreResource(path=str(store)), "truth": TruthResource(path=str(truth))},
        run_config={"ops": {"models__denial_model": {"config": {"test_months": 3, "validation_months": 2}}}},
        raise_on_error=False, selection=selection,
    )


def test_the_assets_train_check_promote_and_score(small_warehouse, built_small_practice, tmp_path, monkeypatch):
    import duckdb
    from dagster import AssetKey

    from models.denial.store import promoted_version, read_metadata, versions

    store = tmp_path / "models" / "denial"
    result = _materialize(small_warehouse, store, built_small_practice.practice.truth)
    assert result.success
    assert versions(store) == ["v0001"] and promoted_version(store) == "v0001"
    [check] = result.get_asset_check_evaluations()
    assert check.passed and check.asset_key == AssetKey(["models", "denial_model"])
    metadata = read_metadata(store, "v0001")
    assert "true_probability" in metadata["metrics"]["test"]  # the truth folder has claims.csv
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        features = con.execute("select count(*), count(*) filter (where not is_billed and "
                               "coalesce(days_left_to_file, 0) >= 0) from marts.fct_claim_features").fetchone()
        table = con.execute("select count(*), count(distinct model_version), count(work_queue_rank), "
                            "max(work_queue_rank) from marts.claim_denial_risk").fetchone()
        by_split = dict(con.execute("select split, count(*) from marts.claim_denial_risk group by 1").fetchall())
        queue = con.execute("select expected_loss from marts.claim_denial_risk where work_queue_rank is not null "
                            "order by work_queue_rank").fetchall()
        unbilled_split = con.execute("select distinct split from marts.claim_denial_risk "
                                     "where not is_billed").fetchall()
    assert table == (features[0], 1, features[1], features[1])
    assert {k: v for k, v in by_split.items() if k != "new"} == {
        k: v for k, v in metadata["rows"].items() if k != "new"}
    assert [row[0] for row in queue] == sorted((row[0] for row in queue), reverse=True)
    assert unbilled_split == [("new",)]

    # A candidate that fails its check is stored, not promoted, and the blocking check stops the scoring.
    from models.denial.store import PromotionCheck
    from orchestration.models import assets

    monkeypatch.setattr(assets, "promotion_check", lambda test: PromotionCheck(False, [("forced to fail", False)]))
    result = _materialize(small_warehouse, store, built_small_practice.practice.truth)
    assert not result.success  # a blocking check that fails fails its step
    assert [e.asset_key for e in result.get_asset_materialization_events()] == [AssetKey(["models", "denial_model"])]
    assert versions(store) == ["v0001", "v0002"] and promoted_version(store) == "v0001"
    [check] = result.get_asset_check_evaluations()
    assert not check.passed
