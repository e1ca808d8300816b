"""Loading a landing zone into the raw layer: contracts, quarantine, ledger, idempotency, order."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from connectors.raw_tables import ALL_TABLES
from orchestration.extract.loader import SOURCES, delivery_names, load_deliveries


def _load_all(landing: Path, warehouse: Path, deliveries: list[str] | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(warehouse))
    for source in SOURCES:
        load_deliveries(con, landing, source, deliveries)
    return con


def _contents(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every raw table's rows, sorted, so two warehouses can be compared whatever their insertion order."""
    out = {}
    for table in (*(t.name for t in ALL_TABLES), "quarantine", "ledger"):
        rows = con.execute(f"select * from raw.{table}").fetchall()
        out[table] = sorted(rows, key=repr)
    return out


@pytest.fixture(scope="module")
def loaded_messy(messy_practice, tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    con = _load_all(messy_practice.landing, warehouse)
    yield messy_practice, con
    con.close()


def test_every_messy_defect_is_quarantined_with_its_reason(loaded_messy):
    practice, con = loaded_messy
    expected = {c["kind"]: c for c in practice.messy}
    quarantine = con.execute("select _source_file, location, rule, reason from raw.quarantine").fetchall()
    by_file = {}
    for source_file, location, rule, reason in quarantine:
        by_file.setdefault(source_file, []).append((location, rule, reason))

    truncated = by_file[expected["truncated_interchange"]["file"]]
    assert [r[1] for r in truncated] == ["truncated_interchange"] and "no IEA" in truncated[0][2]

    bad_line = expected["bad_ndjson_line"]
    assert by_file[bad_line["file"]] == [(f"line {bad_line['line']}", "invalid_json", by_file[bad_line["file"]][0][2])]

    malformed = expected["malformed_csv_row"]
    assert by_file[malformed["file"]][0][:2] == (f"line {malformed['line']}", "unparseable_timestamp")
    keyless = expected["missing_key_csv_row"]
    assert by_file[keyless["file"]][0][:2] == (f"line {keyless['line']}", "missing_key")
    assert len(quarantine) == 4  # nothing else in the whole practice was rejected


def test_resent_file_is_recorded_as_a_duplicate(loaded_messy):
    practice, con = loaded_messy
    change = next(c for c in practice.messy if c["kind"] == "duplicate_file")
    assert con.execute("select duplicate_of from raw.ledger where _source_file = ?",
                       [change["file"]]).fetchone() == (change["same_as"],)


def test_every_record_is_loaded_or_quarantined(loaded_messy):
    practice, con = loaded_messy
    unbalanced = con.execute(
        "select _source_file from raw.ledger where rows_read <> rows_loaded + rows_quarantined + rows_skipped"
    ).fetchall()
    assert unbalanced == []
    read, loaded, quarantined = con.execute(
        "select sum(rows_read), sum(rows_loaded), sum(rows_quarantined) from raw.ledger").fetchone()
    assert quarantined == 4 + _truncated_claims(practice)
    assert loaded + quarantined == read
    # The ledger's loaded PM and FHIR records are exactly the raw rows (one row per record there).
    pm_rows = sum(con.execute(f"select count(*) from raw.{t.name}").fetchone()[0] for t in ALL_TABLES
                  if t.source in ("pm", "ehr"))
    assert pm_rows == con.execute("select sum(rows_loaded) from raw.ledger where source in ('pm', 'ehr')").fetchone()[0]


def _truncated_claims(practice) -> int:
    """Claims in the truncated copy: its records are quarantined with it."""
    change = next(c for c in practice.messy if c["kind"] == "truncated_interchange")
    return (practice.landing / change["file"]).read_text().count("~\nCLM*") - 1


def test_loading_again_changes_nothing(messy_practice, tmp_path):
    con = _load_all(messy_practice.landing, tmp_path / "w.duckdb")
    before = _contents(con)
    for source in SOURCES:
        report = load_deliveries(con, messy_practice.landing, source)
        assert report.files_loaded == 0 and report.files_unchanged == report.files_seen
    assert _contents(con) == before


def test_deliveries_in_reverse_order_give_the_same_raw_layer(messy_practice, tmp_path):
    forward = _contents(_load_all(messy_practice.landing, tmp_path / "forward.duckdb"))
    reverse_con = duckdb.connect(str(tmp_path / "reverse.duckdb"))
    for delivery in reversed(delivery_names(messy_practice.landing)):
        for source in SOURCES:
            load_deliveries(reverse_con, messy_practice.landing, source, [delivery])
    assert _contents(reverse_con) == forward


def test_a_changed_file_replaces_what_it_loaded_before(messy_practice, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(messy_practice.landing, landing)
    con = _load_all(landing, tmp_path / "w.duckdb")
    payments = sorted(landing.glob("pm/*/patient_payments.csv"))[2]
    lines = payments.read_text().splitlines(keepends=True)
    before = con.execute("select count(*) from raw.pm_patient_payments where _source_file = ?",
                         [payments.relative_to(landing).as_posix()]).fetchone()[0]
    payments.write_text("".join(lines[:-1]))  # the PM system re-exported the file without its last row
    report = load_deliveries(con, landing, "pm")
    assert report.files_loaded == 1
    after = con.execute("select count(*) from raw.pm_patient_payments where _source_file = ?",
                        [payments.relative_to(landing).as_posix()]).fetchone()[0]
    assert after == before - 1


def test_loading_in_small_batches_gives_the_same_raw_layer(messy_practice, tmp_path, monkeypatch):
    whole = _contents(_load_all(messy_practice.landing, tmp_path / "whole.duckdb"))
    monkeypatch.setattr("orchestration.extract.loader.BATCH_ROWS", 500)  # many flushes, each whole files
    assert _contents(_load_all(messy_practice.landing, tmp_path / "batched.duckdb")) == whole
