"""The cash forecast's what-if (issue 7's sliders): the two-part forecast's parts rescaled for another initial
denial rate and a longer payment lag. Pure: the forecast's rows in, the what-if weekly cash out.

- Denials: of the cash from claims, the clean share pays on time; a denied claim, in this approximation, does
  not pay within the horizon. Moving the initial denial rate from `base_rate` to `base_rate + change` scales the
  claims' cash by (1 - new rate) / (1 - base rate).
- Lag: the claims' cash arrives `lag_weeks` later; what moves past the horizon leaves it.
- Patient payments are left as they are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def what_if(rows: pd.DataFrame, base_rate: float, rate_change: float = 0.0, lag_weeks: int = 0) -> pd.Series:
    """Weekly cash for the forecast `rows` (one segment, ordered by week: from_open_claims, from_future_care,
    from_patients) under a denial rate changed by `rate_change` (a share: 0.05 is 5 points) and payments
    `lag_weeks` later."""
    if not 0 <= base_rate < 1:
        raise ValueError(f"the base denial rate is a share below 1, got {base_rate}")
    new_rate = min(max(base_rate + rate_change, 0.0), 1.0)
    claims = (rows["from_open_claims"].fillna(0.0) + rows["from_future_care"].fillna(0.0)).to_numpy(dtype=float)
    claims = claims * (1 - new_rate) / (1 - base_rate)
    lag = max(0, int(lag_weeks))
    shifted = np.concatenate([np.zeros(min(lag, len(claims))), claims[:max(0, len(claims) - lag)]])
    return pd.Series(shifted + rows["from_patients"].fillna(0.0).to_numpy(dtype=float), index=rows.index)
