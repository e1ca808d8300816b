"""docs/warehouse.md, rendered from the marts' YAML so the page analysts read cannot drift from the models.

Regenerate with `.venv/bin/python -m orchestration.warehouse.docs > docs/warehouse.md`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import yaml

from orchestration.project import DBT_PROJECT_DIR

MARTS_YML = DBT_PROJECT_DIR / "models" / "marts" / "_marts.yml"

INTRO = """# The warehouse: tables analysts query

`lantern build` writes one DuckDB file (`data/warehouse.duckdb` by default). Dashboards, models and
analysts read the **marts** (schema `marts`); every measure of `kpis.md` is a column of one of them,
with exactly that definition. The marts have enforced contracts: the columns and types below are
what they hold, checked at every build. How each measure maps to its columns, and the
intermediate models behind them, are in [dbt_project/README.md](../dbt_project/README.md);
`dbt docs serve` shows the lineage (see the README).

Other schemas: `raw` (what the loader read, one table per source table, plus `raw.quarantine`, every
rejected row with its file, line or segment, rule and reason, and `raw.ledger`, every file of every
delivery with its sha256 and counts), `staging`, `intermediate`, `seeds` (code sets: CPT rulebook,
CARC, RARC, place of service, ICD-10 groups, payer types, outcome instruments).

Patient counts under 11 are suppressed (null, with `is_suppressed`) wherever a mart counts patients.

This page is generated from `dbt_project/models/marts/_marts.yml` by
`python -m orchestration.warehouse.docs > docs/warehouse.md`; a test fails when they differ.
"""


def _text(value: object) -> str:
    return " ".join(str(value or "").split()).replace("|", "\\|")


def duckdb_type(data_type: str) -> str:
    """The column's type as DuckDB names it: the YAML names Spark's where the engines differ (a Jinja choice on
    target.type), and `string`, which DuckDB reads as varchar."""
    if "{{" in data_type:
        data_type = jinja2.Template(data_type).render(target={"type": "duckdb"})
    return "varchar" if data_type == "string" else data_type


def render_marts_doc(marts_yml: Path = MARTS_YML) -> str:
    spec = yaml.safe_load(marts_yml.read_text(encoding="utf-8"))
    lines = [INTRO]
    for model in spec["models"]:
        lines += [f"## `marts.{model['name']}`", "", _text(model.get("description")), "",
                  "| column | type | description |", "| --- | --- | --- |"]
        lines += [f"| `{c['name']}` | {duckdb_type(c.get('data_type', ''))} | {_text(c.get('description'))} |"
                  for c in model.get("columns", [])]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render_marts_doc())
