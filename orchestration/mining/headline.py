"""The mining step's headline, as lines `lantern build` prints after the build (`headline.sql`)."""

from __future__ import annotations

from importlib import resources

import duckdb

from mining.events import relation_exists

CASE_TYPE_NAMES = {"claim": "Claims", "patient_journey": "Patient journeys"}


def mining_headline(con: duckdb.DuckDBPyConnection) -> list[str]:
    """One line per case type the mining step wrote; none when it has not run."""
    if not relation_exists(con, "marts.mining_deviations"):
        return []
    sql = resources.files("orchestration.mining").joinpath("headline.sql").read_text(encoding="utf-8")
    lines = []
    for row in con.execute(sql).fetchall():
        (case_type, cases, variants, top_share, fitness, fitting, source, target, waiting_share, deviation,
         deviation_share, rate_with, rate_without) = row
        parts = [f"{CASE_TYPE_NAMES.get(case_type, case_type)}: {cases:,} cases in {variants:,} variants "
                 f"(the most frequent {top_share:.0%})"]
        if fitness is not None:
            parts.append(f"fitness {fitness:.2f} against the intended process, {fitting:.0f}% of cases fit")
        if source is not None:
            parts.append(f"most waiting: {source} → {target} ({waiting_share:.0%} of all waiting time)")
        if deviation is not None:
            without = f" vs {rate_without:.0%} without" if rate_without is not None else ""
            parts.append(f"riskiest deviation: {deviation} ({deviation_share:.1%} of claims, first-pass denial "
                         f"{rate_with:.0%}{without})")
        lines.append("; ".join(parts))
    return lines
