"""A network of three practices built as one warehouse, on DuckDB and on Spark (`lantern network build`).

The practices' ids collide on purpose: the tiny landing zone (tests/tiny_landing) and two small generated practices
(seeds 21 and 22) all number their appointments A00000001..., their patients 1000001... and their referrals
R0000001..., and share payer ids. A join, window or grouping that forgot practice_id would mix their rows. So:
- every mart of the network, read for one practice, is that practice's own single build (`lantern build
  --practice-id north`), row for row and value for value;
- the tiny practice's slice holds the hand-worked figures of tests/test_tiny_landing_exact.py;
- Spark's marts are DuckDB's, table by table (money to the cent, doubles to the last bit), mining's, the denial
  risk's and the forecast's among them;
- the directly-follows graph in SQL is mining.dfg's process map, per practice and case type;
- mining, denial risk and the cash forecast, run per practice after the network's dbt build, give north the
  tables of its own build.
"""

from __future__ import annotations

import os
import shutil
from datetime import date
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
from synthetic.config import GeneratorConfig
from synthetic.generate import generate

TINY = Path(__file__).parent / "tiny_landing"
PRACTICES = ("north", "south", "tiny")
MARTS = ["cash_weekly", "dim_clinicians", "dim_patients", "dim_payers", "event_log", "event_log_cases",
         "fct_claim_deviations", "fct_claim_features", "fct_claims", "fct_directly_follows", "fct_referrals",
         "fct_sessions", "kpi_access_monthly", "kpi_ar_daily", "kpi_denial_reasons_monthly", "kpi_outcomes_clinician",
         "kpi_outcomes_patient", "kpi_revenue_cycle_monthly", "kpi_unrecovered_denials", "kpi_utilization_weekly",
         "leadership_adolescent_anxiety", "note_documentation"]


def _lantern(*arguments: str) -> str:
    saved = dict(os.environ)  # a build points DAGSTER_HOME and dbt's variables at its home in this process
    try:
        result = CliRunner().invoke(app, list(arguments), env={"COLUMNS": "200"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tmp = tmp_path_factory.mktemp("network")
    shutil.copytree(TINY, tmp / "tiny" / "landing")
    for name, seed in (("north", 21), ("south", 22)):
        generate(GeneratorConfig(clinicians=2, months=6, seed=seed, start=date(2024, 1, 1)),
                 tmp / name / "landing", tmp / name / "truth")
    network_file = tmp / "network.toml"
    network_file.write_text("".join(f'[[practice]]\nid = "{name}"\nlanding = "{name}/landing"\n\n'
                                    for name in PRACTICES))
    home = tmp / "network_home"
    common = ("--home", str(tmp / "home"), "network", "build", str(network_file), "--network-home", str(home))
    duckdb_output = _lantern(*common)
    spark_output = _lantern(*common, "--engine", "spark")
    single = tmp / "single_north"
    _lantern("--home", str(single), "build", "--landing", str(tmp / "north" / "landing"), "--practice-id", "north")
    return {"home": home, "single_north": single / "warehouse.duckdb", "duckdb_output": duckdb_output,
            "spark_output": spark_output, "tmp": tmp}


def test_each_practice_is_loaded_and_built_and_the_build_says_so(network: dict) -> None:
    home = network["home"]
    for practice in PRACTICES:
        assert (home / "practices" / practice / "warehouse.duckdb").is_file()
        assert (home / "raw" / "x12_claims" / f"practice={practice}").is_dir()
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert [p for (p,) in con.execute("select distinct practice_id from marts.fct_claims order by 1").fetchall()] \
            == list(PRACTICES)
        claims = dict(con.execute("select practice_id, count(*) from marts.fct_claims group by 1").fetchall())
    assert claims["tiny"] == 8
    line = next(line for line in network["duckdb_output"].splitlines() if line.startswith("│ tiny "))
    assert line.split("│")[5].strip() == "8"  # the summary's claims column, as in the mart
    assert "Network network.toml: 3 practices, built on duckdb" in network["duckdb_output"]
    assert "built on spark" in network["spark_output"]


def test_a_practice_read_from_the_network_is_its_own_single_build(network: dict) -> None:
    with duckdb.connect() as con:
        con.execute(f"attach '{network['home'] / 'warehouse.duckdb'}' as net (read_only)")
        con.execute(f"attach '{network['single_north']}' as one (read_only)")
        for mart in MARTS:
            single_rows = con.execute(f"select count(*) from one.marts.{mart}").fetchone()[0]
            for left, right in ((f"net.marts.{mart} where practice_id = 'north'", f"one.marts.{mart}"),
                                (f"one.marts.{mart}", f"net.marts.{mart} where practice_id = 'north'")):
                extra = con.execute(f"select count(*) from (select * from {left} except all select * from {right})")\
                    .fetchone()[0]
                assert extra == 0, f"{mart}: {extra} rows of {left} are not in {right} ({single_rows} rows)"
        # and the comparison had something to compare: the generated practice bills and is paid
        assert con.execute("select count(*), sum(payer_paid) > 0 from one.marts.fct_claims").fetchone()[0] > 50


def test_each_practice_is_mined_scored_and_forecast_as_its_own_build_would(network: dict) -> None:
    """The steps after dbt ran per practice (orchestration.network.practice_steps): north's mining, denial-risk and
    forecast tables in the network are those of north's own `lantern build`."""
    with duckdb.connect() as con:
        con.execute(f"attach '{network['home'] / 'warehouse.duckdb'}' as net (read_only)")
        con.execute(f"attach '{network['single_north']}' as one (read_only)")
        steps = [t for (t,) in con.execute(
            "select table_name from duckdb_tables() where database_name = 'one' and schema_name = 'marts' "
            "and (table_name like 'mining%' or table_name like 'cash_forecast%' or table_name = 'claim_denial_risk') "
            "and table_name not like 'mining_pairs_%' order by 1").fetchall()]
        assert "mining_dfg" in steps and "mining_variants" in steps
        for table in steps:
            columns = [c for (c,) in con.execute(
                "select column_name from duckdb_columns() where database_name = 'one' and schema_name = 'marts' "
                "and table_name = ? and column_name <> 'practice_id' order by column_index", [table]).fetchall()]
            listed = ", ".join(f'"{c}"' for c in columns)
            theirs = f"select {listed} from net.marts.{table} where practice_id = 'north'"
            own = f"select {listed} from one.marts.{table}"
            for left, right in ((theirs, own), (own, theirs)):
                assert con.execute(f"select count(*) from ({left} except all {right})").fetchone()[0] == 0, table
        practices = con.execute("select distinct practice_id from net.marts.mining_dfg order by 1").fetchall()
    assert [p for (p,) in practices] == list(PRACTICES)
    assert "north: denial risk: model v0001 trained, checked and promoted" in network["duckdb_output"]


def test_the_tiny_practice_keeps_its_hand_worked_figures_in_the_network(network: dict) -> None:
    with duckdb.connect(str(network["home"] / "warehouse.duckdb"), read_only=True) as con:
        january = con.execute("select net_collection_collected, net_collection_allowed, claims_submitted "
                              "from marts.kpi_revenue_cycle_monthly "
                              "where practice_id = 'tiny' and month_start = date '2025-01-01'").fetchall()
    # tests/test_tiny_landing_exact.py: collected 613.40 of 783.40 allowed, from the six January claims
    assert january == [(Decimal("613.40"), Decimal("783.40"), 6)]


def test_every_mart_of_the_network_is_the_same_on_spark_as_on_duckdb(network: dict, tmp_path: Path) -> None:
    """dbt's marts, and those of the steps after it (run per practice on each engine's tables, then written back
    into Spark's warehouse by Spark): the same tables, rows and values."""
    home = network["home"]
    copied = copy_to_duckdb(home / "spark" / "warehouse", tmp_path / "spark_marts.duckdb")
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        on_duckdb = [f"marts.{name}" for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()]
    assert copied == on_duckdb
    steps = sorted(set(copied) - {f"marts.{name}" for name in MARTS})
    assert {"marts.mining_dfg", "marts.mining_variants", "marts.claim_denial_risk", "marts.cash_forecast"} <= \
        set(steps), steps
    assert compare_warehouses(home / "warehouse.duckdb", tmp_path / "spark_marts.duckdb", ("marts",),
                              tables=copied) == []
    with duckdb.connect(str(tmp_path / "spark_marts.duckdb"), read_only=True) as con:
        scored = dict(con.execute("select practice_id, count(*) from marts.claim_denial_risk group by 1").fetchall())
    assert scored["north"] > 1000  # its claims and unbilled sessions: there was something to compare
    assert "north: denial risk: model v0001 reused" in network["spark_output"]  # trained by the DuckDB build


def test_the_directly_follows_graph_in_sql_is_mining_dfgs_process_map_per_practice(network: dict) -> None:
    with duckdb.connect(str(network["home"] / "warehouse.duckdb"), read_only=True) as con:
        for practice in PRACTICES:
            # mining reads one practice's log: case ids are a practice's own (A00000001 is a case in each)
            con.execute(f"create or replace temp view practice_events as "
                        f"select * from marts.event_log where practice_id = '{practice}'")
            for case_type in ("claim", "patient_journey"):
                expected = process_map(con, "practice_events", EventFilter(equals={"case_type": case_type})).dfg
                dbt = con.execute("select source, target, frequency, mean_hours, median_hours, p90_hours "
                                  "from marts.fct_directly_follows where practice_id = ? and case_type = ?",
                                  [practice, case_type]).df()
                key = ["source", "target"]
                expected = expected.sort_values(key).reset_index(drop=True)
                dbt = dbt.sort_values(key).reset_index(drop=True)
                assert len(dbt) > 3
                assert dbt[key + ["frequency"]].astype(str).values.tolist() == \
                    expected[key + ["frequency"]].astype(str).values.tolist()
                for column in ("mean_hours", "median_hours", "p90_hours"):  # the same times, summed in another order
                    assert dbt[column].tolist() == pytest.approx(expected[column].tolist(), rel=1e-12)


def test_the_raw_layer_holds_each_practice_by_delivery(network: dict) -> None:
    home = network["home"]
    deliveries = sorted(p.name for p in (home / "raw" / "x12_claims" / "practice=tiny").iterdir())
    assert deliveries == ["delivery=2025-02-01", "delivery=2025-03-01", "delivery=2025-08-01"]
    claims = duckdb.sql(f"select practice_id, count(*), count(distinct claim_id) from "
                        f"read_parquet('{home}/raw/x12_claims/*/*/*.parquet') group by 1 order by 1").fetchall()
    assert [row[0] for row in claims] == list(PRACTICES)
    assert claims[2][1:] == (9, 8)  # tiny: A103 is sent twice, its original and the frequency-7 correction


def test_a_practice_taken_out_of_the_network_file_leaves_the_warehouse(network: dict, tmp_path: Path) -> None:
    from orchestration.raw_parquet.publish import remove_other_practices

    raw = tmp_path / "raw"
    shutil.copytree(network["home"] / "raw", raw)
    assert remove_other_practices(raw, {"north", "tiny"}) == ["south"]
    assert not list(raw.glob("*/practice=south"))
    assert list(raw.glob("*/practice=north")) and list(raw.glob("*/practice=tiny"))
    assert remove_other_practices(raw, {"north", "tiny"}) == []


# ---- one practice's users never see another's rows (the trust issue's role tests, for a network) ----------------

# the process explorer reads mining's working tables, which stay in each practice's own warehouse
PAGES_COMPARED = ("overview", "denials", "access", "leadership", "data_health", "outcomes", "work_queue")


def _page(name: str, viewer, warehouse: Path, home: Path, monkeypatch: pytest.MonkeyPatch):
    from dashboard_pages import no_errors, run_page

    monkeypatch.setenv("LANTERN_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LANTERN_HOME", str(home))
    app = run_page(name, viewer)
    no_errors(app, error_boxes=False)
    return app


def _shown(app) -> tuple[dict[str, str], list[str]]:
    """What a page showed: its metrics and its tables' rows, as text; not the audit trail, which records each view."""
    from dashboard_pages import metrics

    return metrics(app), [frame.value.to_csv(index=False) for frame in app.dataframe
                          if not {"username", "action"} <= set(frame.value.columns)]


@pytest.mark.parametrize("page", PAGES_COMPARED)
def test_a_practices_user_sees_in_the_network_what_their_own_warehouse_shows(network: dict, page: str,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboards.roles import Viewer

    home = network["tmp"] / "dashboards_home"
    theirs = _page(page, Viewer("nora", "leadership", practice_id="north"), network["home"] / "warehouse.duckdb",
                   home, monkeypatch)
    own = _page(page, Viewer("nora", "leadership"), network["single_north"], home, monkeypatch)
    shown, expected = _shown(theirs), _shown(own)
    assert shown == expected
    assert shown != ({}, [])  # the page showed something to compare
    assert any("practice north" in caption.value for caption in theirs.caption)


def test_a_practices_user_cannot_pick_another_practice_and_a_network_user_can(network: dict,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboards.roles import Viewer

    home, warehouse = network["tmp"] / "dashboards_home", network["home"] / "warehouse.duckdb"
    scoped = _page("overview", Viewer("nora", "leadership", practice_id="north"), warehouse, home, monkeypatch)
    assert not scoped.sidebar.selectbox  # nothing to choose: their practice is the only one they read
    network_wide = _page("overview", Viewer("mso", "leadership"), warehouse, home, monkeypatch)
    picker = network_wide.sidebar.selectbox(key="practice")
    assert list(picker.options) == list(PRACTICES)
    south = picker.set_value("south").run()
    assert any("practice south" in caption.value for caption in south.caption)


def test_a_user_of_a_practice_the_warehouse_does_not_hold_sees_nothing(network: dict,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboards.roles import Viewer

    app = _page("overview", Viewer("wes", "leadership", practice_id="west"), network["home"] / "warehouse.duckdb",
                network["tmp"] / "dashboards_home", monkeypatch)
    assert [e.value for e in app.error] == ["this warehouse holds no rows of practice west, the only one wes may see."]
    assert not app.metric and not app.dataframe
