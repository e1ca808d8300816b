"""The process explorer: its DOT building, filters and cell-size rule as pure functions on a hand-made graph, and
the page with Streamlit's AppTest on the small practice's built warehouse, its numbers equal to the warehouse's."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.process_map import (
    activity_events,
    edges_to_show,
    escape,
    event_filter,
    filter_arguments,
    hours_label,
    is_unfiltered,
    process_map_dot,
    segment_filters,
    suppress_small,
)
from mining.events import EventFilter
from dashboard_pages import no_errors, run_page

ACTIVITY_EDGE = re.compile(r"^  a\d+ -> a\d+ \[", re.MULTILINE)

HEADER = (
    "digraph process {\n"
    '  graph [rankdir=TB, fontname="Helvetica", nodesep=0.35, ranksep=0.45];\n'
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, color="#5b7a99"];\n'
    '  edge [fontname="Helvetica", fontsize=9, arrowsize=0.7];\n'
)


@pytest.fixture
def tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three cases: two go register -> say "hi" -> close, one register -> close."""
    dfg = pd.DataFrame([("say \"hi\"", "close", 2, 40.0, 50.0, 60.0),
                        ("register", "close", 1, 1.0, 1.0, 1.0),
                        ("register", "say \"hi\"", 2, 2.0, 2.0, 3.0)],
                       columns=["source", "target", "frequency", "mean_hours", "median_hours", "p90_hours"])
    start_end = pd.DataFrame([("start", "register", 3, 1.0), ("end", "close", 3, 1.0)],
                             columns=["kind", "activity", "cases", "share"])
    return dfg, start_end


def test_the_frequency_map_of_a_tiny_graph(tiny):
    expected = HEADER + (
        '  start [label="start", shape=circle, style=filled, fillcolor="#8fd19e", color="#3c8d50", fontsize=9, '
        "width=0.5, fixedsize=true];\n"
        '  end [label="end", shape=doublecircle, style=filled, fillcolor="#f1a9a0", color="#a93226", fontsize=9, '
        "width=0.45, fixedsize=true];\n"
        '  a0 [label="close\\n3", fillcolor="#6aa6d6"];\n'
        '  a1 [label="register\\n3", fillcolor="#6aa6d6"];\n'
        '  a2 [label="say \\"hi\\"\\n2", fillcolor="#94bfe3"];\n'
        '  a1 -> a2 [label="2", penwidth=6.00, color="#2c6fbb"];\n'
        '  a2 -> a0 [label="2", penwidth=6.00, color="#2c6fbb"];\n'
        '  a1 -> a0 [label="1", penwidth=3.50, color="#2c6fbb"];\n'
        '  start -> a1 [label="3", style=dashed, color="#8c8c8c"];\n'
        '  a0 -> end [label="3", style=dashed, color="#8c8c8c"];\n'
        "}\n"
    )
    assert process_map_dot(*tiny) == expected


def test_the_performance_map_labels_and_widens_by_median_time_and_keeps_the_most_frequent_edges(tiny):
    expected = HEADER + (
        '  a0 [label="close\\n3", fillcolor="#6aa6d6"];\n'
        '  a1 [label="register\\n3", fillcolor="#6aa6d6"];\n'
        '  a2 [label="say \\"hi\\"\\n2", fillcolor="#94bfe3"];\n'
        '  a1 -> a2 [label="2.0 h", penwidth=1.20, color="#c0392b"];\n'
        '  a2 -> a0 [label="2.1 d", penwidth=6.00, color="#c0392b"];\n'
        "}\n"
    )
    assert process_map_dot(*tiny, mode="performance", edge_share=0.5, show_start_end=False) == expected


def test_performance_start_and_end_edges_carry_no_label(tiny):
    dot = process_map_dot(*tiny, mode="performance")
    assert '  start -> a1 [style=dashed, color="#8c8c8c"];\n' in dot
    assert '  a0 -> end [style=dashed, color="#8c8c8c"];\n' in dot


def test_an_unknown_mode_or_share_is_refused(tiny):
    with pytest.raises(ValueError, match="mode"):
        process_map_dot(*tiny, mode="speed")
    with pytest.raises(ValueError, match="share"):
        process_map_dot(*tiny, edge_share=1.5)


def test_escape_quotes_backslashes_and_line_breaks():
    assert escape('say "hi"') == 'say \\"hi\\"'
    assert escape("a\\b") == "a\\\\b"
    assert escape("two\nlines") == "two lines"


def test_the_edge_share_rounds_up_and_orders_by_frequency(tiny):
    dfg, _ = tiny
    assert len(edges_to_show(dfg, 0.0)) == 0
    assert len(edges_to_show(dfg, 0.01)) == 1
    assert len(edges_to_show(dfg, 0.6)) == 2
    assert edges_to_show(dfg, 1.0)[["source", "target"]].values.tolist() == [
        ["register", 'say "hi"'], ['say "hi"', "close"], ["register", "close"]]


def test_activity_events_are_outgoing_edges_plus_the_cases_ended(tiny):
    assert activity_events(*tiny).to_dict() == {"close": 3, "register": 3, 'say "hi"': 2}


def test_hours_read_in_hours_then_days():
    assert hours_label(5.25) == "5.2 h"
    assert hours_label(47.9) == "47.9 h"
    assert hours_label(72) == "3.0 d"
    assert hours_label(float("nan")) == "—"


def test_the_whole_date_range_and_nothing_picked_is_no_filter():
    full = (date(2024, 1, 1), date(2024, 12, 31))
    arguments = filter_arguments(full, full)
    assert arguments == {"case_start_from": None, "case_start_to": None, "payers": (), "clinicians": (),
                         "modalities": ()}
    assert is_unfiltered(event_filter(**arguments))
    # a date_input caught halfway through picking a range (one day) filters nothing yet
    assert filter_arguments((date(2024, 3, 1),), full)["case_start_from"] is None


def test_the_filters_become_an_event_filter():
    full = (date(2024, 1, 1), date(2024, 12, 31))
    arguments = filter_arguments((date(2024, 3, 1), date(2024, 12, 31)), full, payers=["P2", "P1"],
                                 modalities=["office"])
    assert arguments["case_start_from"] == date(2024, 3, 1) and arguments["case_start_to"] is None
    assert event_filter(**arguments) == EventFilter(case_start_from=date(2024, 3, 1),
                                                    equals={"payer_id": ("P1", "P2"), "modality": ("office",)})
    one = segment_filters(arguments, "payer", "P3")
    assert one["payers"] == ("P3",) and one["modalities"] == ("office",)


def test_groups_of_fewer_than_11_are_suppressed():
    frame = pd.DataFrame({"variant": ["a", "b", "c"], "patients": [40, 10, 3], "share": [0.8, 0.15, 0.05]})
    kept, hidden, share = suppress_small(frame, "patients")
    assert kept["variant"].tolist() == ["a"] and hidden == 2 and share == pytest.approx(0.2)


# The page, on the small practice's warehouse.


@pytest.fixture
def built(dashboard_warehouse):
    return dashboard_warehouse


def dot(app: AppTest) -> str:
    charts = app.get("graphviz_chart")
    assert len(charts) == 1
    return charts[0].proto.spec


def open_tab(app: AppTest, tab: str) -> AppTest:
    app.session_state["tab"] = tab
    return app.run()


@pytest.mark.slow
def test_the_claim_map_shows_every_edge_of_the_warehouse(built):
    app = run_page("process_explorer")
    no_errors(app)
    assert [t.value for t in app.title] == ["Process explorer"]
    cases = built.execute("select count(*) from marts.event_log_cases where case_type = 'claim'").fetchone()[0]
    assert {m.label: m.value for m in app.metric}["Cases"] == f"{cases:,}"
    app.slider(key="share").set_value(1.0).run()
    no_errors(app)
    edges = built.execute("select count(*) from marts.mining_dfg where case_type = 'claim'").fetchone()[0]
    activities = built.execute(
        "select count(*) from (select source from marts.mining_dfg where case_type = 'claim' union "
        "select target from marts.mining_dfg where case_type = 'claim' union "
        "select activity from marts.mining_start_end where case_type = 'claim')").fetchone()[0]
    drawn = dot(app)
    assert len(ACTIVITY_EDGE.findall(drawn)) == edges
    assert len(re.findall(r"^  a\d+ \[label=", drawn, re.MULTILINE)) == activities


@pytest.mark.slow
def test_the_performance_view_runs(built):
    app = run_page("process_explorer")
    app.radio(key="mode").set_value("performance").run()
    no_errors(app)
    assert re.search(r'a\d+ -> a\d+ \[label="[\d,.]+ [hd]"', dot(app))


@pytest.mark.slow
def test_a_payer_filter_keeps_that_payers_claims(built):
    app = run_page("process_explorer")
    payer, cases = built.execute("select payer_id, count(*) from marts.event_log_cases where case_type = 'claim' "
                                 "group by all order by 2 desc, 1 limit 1").fetchone()
    app.multiselect[0].set_value([payer]).run()
    no_errors(app)
    assert {m.label: m.value for m in app.metric}["Cases"] == f"{cases:,}"
    app.slider(key="share").set_value(1.0).run()
    edges = built.execute("select count(*) from (select distinct source, target from marts.mining_pairs_claim "
                          "where target is not null and case_id in (select case_id from marts.event_log_cases "
                          "where case_type = 'claim' and payer_id = ?))", [payer]).fetchone()[0]
    assert len(ACTIVITY_EDGE.findall(dot(app))) == edges


@pytest.mark.slow
def test_the_variants_top_row_is_the_warehouses(built):
    app = open_tab(run_page("process_explorer"), "Variants")
    no_errors(app)
    top = app.dataframe[0].value.iloc[0]
    expected = built.execute("select variant, cases, share, charged_total, payer_paid_total from marts.mining_variants "
                             "where case_type = 'claim' order by variant_rank limit 1").fetchone()
    assert (top["variant"], top["cases"]) == expected[:2]
    assert top["share"] == pytest.approx(expected[2])
    assert top["charged_total"] == pytest.approx(expected[3])
    assert top["payer_paid_total"] == pytest.approx(expected[4])


@pytest.mark.slow
@pytest.mark.parametrize("case_type", ["claim", "patient_journey"])
def test_every_tab_runs(built, case_type):
    app = run_page("process_explorer")
    app.radio[0].set_value(case_type).run()
    no_errors(app)
    for tab in ["Map", "Variants", "Deviations", "Bottlenecks", "Compare segments", "Exports"]:
        open_tab(app, tab)
        no_errors(app)
    assert [b.label.split(":")[0] for b in app.get("download_button")] == [
        "XES, patient journey cases", "XES, claim cases", "OCEL 2.0 JSON, both case notions (cases started in the "
        "last 6 months)"]
