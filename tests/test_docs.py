"""Docs follow the code: the pages that list tables are regenerated from the models they describe."""

from __future__ import annotations

from orchestration.project import PROJECT_ROOT
from orchestration.warehouse.docs import render_marts_doc


def test_warehouse_page_lists_every_mart_and_column_as_the_models_declare():
    page = (PROJECT_ROOT / "docs" / "warehouse.md").read_text(encoding="utf-8")
    assert page == render_marts_doc(), "regenerate: python -m orchestration.warehouse.docs > docs/warehouse.md"
    assert "## `marts.leadership_adolescent_anxiety`" in page and "| `initial_denial_rate` |" in page
