"""Scoring: every feature row (claims and the unbilled work queue) with a model's calibrated probability, risk
band, reasons with fixes, missing documentation and expected loss; the rows of `marts.claim_denial_risk`.

- `denial_probability`: the calibrated probability of a first-pass denial.
- `risk_band`: high when the probability is at least 0.40 (twice the demo practice's ~20% denial rate),
  medium from 0.20 (about that rate) to 0.40, low below 0.20 (`RISK_BANDS`).
- `reason_1..3`, `fix_1..3`, `reasons`: models.denial.reasons (fix null for a reason with nothing to fix).
- `missing_elements`: the elements the claim's CPT code requires that its signed note lacks (from the
  documentation features; empty when the note was not signed by `scored_at`).
- `split`: train, validation, test or new under the model's training window (models.denial.dataset), so the
  model can be evaluated on rows it never trained on.
- `expected_allowed`: the typical allowed amount of the payer × CPT (median allowed of paid claims in the
  model's training months, `expected_allowed.sql`; the CPT's median over payers, then the overall median, when
  the pair has none); `expected_loss` = denial_probability × expected_allowed.
- `work_queue_rank`: for unbilled sessions still inside the payer's filing limit, 1 = the largest expected loss
  (ties by claim_id). A session past the limit has no rank: billing it now is an appeal with proof of timely
  filing or a write-off, not work to prioritise by denial risk (its first reason says so).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from string import Template

import duckdb
import numpy as np
import pandas as pd

from models.denial.dataset import assign_splits
from models.denial.model import DenialModel
from models.denial.reasons import TOP_REASONS, missing_elements_column, top_reasons

RISK_BANDS = ((0.40, "high"), (0.20, "medium"))  # (lowest probability, band), highest first; below: low
FALLBACK = "*"


def risk_band(probability: np.ndarray) -> np.ndarray:
    p = np.asarray(probability, dtype=np.float64)
    return np.select([p >= low for low, _ in RISK_BANDS], [band for _, band in RISK_BANDS], default="low")


@cache
def _sql(name: str) -> Template:
    return Template(resources.files("models.denial").joinpath(name).read_text(encoding="utf-8"))


def expected_allowed_table(con: duckdb.DuckDBPyConnection, start: date, end: date,
                           claims: str = "marts.fct_claims") -> dict[str, float]:
    """'payer_id|cpt_code' (and '*|cpt_code', '*|*') -> the median allowed of paid claims with a date of service
    from `start` to `end` (excluded)."""
    from mining.events import check_relation

    rows = con.execute(_sql("expected_allowed.sql").substitute(claims=check_relation(claims)), [start, end]).fetchall()
    return {key: float(value) for key, value in rows if value is not None}


def expected_allowed(frame: pd.DataFrame, table: dict[str, float]) -> np.ndarray:
    """Each row's typical allowed (see the module's docstring); NaN when the table has nothing for it."""
    payer = frame["payer_id"].astype("string").fillna(FALLBACK).to_numpy(dtype=object)
    cpt = frame["cpt_code"].astype("string").fillna(FALLBACK).to_numpy(dtype=object)
    overall = table.get(f"{FALLBACK}|{FALLBACK}", np.nan)
    return np.array([table.get(f"{p}|{c}", table.get(f"{FALLBACK}|{c}", overall)) for p, c in zip(payer, cpt)],
                    dtype=np.float64)


def score(frame: pd.DataFrame, model: DenialModel, with_reasons: bool = True) -> pd.DataFrame:
    """The scored rows, one per feature row, in the frame's order."""
    matrix = model.matrix(frame)
    probability = model.predict(matrix)
    allowed = expected_allowed(frame, model.expected_allowed)
    out = pd.DataFrame({
        "claim_id": frame["claim_id"].to_numpy(),
        "is_billed": frame["is_billed"].astype(bool).to_numpy(),
        "split": assign_splits(frame, model.window).to_numpy(),
        "model_version": model.version,
        "scored_at": frame["scored_at"].to_numpy(),
        "date_of_service": frame["date_of_service"].to_numpy(),
        "payer_id": frame["payer_id"].to_numpy(),
        "cpt_code": frame["cpt_code"].to_numpy(),
        "clinician_npi": frame["clinician_npi"].to_numpy(),
        "is_denied_first_pass": frame["is_denied_first_pass"].to_numpy(),
        "denial_probability": probability,
        "risk_band": risk_band(probability),
    })
    if with_reasons:
        found = top_reasons(frame, model.contributions(matrix), list(model.features.names))
        for k in range(TOP_REASONS):
            out[f"reason_{k + 1}"] = [reasons[k].reason if len(reasons) > k else None for reasons in found]
            out[f"fix_{k + 1}"] = [reasons[k].fix if len(reasons) > k else None for reasons in found]
        out["reasons"] = [[{"reason_group": r.group, "reason": r.reason, "fix": r.fix,
                            "contribution": r.contribution} for r in reasons] for reasons in found]
    out["missing_elements"] = missing_elements_column(frame)
    out["expected_allowed"] = allowed
    out["expected_loss"] = probability * allowed
    days_left = pd.to_numeric(frame["days_left_to_file"], errors="coerce").to_numpy()
    queue = ~out["is_billed"] & ~(days_left < 0)  # unknown limit: kept in the queue
    ranked = out.loc[queue].sort_values(["expected_loss", "claim_id"], ascending=[False, True], kind="stable")
    out["work_queue_rank"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    out.loc[ranked.index, "work_queue_rank"] = np.arange(1, len(ranked) + 1)
    return out
