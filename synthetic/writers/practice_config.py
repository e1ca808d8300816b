"""The demo practice's `practice.toml`: the payer rules its generator follows, in the format
connectors.practice_config reads (docs/practice-config.md).

Each insurer of the payer catalog gets its own table: its timely filing limit, its
authorization rule (`first_visit`: every visit needs an approved authorization; `after_n` N:
visits N+1 onward do, written `after_visits` with `authorization_after_visits = N`), and its
treatment-plan review interval (`Payer.plan_review_days`: a session's plan must have been reviewed
within that many days; the intake establishes it) when it differs from the default table's, so the
commercial payers' 180 days are written and the 90 days of Medicaid, Medicare and the EAP are
inherited. Self-pay has no payer rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from connectors.practice_config import BUILT_IN
from synthetic.records import Payer

AUTHORIZATION_NAMES = {"none": "none", "first_visit": "first_visit", "after_n": "after_visits"}


def render_practice_toml(payers: Iterable[Payer]) -> str:
    lines = [
        "# Payer rules of the demo practice (written by `lantern generate`; see docs/practice-config.md).",
        "",
        "[payer_rules.default]  # every payer without a table of its own",
        f"timely_filing_days = {BUILT_IN.timely_filing_days}",
        f'authorization = "{BUILT_IN.authorization}"',
        f"treatment_plan_review_days = {BUILT_IN.treatment_plan_review_days}",
    ]
    for payer in sorted(payers, key=lambda p: p.payer_id):
        if payer.payer_type == "self_pay":
            continue
        lines += [
            "",
            f'[payer_rules."{payer.payer_id}"]  # {payer.name}',
            f"timely_filing_days = {payer.timely_filing_days}",
            f'authorization = "{AUTHORIZATION_NAMES[payer.auth_rule]}"',
        ]
        if payer.auth_rule == "after_n":
            lines.append(f"authorization_after_visits = {payer.auth_after_visits}")
        if payer.plan_review_days != BUILT_IN.treatment_plan_review_days:
            lines.append(f"treatment_plan_review_days = {payer.plan_review_days}")
    return "\n".join(lines) + "\n"
