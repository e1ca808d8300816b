"""The same warehouse on two engines: the tiny landing zone (tests/tiny_landing) built by `lantern build` on DuckDB
and with `--engine spark` (dbt-spark on a local Spark session, from the Parquet raw layer), every mart compared
table by table: the same rows, the same values, money to the cent and doubles to the last bit."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from mining.dfg import process_map
from mining.events import EventFilter
from orchestration.cli import app
from orchestration.spark.warehouse_files import copy_to_duckdb
from orchestration.warehouse_compare import compare_warehouses

TINY = Path(__file__).parent / "tiny_landing"
MARTS = ["cash_weekly", "dim_clinicians", "dim_patients", "dim_payers", "event_log", "event_log_cases",
         "fct_claim_deviations", "fct_claim_features", "fct_claims", "fct_directly_follows", "fct_referrals", "fct_sessions",
         "kpi_access_monthly", "kpi_ar_daily", "kpi_denial_reasons_monthly", "kpi_outcomes_clinician",
         "kpi_outcomes_patient", "kpi_revenue_cycle_monthly", "kpi_unrecovered_denials", "kpi_utilization_weekly",
         "leadership_adolescent_anxiety", "note_documentation"]


def _lantern(*arguments: str) -> str:
    saved = dict(os.environ)  # `lantern build` sets the warehouse's variables for dbt in this process
    try:
        result = CliRunner().invoke(app, list(arguments), env={"COLUMNS": "200"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("engines")
    shutil.copytree(TINY, tmp / "landing")
    home = tmp / "home"
    common = ("--home", str(home), "build", "--landing", str(tmp / "landing"), "--practice-id", "tiny")
    _lantern(*common, "--warehouse-only")
    return home, _lantern(*common, "--engine", "spark")


def test_every_mart_is_the_same_on_spark_as_on_duckdb(built: tuple[Path, str], tmp_path: Path) -> None:
    home, _ = built
    copied = copy_to_duckdb(home / "spark" / "warehouse", tmp_path / "spark_marts.duckdb")
    assert copied == [f"marts.{name}" for name in MARTS]
    assert compare_warehouses(home / "warehouse.duckdb", tmp_path / "spark_marts.duckdb", ("marts",),
                              tables=copied) == []


def test_the_spark_marts_hold_the_hand_worked_figures(built: tuple[Path, str]) -> None:
    home, _ = built
    folder = home / "spark" / "warehouse" / "marts.db"
    january = duckdb.sql(f"select net_collection_collected, net_collection_allowed, claims_submitted "
                         f"from read_parquet('{folder}/kpi_revenue_cycle_monthly/*.parquet') "
                         f"where month_start = date '2025-01-01'").fetchall()
    # tests/test_tiny_landing_exact.py: collected 613.40 of 783.40 allowed, from the six January claims
    assert january == [(Decimal("613.40"), Decimal("783.40"), 6)]


def test_the_directly_follows_graph_in_sql_is_mining_dfgs_process_map(built: tuple[Path, str]) -> None:
    home, _ = built
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        for case_type in ("claim", "patient_journey"):
            expected = process_map(con, "marts.event_log", EventFilter(equals={"case_type": case_type})).dfg
            dbt = con.execute("select source, target, frequency, mean_hours, median_hours, p90_hours "
                              "from marts.fct_directly_follows where case_type = ?", [case_type]).df()
            key = ["source", "target"]
            expected = expected.sort_values(key).reset_index(drop=True)
            dbt = dbt.sort_values(key).reset_index(drop=True)
            assert len(dbt) > 3
            assert dbt[key + ["frequency"]].astype(str).values.tolist() == \
                expected[key + ["frequency"]].astype(str).values.tolist()
            for column in ("mean_hours", "median_hours", "p90_hours"):  # the same times, summed in another order
                assert dbt[column].tolist() == pytest.approx(expected[column].tolist(), rel=1e-12)


def test_the_raw_layer_spark_read_is_the_published_parquet(built: tuple[Path, str]) -> None:
    home, _ = built
    deliveries = sorted(p.name for p in (home / "raw" / "x12_claims" / "practice=tiny").iterdir())
    assert deliveries == ["delivery=2025-02-01", "delivery=2025-03-01", "delivery=2025-08-01"]
    claims = duckdb.sql(f"select count(*), count(distinct claim_id) from "
                        f"read_parquet('{home}/raw/x12_claims/*/*/*.parquet') where practice_id = 'tiny'").fetchall()
    assert claims == [(9, 8)]  # A103 is sent twice: its original and the frequency-7 correction


def test_the_build_says_where_the_spark_marts_are(built: tuple[Path, str]) -> None:
    home, output = built
    assert "dbt build on Spark (--exclude note_documentation+)" in output
    assert "Marts built on Spark" in output
    assert f"Spark's tables are Parquet under {home / 'spark' / 'warehouse'} (docs/scaling.md)" in output
    assert "│ marts.fct_claims " in output
