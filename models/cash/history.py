"""What the practice's own past says about payment, for the open-claims part of the cash forecast: per payer,
the chance a claim is paid (for a claim still pending, and for one already denied), what it pays per CPT code,
and its payment-lag distribution. Pure pandas: a frame of past claims in (payment_history_at.sql's columns),
estimates out. Where a payer has too few claims, the practice-wide figure stands in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.cash.open_claims import LagDistribution, OpenClaims

ALL = "*"  # the practice-wide key, used when a payer (or payer x CPT code) has fewer than MIN_CLAIMS
DENIED = "|denied"  # lag keys of claims paid after a first-pass denial
MIN_CLAIMS = 20


@dataclass(frozen=True)
class PaymentHistory:
    paid_probability: dict[tuple[str, bool], float]  # (payer or ALL, denied at origin) -> share paid eventually
    expected_amount: dict[tuple[str, str], float]  # (payer or ALL, CPT or ALL) -> mean paid
    lags: dict[str, LagDistribution]  # lag_key -> lags of the paid claims it names

    def lag_key(self, payer_id: str, denied: bool = False) -> str:
        """Which lag distribution a claim follows: its payer's (for a claim already denied, the lags of the
        payer's denied claims that were paid later, after a resubmission or appeal), else the practice's."""
        suffix = DENIED if denied else ""
        for key in (payer_id + suffix, ALL + suffix, ALL):
            if key in self.lags:
                return key
        raise KeyError("no paid claim in the history")

    def probability(self, payer_id: str, denied: bool) -> float:
        return self.paid_probability.get((payer_id, denied), self.paid_probability[ALL, denied])

    def amount(self, payer_id: str, cpt_code: str) -> float:
        for key in ((payer_id, cpt_code), (payer_id, ALL), (ALL, cpt_code), (ALL, ALL)):
            if key in self.expected_amount:
                return self.expected_amount[key]
        raise KeyError("no paid claim in the history")


def estimate(history: pd.DataFrame) -> PaymentHistory:
    """Estimates from past claims: columns payer_id, cpt_code, was_denied, paid_lag_days (null: not paid by the
    origin), paid_amount (null: not paid, or still being adjusted)."""
    if history.empty or history["paid_lag_days"].notna().sum() == 0:
        raise ValueError("no claim in the history window was paid: too little history for a cash forecast")
    paid = history["paid_lag_days"].notna()
    # A claim still pending at the origin may yet be denied: its chance is that of any claim of the payer. A
    # claim already denied has the chance of the payer's denied claims (paid after a resubmission or appeal).
    probability: dict[tuple[str, bool], float] = {}
    denied_rows = history["was_denied"].astype(bool)
    for denied, rows in ((False, history), (True, history[denied_rows])):
        probability[ALL, denied] = float(paid[rows.index].mean()) if len(rows) else 0.0
        for payer, group in rows.groupby("payer_id"):
            if len(group) >= MIN_CLAIMS:
                probability[str(payer), denied] = float(paid[group.index].mean())
    known = history[history["paid_amount"].notna()]
    known = known.assign(paid_amount=known["paid_amount"].astype(float), payer_id=known["payer_id"].astype(str),
                         cpt_code=known["cpt_code"].astype(str), anyone=ALL)
    amounts: dict[tuple[str, str], float] = {}
    for payer_column, cpt_column in (("anyone", "anyone"), ("anyone", "cpt_code"), ("payer_id", "anyone"),
                                     ("payer_id", "cpt_code")):
        for (payer, cpt), group in known.groupby([payer_column, cpt_column]):
            if len(group) >= MIN_CLAIMS or (payer, cpt) == (ALL, ALL):
                amounts[payer, cpt] = float(group["paid_amount"].mean())
    # A denied claim is paid, if at all, after a resubmission or an appeal: much later than a clean one, so it
    # follows the lags of the denied claims that were paid.
    lags: dict[str, LagDistribution] = {}
    for suffix, rows in (("", history[paid]), (DENIED, history[paid & denied_rows])):
        if len(rows):
            lags[ALL + suffix] = LagDistribution.from_lags(rows["paid_lag_days"].astype(np.int64).to_numpy())
        for payer, group in rows.groupby("payer_id"):
            if len(group) >= MIN_CLAIMS:
                lags[str(payer) + suffix] = LagDistribution.from_lags(group["paid_lag_days"].astype(np.int64).to_numpy())
    return PaymentHistory(probability, amounts, lags)


def per_pair(first: pd.Series, second: pd.Series, lookup) -> np.ndarray:
    """lookup(a, b) for every row, computed once per distinct (a, b) pair: a practice has a few dozen payer x CPT
    pairs and tens of thousands of claims."""
    pairs = pd.DataFrame({"a": first.to_numpy(), "b": second.to_numpy()})
    distinct = pairs.drop_duplicates()
    values = pd.Series([lookup(a, b) for a, b in zip(distinct["a"], distinct["b"], strict=True)],
                       index=pd.MultiIndex.from_frame(distinct))
    return values.reindex(pd.MultiIndex.from_frame(pairs)).to_numpy()


def open_claims(frame: pd.DataFrame, history: PaymentHistory) -> OpenClaims:
    """OpenClaims from open_claims_at.sql's rows, each with its payer's (or the practice's) estimates."""
    payers = frame["payer_id"].astype(str)
    denied = frame["is_denied_at_origin"].astype(bool)
    cpts = frame["cpt_code"].astype(str)
    return OpenClaims(
        claim_id=frame["claim_id"].astype(str).to_numpy(),
        lag_key=per_pair(payers, denied, history.lag_key).astype(str),
        segment=frame["segment"].astype(str).to_numpy(),
        submitted=pd.to_datetime(frame["submitted_date"]).to_numpy().astype("datetime64[D]"),
        paid_probability=per_pair(payers, denied, history.probability).astype(float),
        expected_amount=per_pair(payers, cpts, history.amount).astype(float),
    )
