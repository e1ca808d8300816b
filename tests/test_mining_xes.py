"""XES logs through the warehouse analyses: `mining.xes` and `lantern mine --xes FILE --out DIR`.

A small hand-made log is written with pm4py's own XES exporter (plain and gzipped) and mined by the
command, whose CSV files must hold the figures worked out by hand. The public XES files in
../shared/fixtures/real/xes (see PROVENANCE.md there; never copied into the repository; skipped
when absent) must give pm4py's directly-follows graph, performance, start and end activities and
variants, and go through the command.
"""

from __future__ import annotations

import gzip
import math
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from mining.dfg import DFG_COLUMNS, directly_follows, from_pm4py, start_end_activities, start_end_from_pm4py
from mining.events import events_frame
from mining.schema import EVENT_LOG, PM4PY_ACTIVITY, PM4PY_CASE_ID, PM4PY_TIMESTAMP
from mining.variants import variant_counts, variants
from mining.xes import XesError, load_events, read_xes_events
from orchestration.cli import app

pm4py = pytest.importorskip("pm4py")
KEYS = EVENT_LOG.pm4py_keys()
PM4PY_KEYS = {"case_id_key": PM4PY_CASE_ID, "activity_key": PM4PY_ACTIVITY, "timestamp_key": PM4PY_TIMESTAMP}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
XES_FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "real" / "xes"

# file -> cases, events, activities (PROVENANCE.md's figures)
REAL_LOGS = {
    "running-example.xes": (6, 42, 8),
    "roadtraffic100traces.xes": (100, 390, 10),
    "12_roadtraffic_1t_per_variant.xes.gz": (231, 1891, 11),
    "13_SEPSIS_1t_per_variant.xes.gz": (846, 13775, 16),
    "interval_event_log.xes": (1266, 8109, 8),
}

# ----------------------------------------------------------------------------- a hand-made XES log
#
#   case  events (hours after 2024-03-01 09:00)         paid
#   k1    intake 0, session 24, claim 26, payment 98    payment 120.50
#   k2    intake 0, session 48, claim 48, payment 120   payment 80
#   k3    intake 0, session 24, no-show 24              -
#
# k2's session and claim share a timestamp; the session comes first in the file, so session -> claim.
# Edges (hours): intake->session [24, 48, 24] mean 32, median 24, p90 at 1.8: 24 + 0.8 (48 - 24) = 43.2
#                session->claim  [2, 0]  mean 1, median 1, p90 at 0.9: 0 + 0.9 (2 - 0) = 1.8
#                claim->payment  [72, 72] mean = median = p90 = 72
#                session->no-show [0]
# Variants: intake-session-claim-payment 2 cases (98 h and 120 h: median 109 h; paid 200.50),
#           intake-session-no-show 1 case (24 h).

HAND_LOG = {
    "k1": [("intake", 0, None), ("session", 24, None), ("claim", 26, None), ("payment", 98, 120.5)],
    "k2": [("intake", 0, None), ("session", 48, None), ("claim", 48, None), ("payment", 120, 80.0)],
    "k3": [("intake", 0, None), ("session", 24, None), ("no-show", 24, None)],
}
HAND_DFG = [
    ("intake", "session", 3, 32.0, 24.0, 43.2),
    ("claim", "payment", 2, 72.0, 72.0, 72.0),
    ("session", "claim", 2, 1.0, 1.0, 1.8),
    ("session", "no-show", 1, 0.0, 0.0, 0.0),
]


def write_hand_log(path: Path) -> Path:
    """The hand-made log as XES, written by pm4py's exporter (gzipped when the name ends in .gz)."""
    start = datetime(2024, 3, 1, 9)
    rows = [(case, activity, pd.Timestamp(start + timedelta(hours=hours), tz="UTC"), paid)
            for case, events in HAND_LOG.items() for activity, hours, paid in events]
    frame = pd.DataFrame(rows, columns=[PM4PY_CASE_ID, PM4PY_ACTIVITY, PM4PY_TIMESTAMP, "paid"])
    plain = path.with_suffix("") if path.suffix == ".gz" else path
    pm4py.write_xes(frame, str(plain), **{"case_id_key": PM4PY_CASE_ID})
    if path.suffix == ".gz":
        with plain.open("rb") as source, gzip.open(path, "wb") as target:
            shutil.copyfileobj(source, target)
        plain.unlink()
    return path


def csv_rows(path: Path) -> list[tuple]:
    return [tuple(row) for row in pd.read_csv(path).itertuples(index=False)]


def assert_rows_close(actual: list[tuple], expected: list[tuple]) -> None:
    assert len(actual) == len(expected), (actual, expected)
    for got, want in zip(actual, expected, strict=True):
        for g, w in zip(got, want, strict=True):
            assert (math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-12) if isinstance(w, float) else g == w), (got, want)


def lines(text: str) -> list[str]:
    return [line for line in ANSI.sub("", text).splitlines() if line.strip()]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# ----------------------------------------------------------------------------- reading XES


def test_read_xes_events_renames_to_the_schema(tmp_path: Path) -> None:
    log = read_xes_events(write_hand_log(tmp_path / "hand.xes"))
    events = log.events
    assert log.dropped == 0
    assert {"event_order", "case_id", "activity", "event_at", "paid"} <= set(events.columns)
    assert list(events["event_order"]) == list(range(11))  # file order
    assert events["event_at"].dt.tz is None  # UTC, without a time zone
    assert events.loc[0, "event_at"] == pd.Timestamp("2024-03-01 09:00")
    assert list(events.loc[events["case_id"] == "k2", "activity"]) == ["intake", "session", "claim", "payment"]


@pytest.mark.parametrize("name", ["hand.xes", "hand.xes.gz"])
def test_mine_writes_the_hand_worked_figures(runner: CliRunner, tmp_path: Path, name: str) -> None:
    xes = write_hand_log(tmp_path / name)
    out = tmp_path / "out"
    result = runner.invoke(app, ["mine", "--xes", str(xes), "--out", str(out), "--money", "paid"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "3 cases, 11 events, 5 activities, 2 variants, 4 edges" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["bottlenecks.csv", "dfg.csv", "model.bpmn", "model.pnml",
                                                     "report.md", "rework.csv", "start_end.csv", "variants.csv"]

    assert list(pd.read_csv(out / "dfg.csv").columns) == DFG_COLUMNS
    assert_rows_close(csv_rows(out / "dfg.csv"), HAND_DFG)
    assert csv_rows(out / "start_end.csv") == [
        ("start", "intake", 3, 1.0), ("end", "payment", 2, 2 / 3), ("end", "no-show", 1, 1 / 3)]
    variants_csv = pd.read_csv(out / "variants.csv")
    assert list(variants_csv.columns) == [
        "variant_rank", "variant", "events", "cases", "share", "median_throughput_hours", "mean_throughput_hours",
        "paid_total", "paid_per_case"]
    assert_rows_close(csv_rows(out / "variants.csv"), [
        (1, "intake -> session -> claim -> payment", 4, 2, 2 / 3, 109.0, 109.0, 200.5, 100.25),
        (2, "intake -> session -> no-show", 3, 1, 1 / 3, 24.0, 24.0, 0.0, 0.0),
    ])

    # waiting time per edge: claim->payment 72 + 72 = 144 h, intake->session 24 + 48 + 24 = 96 h,
    # session->claim 2 + 0 = 2 h, session->no-show 0 h; 242 h in all
    assert_rows_close(csv_rows(out / "bottlenecks.csv"), [
        ("claim", "payment", 2, 2, 144.0, 144 / 242, 72.0, 72.0, 72.0),
        ("intake", "session", 3, 3, 96.0, 96 / 242, 32.0, 24.0, 43.2),
        ("session", "claim", 2, 2, 2.0, 2 / 242, 1.0, 1.0, 1.8),
        ("session", "no-show", 1, 1, 0.0, 0.0, 0.0, 0.0, 0.0),
    ])
    assert pd.read_csv(out / "rework.csv").empty  # no activity repeats in a case
    net, initial, final = pm4py.read_pnml(str(out / "model.pnml"))
    assert sorted(t.label for t in net.transitions if t.label) == ["claim", "intake", "no-show", "payment", "session"]
    report = (out / "report.md").read_text()
    # both variants fit the model IMf finds: intake, session, then either claim and payment or a no-show
    assert "Process tree: `->( 'intake', 'session', X( 'no-show', ->( 'claim', 'payment' ) ) )`" in report
    assert "log fitness 1.000, 100.0 % of cases fit" in report
    for line in (f"# Process mining report: {name}", "- cases: 3", "- events: 11", "- activities: 5",
                 "- variants: 2", "- time span: 2024-03-01 09:00 to 2024-03-06 09:00 (5.0 days)",
                 "| 1 | 2 | 66.7 % | 109.0 | intake -> session -> claim -> payment |",
                 "| intake | session | 3 | 24.0 | 32.0 | 43.2 |"):
        assert line in report, line
    by_median = report.split("edges by median duration")[1]
    assert by_median.index("| claim | payment |") < by_median.index("| intake | session |")


def test_mine_help_names_its_options(runner: CliRunner) -> None:
    result = runner.invoke(app, ["mine", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--xes", "--out", "--money"):
        assert option in ANSI.sub("", result.output)


def _assert_one_line_error(result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    errors = lines(result.stderr)
    assert len(errors) == 1 and errors[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in errors[0]


def test_mine_a_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.xes"
    result = runner.invoke(app, ["mine", "--xes", str(missing), "--out", str(tmp_path / "out")])
    _assert_one_line_error(result, str(missing), "no such file")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("garbage.xes", b"\x00\x01 not xml at all", "not a readable XES log"),
    ("empty.xes", b"", "not a readable XES log"),
    ("fake.xes.gz", b"plain text, not gzip", "not a readable XES log"),
    ("nolog.xes", b'<?xml version="1.0"?><log><trace><string key="concept:name" value="1"/>'
                  b'<event><string key="org:resource" value="x"/></event></trace></log>', "no concept:name"),
])
def test_mine_an_unreadable_file(runner: CliRunner, tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["mine", "--xes", str(path), "--out", str(tmp_path / "out")])
    _assert_one_line_error(result, str(path), reason)


def test_mine_a_truncated_gzip(runner: CliRunner, tmp_path: Path) -> None:
    whole = write_hand_log(tmp_path / "whole.xes.gz").read_bytes()
    cut = tmp_path / "cut.xes.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    _assert_one_line_error(runner.invoke(app, ["mine", "--xes", str(cut), "--out", str(tmp_path / "out")]),
                           "not a readable XES log")


def test_mine_refuses_an_out_path_that_is_a_file(runner: CliRunner, tmp_path: Path) -> None:
    xes = write_hand_log(tmp_path / "hand.xes")
    (tmp_path / "taken").write_text("x")
    result = runner.invoke(app, ["mine", "--xes", str(xes), "--out", str(tmp_path / "taken")])
    _assert_one_line_error(result, "not a folder")


def test_mine_names_a_missing_money_column(runner: CliRunner, tmp_path: Path) -> None:
    xes = write_hand_log(tmp_path / "hand.xes")
    result = runner.invoke(app, ["mine", "--xes", str(xes), "--out", str(tmp_path / "out"), "--money", "charged"])
    _assert_one_line_error(result, "charged")


# ----------------------------------------------------------------------------- the public XES files


@pytest.fixture(scope="module")
def xes_fixtures() -> Path:
    if not XES_FIXTURES.is_dir():
        pytest.skip(f"public sample files not found at {XES_FIXTURES}")
    return XES_FIXTURES


@pytest.mark.real
@pytest.mark.parametrize("name", sorted(REAL_LOGS))
def test_real_log_matches_pm4py(xes_fixtures: Path, name: str) -> None:
    log = read_xes_events(xes_fixtures / name)
    con = duckdb.connect()
    load_events(con, log.events)
    dfg = directly_follows(con, "events")
    cases, events, activities = REAL_LOGS[name]
    assert (log.events["case_id"].nunique(), len(log.events), log.events["activity"].nunique()) == (
        cases, events, activities)

    # pm4py on the file as it read it (its own column names, file order): same graph, same times
    raw = pm4py.read_xes(str(xes_fixtures / name), show_progress_bar=False)
    frequency, start, end = pm4py.discover_dfg(raw.copy(), **PM4PY_KEYS)
    performance, _, _ = pm4py.discover_performance_dfg(raw.copy(), **PM4PY_KEYS)
    values, _, _ = pm4py.discover_performance_dfg(raw.copy(), perf_aggregation_key="raw_values", **PM4PY_KEYS)
    pd.testing.assert_frame_equal(dfg, from_pm4py(frequency, performance, values), check_dtype=False, rtol=1e-12)

    # start and end activities and variants: pm4py on the events in their order (pm4py takes the
    # first and last row of a case as they come)
    frame = events_frame(con, "events")
    frequency, start, end = pm4py.discover_dfg(frame.copy(), **KEYS)
    pd.testing.assert_frame_equal(start_end_activities(con, "events"), start_end_from_pm4py(start, end),
                                  check_dtype=False)
    table = variants(con, "events")
    assert variant_counts(table) == pm4py.get_variants(frame, **KEYS)
    assert math.isclose(table["share"].sum(), 1.0)


@pytest.mark.real
def test_interval_log_times_edges_from_completion_to_next_start(xes_fixtures: Path) -> None:
    # interval_event_log.xes has start and completion times: pm4py (and so the warehouse) times an
    # edge from one event's completion to the next one's start, which may be negative when they overlap.
    log = read_xes_events(xes_fixtures / "interval_event_log.xes")
    assert "start_timestamp" in log.events
    con = duckdb.connect()
    load_events(con, log.events)
    frame = events_frame(con, "events")
    assert "start_timestamp" in frame
    pairs = frame.assign(next_start=frame.groupby("case_id")["start_timestamp"].shift(-1),
                         target=frame.groupby("case_id")["activity"].shift(-1)).dropna(subset=["target"])
    hours = (pairs["next_start"] - pairs["event_at"]).dt.total_seconds() / 3600
    expected = hours.groupby([pairs["activity"], pairs["target"]]).mean()
    dfg = directly_follows(con, "events").set_index(["source", "target"])["mean_hours"]
    assert np.allclose(dfg.sort_index().to_numpy(), expected.sort_index().to_numpy(), rtol=1e-12)


@pytest.mark.real
def test_a_file_without_case_activity_or_timestamp_is_refused(xes_fixtures: Path) -> None:
    with pytest.raises(XesError, match="no case:concept:name, concept:name, time:timestamp"):
        read_xes_events(xes_fixtures / "xes_20.xes")


@pytest.mark.real
@pytest.mark.parametrize("name", ["running-example.xes", "13_SEPSIS_1t_per_variant.xes.gz"])
def test_mine_a_real_log(runner: CliRunner, xes_fixtures: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["mine", "--xes", str(xes_fixtures / name), "--out", str(out)],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    cases, events, activities = REAL_LOGS[name]
    assert f"{cases:,} cases, {events:,} events, {activities:,} activities" in result.output
    con = duckdb.connect()
    load_events(con, read_xes_events(xes_fixtures / name).events)
    dfg = pd.read_csv(out / "dfg.csv")
    pd.testing.assert_frame_equal(dfg, directly_follows(con, "events"), check_dtype=False, rtol=1e-12)
    assert pd.read_csv(out / "variants.csv")["cases"].sum() == cases
    assert pd.read_csv(out / "start_end.csv").query("kind == 'start'")["cases"].sum() == cases
    assert f"- events: {events:,}" in (out / "report.md").read_text()


@pytest.mark.real
def test_importer_edge_cases_mine_or_fail_in_one_line(runner: CliRunner, xes_fixtures: Path, tmp_path: Path) -> None:
    edge_cases = sorted((xes_fixtures / "importer-edge-cases").glob("*.xes"))
    assert edge_cases
    outcomes = {}
    for path in edge_cases:
        result = runner.invoke(app, ["mine", "--xes", str(path), "--out", str(tmp_path / path.stem)])
        assert "Traceback" not in result.output, path.name
        if result.exit_code != 0:
            _assert_one_line_error(result, str(path))
        outcomes[path.name] = result.exit_code
    assert set(outcomes.values()) <= {0, 1}
