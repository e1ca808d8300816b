"""The denial model's assets (issue 5): `models/denial_model` trains a candidate version into the model store,
its blocking asset check promotes it when its test metrics pass (models.denial.store.promotion_check), and
`marts/claim_denial_risk` scores every claim and unbilled session with the promoted model.

The functions below the assets' wrappers are what the tests run: `train_candidate`, `check_candidate`,
`score_promoted`, `write_claim_denial_risk`.
"""

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
from dagster import (
    AssetCheckExecutionContext, AssetCheckResult, AssetExecutionContext, AssetKey, Config, MaterializeResult,
    MetadataValue, asset, asset_check,
)

from models.denial.card import headline
from models.denial.dataset import SplitConfig, choose_window, load_features
from models.denial.score import expected_allowed_table, score
from models.denial.store import (
    PromotionCheck, latest_version, load_promoted, promote, promoted_version, promotion_check, read_metadata,
)
from models.denial.train import TrainConfig, save_run, train_denial_model
from orchestration.models.resources import ModelStoreResource, TruthResource
from orchestration.resources import WarehouseResource
from orchestration.transactions import registered, transaction

DENIAL_MODEL_KEY = AssetKey(["models", "denial_model"])
CLAIM_DENIAL_RISK_KEY = AssetKey(["marts", "claim_denial_risk"])
FEATURES_KEY = AssetKey(["marts", "fct_claim_features"])
FCT_CLAIMS_KEY = AssetKey(["marts", "fct_claims"])
QUEUE_PREVIEW = 10

REASONS_TYPE = pa.list_(pa.struct([("reason_group", pa.string()), ("reason", pa.string()), ("fix", pa.string()),
                                   ("contribution", pa.float64())]))


def _sql(name: str) -> str:
    return resources.files("orchestration.models").joinpath(name).read_text(encoding="utf-8")


def read_truth(claims_csv: Path) -> pd.DataFrame | None:
    """claim_id and true_denial_probability from the ground truth's claims.csv, or None when there is none."""
    if not claims_csv.is_file():
        return None
    return pd.read_csv(claims_csv, usecols=["claim_id", "true_denial_probability"], dtype={"claim_id": str})


@dataclass
class Candidate:
    version: str
    metadata: dict


def train_candidate(con: duckdb.DuckDBPyConnection, store_root: Path, split: SplitConfig = SplitConfig(),
                    config: TrainConfig = TrainConfig(), truth: pd.DataFrame | None = None) -> Candidate:
    """Train on the warehouse's feature mart and store the model as a new, unpromoted version."""
    frame, features = load_features(con)
    window = choose_window(frame, split)
    # The typical allowed of the training and validation months' paid claims (models.denial.score).
    end = (pd.Timestamp(window.validation_last) + pd.offsets.MonthBegin(1)).date()
    allowed = expected_allowed_table(con, window.train_first, end)
    run = train_denial_model(frame, features, split, config, truth=truth, expected_allowed=allowed)
    version = save_run(store_root, run)
    return Candidate(version, read_metadata(store_root, version))


def check_candidate(store_root: Path, version: str) -> PromotionCheck:
    """The promotion check on a stored version's test metrics; the version is promoted when it passes."""
    check = promotion_check(read_metadata(store_root, version)["metrics"]["test"])
    if check.passed:
        promote(store_root, version, check)
    return check


def score_promoted(con: duckdb.DuckDBPyConnection, store_root: Path) -> pd.DataFrame:
    """Every row of the feature mart scored by the promoted model (models.denial.score.score)."""
    model = load_promoted(store_root)
    frame, _ = load_features(con)
    return score(frame, model)


def write_claim_denial_risk(con: duckdb.DuckDBPyConnection, scored: pd.DataFrame) -> int:
    """Replace marts.claim_denial_risk's rows with `scored`, in one transaction; returns the rows written."""
    columns = {name: pa.Array.from_pandas(scored[name]) for name in scored.columns
               if name not in ("reasons", "missing_elements")}
    columns["reasons"] = pa.array(scored["reasons"].tolist(), type=REASONS_TYPE)
    columns["missing_elements"] = pa.array(scored["missing_elements"].tolist(), type=pa.list_(pa.string()))
    rows = pa.table(columns)
    with transaction(con), registered(con, "denial_risk_rows", rows):
        con.execute(_sql("claim_denial_risk_table.sql"))
        con.execute(_sql("claim_denial_risk_insert.sql"))
    return len(scored)


def work_queue_markdown(scored: pd.DataFrame, top: int = QUEUE_PREVIEW) -> str:
    queue = scored[scored["work_queue_rank"].notna()].sort_values("work_queue_rank").head(top)
    lines = ["| rank | claim | payer | CPT | probability | expected loss | first fix |",
             "| ---: | --- | --- | --- | ---: | ---: | --- |"]
    for row in queue.itertuples(index=False):
        fix = next((f for f in (row.fix_1, row.fix_2, row.fix_3) if isinstance(f, str)), "")
        lines.append(f"| {row.work_queue_rank} | {row.claim_id} | {row.payer_id} | {row.cpt_code} | "
                     f"{row.denial_probability:.2f} | {row.expected_loss:,.2f} | {fix} |")
    return "\n".join(lines)


class DenialModelConfig(Config):
    """The split's months (models.denial.dataset.SplitConfig): a practice with little history may need fewer."""

    test_months: int = 6
    validation_months: int = 3
    min_labelled_share: float = 0.9


@asset(
    key=DENIAL_MODEL_KEY,
    deps=[FEATURES_KEY, FCT_CLAIMS_KEY],
    group_name="models",
    kinds={"lightgbm", "python"},
    description="The denial-risk model: LightGBM on marts.fct_claim_features, trained on the older months, "
                "calibrated on the validation months, evaluated on the newest; stored as a new version in the model "
                "store with its model card. Promoted by its blocking check.",
)
def denial_model(context: AssetExecutionContext, config: DenialModelConfig, warehouse: WarehouseResource,
                 model_store: ModelStoreResource, truth: TruthResource) -> MaterializeResult:
    split = SplitConfig(config.test_months, config.validation_months, config.min_labelled_share)
    with warehouse.connect(read_only=True) as con:
        candidate = train_candidate(con, model_store.root, split, truth=read_truth(truth.claims_csv))
    metadata = candidate.metadata
    test = metadata["metrics"]["test"]["model"]
    context.log.info(headline(metadata))
    return MaterializeResult(metadata={
        "version": MetadataValue.text(candidate.version),
        "path": MetadataValue.path(str(model_store.root / candidate.version)),
        "test_roc_auc": MetadataValue.float(float(test["roc_auc"])),
        "test_ece": MetadataValue.float(float(test["ece"])),
        "test_brier": MetadataValue.float(float(test["brier"])),
        "training_seconds": MetadataValue.float(float(metadata["training_seconds"])),
        "card": MetadataValue.md((model_store.root / candidate.version / "card.md").read_text()),
    })


def _materialized_version(context: AssetCheckExecutionContext, store_root: Path) -> str | None:
    """The version the latest materialization of the model stored (the store's newest when none is recorded)."""
    event = context.instance.get_latest_materialization_event(DENIAL_MODEL_KEY)
    materialization = event.asset_materialization if event is not None else None
    if materialization is not None and "version" in materialization.metadata:
        return materialization.metadata["version"].value
    return latest_version(store_root)


@asset_check(
    asset=denial_model,
    blocking=True,
    description="The candidate's test metrics: ROC AUC and Brier at least as good as the payer x CPT rate's, ECE at "
                "most 0.05. Passing promotes the candidate; failing keeps the promoted model and stops the scoring.",
)
def denial_model_promotion(context: AssetCheckExecutionContext, model_store: ModelStoreResource) -> AssetCheckResult:
    version = _materialized_version(context, model_store.root)
    if version is None:
        return AssetCheckResult(passed=False, metadata={"reason": "no model in the store"})
    check = check_candidate(model_store.root, version)
    return AssetCheckResult(passed=check.passed, metadata={
        "version": version, "conditions": check.describe(),
        "promoted": str(promoted_version(model_store.root))})


@asset(
    key=CLAIM_DENIAL_RISK_KEY,
    deps=[DENIAL_MODEL_KEY, FEATURES_KEY],
    group_name="models",
    kinds={"duckdb", "python"},
    description="Every claim and every unbilled completed session scored by the promoted denial model: probability, "
                "risk band, reasons with fixes, missing documentation, split, expected loss; the unbilled rows ranked "
                "by expected loss (the pre-submission work queue).",
)
def claim_denial_risk(context: AssetExecutionContext, warehouse: WarehouseResource,
                      model_store: ModelStoreResource) -> MaterializeResult:
    with warehouse.connect() as con:
        scored = score_promoted(con, model_store.root)
        rows = write_claim_denial_risk(con, scored)
    context.log.info(f"scored {rows:,} rows with {scored['model_version'].iloc[0] if rows else 'no model'}")
    return MaterializeResult(metadata={
        "rows": MetadataValue.int(rows),
        "model_version": MetadataValue.text(str(promoted_version(model_store.root))),
        "by_split": MetadataValue.json({k: int(v) for k, v in scored["split"].value_counts().items()}),
        "by_risk_band": MetadataValue.json({k: int(v) for k, v in scored["risk_band"].value_counts().items()}),
        "work_queue": MetadataValue.md(work_queue_markdown(scored)),
    })


model_assets = [denial_model, claim_denial_risk]
model_checks = [denial_model_promotion]


def promoted_headline(store_root: Path) -> str | None:
    """The promoted model's card headline (models.denial.card.headline), or None when no model is promoted."""
    version = promoted_version(store_root)
    return headline(read_metadata(store_root, version)) if version else None
