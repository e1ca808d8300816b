"""Deliveries loaded out of order, loaded again, one of them delivered twice, and a build killed in the middle of a
delivery: the warehouse ends exactly as one uninterrupted build of the same landing zone leaves it. Every mart dbt
builds and every raw table are compared row by row (orchestration.warehouse_compare), money to the cent and doubles
to the last bit.

The reference is the small practice's `lantern build` (conftest.built_small_practice). The other warehouse gets the
same landing zone plus a second copy of one delivery (the same files in a new folder, as when a clearinghouse sends a
month again), and goes through, in turn:

1. out of order: the loader loads the deliveries after KILLED_IN, newest first (the second copy before the original);
2. killed: `lantern build` loads the others in date order and is killed with SIGKILL (no handler runs: a power cut,
   the OOM killer) inside the transaction of a file in the middle of KILLED_IN, that file's raw rows written but not
   committed and the delivery's files before it committed. The killed build is this file run as a script (`__main__`
   at the bottom): the real command with two changes to its loader so that the kill lands where it does most harm:
   every file is written in its own transaction (BATCH_ROWS = 1), and that one file's transaction waits to be killed.
   A copy of what it left shows exactly the files before that one;
3. run again: `lantern build --warehouse-only` on the same warehouse file, with the write-ahead log and Dagster's
   record of the dead run the kill left, loads every delivery a second time (only the files missing are new) and
   builds the marts. It runs in the test's process: the killed one shared nothing with it but the files.

All of it ends in one build of the marts because dbt's fixed cost is most of a build's time (tests must stay cheap),
and in one test: pytest-xdist may send the tests of one module to two workers, and each would build. The two other
tests show, on tiny warehouses, that the comparison finds what it must. tests/test_extract_load.py shows order and
reloading on the raw layer alone.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

pytestmark = pytest.mark.slow

KILLED_SOURCE = "ehr"  # loaded first
KILLED_IN = "2024-03-01"  # the small practice's second monthly delivery
FILES_KEPT = 2  # its files committed before the kill: Condition.ndjson, DocumentReference.ndjson
ORIGINAL = "2024-06-01"  # the fifth, ...
# ... sent again between two monthly deliveries (so the as-of date, the newest delivery's date, stays 2025-01-01),
# and loaded before the original.
RESENT = "2024-07-15"
WAIT_SECONDS = 900  # for the killed build to reach its pause on a loaded machine


def test_out_of_order_repeated_resent_and_interrupted_loads_end_as_one_build(built_small_practice, tmp_path):
    from orchestration.extract.loader import SOURCES, delivery_names, landing_files, load_deliveries
    from orchestration.project import DBT_PROJECT_DIR
    from orchestration.warehouse_compare import compare_warehouses

    practice = built_small_practice.practice
    landing = tmp_path / "landing"
    shutil.copytree(practice.landing, landing)
    for source in SOURCES:
        shutil.copytree(landing / source / ORIGINAL, landing / source / RESENT)
    names = delivery_names(landing)
    assert names.index(KILLED_IN) == 1 and names.index(ORIGINAL) == 4 and names.index(RESENT) == 6
    assert names[-1] == "2025-01-01" and len(names) == 13

    warehouse = tmp_path / "warehouse.duckdb"
    later = names[names.index(KILLED_IN) + 1:]
    with duckdb.connect(str(warehouse)) as con:
        for delivery in reversed(later):
            for source in SOURCES:
                load_deliveries(con, landing, source, [delivery])

    arguments = ["--home", str(tmp_path / "home"), "build", "--warehouse-only", "--landing", str(landing),
                 "--warehouse", str(warehouse), "--config", str(practice.practice_toml)]
    env = {**os.environ, "COLUMNS": "200"}
    paused = _killed_in_the_middle_of_a_delivery(arguments, env, tmp_path)
    files = [f.relative for f in landing_files(landing, KILLED_SOURCE)]
    assert paused == [f for f in files if f.startswith(f"{KILLED_SOURCE}/{KILLED_IN}/")][FILES_KEPT]
    expected = {f.relative for source in SOURCES for f in landing_files(landing, source, later)}
    expected |= set(files[:files.index(paused)])
    in_ledger, with_rows = _files_left(warehouse, tmp_path / "left_by_the_kill")
    assert in_ledger == expected  # every file before the paused one, and no other ...
    kept = set(files[files.index(paused) - FILES_KEPT:files.index(paused)])
    assert kept <= with_rows <= expected and paused not in with_rows  # ... nor a row of the paused one

    rerun = _lantern(arguments)
    assert "13 deliveries; " in rerun and "mining the event log" not in rerun

    reference = built_small_practice.warehouse
    dbt_marts = {f"marts.{p.stem}" for p in (DBT_PROJECT_DIR / "models" / "marts").iterdir()
                 if p.suffix in (".sql", ".py")}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert {f"marts.{t}" for (t,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()} == dbt_marts
    assert compare_warehouses(reference, warehouse, ("marts",), tables=dbt_marts) == []
    # The raw layer keeps the second copy as it arrived (staging keeps one); without it, it is the reference's ...
    assert compare_warehouses(reference, warehouse, ("raw",), skip_deliveries=[RESENT]) == []
    # ... and the second copy's rows are the original's, each file recorded as a duplicate of the first copy.
    assert _resent_rows_unlike_the_originals(reference, warehouse) == {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        resent = con.execute("select count(*), count(duplicate_of), sum(rows_loaded) from raw.ledger "
                             "where _delivery = ?", [RESENT]).fetchall()[0]
    delivered = sum(1 for source in SOURCES for path in (landing / source / RESENT).rglob("*") if path.is_file())
    assert resent[:2] == (delivered, delivered) and resent[2] > 1000


def _lantern(arguments: list[str]) -> str:
    """`lantern` run in this process (the killed one ran in its own); what it printed."""
    from typer.testing import CliRunner

    from orchestration.cli import app

    saved = dict(os.environ)  # the command line sets Lantern's and the tools' variables for its run
    try:
        result = CliRunner().invoke(app, arguments, env={"COLUMNS": "200"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 0, result.output
    return result.output


def _killed_in_the_middle_of_a_delivery(arguments: list[str], env: dict[str, str], folder: Path) -> str:
    """Run `lantern build` paused inside one file's transaction (this file as a script), kill it there with SIGKILL,
    and return that file."""
    marker, log = folder / "paused", folder / "killed_build.log"
    with log.open("w") as output:
        build = subprocess.Popen([sys.executable, __file__, str(marker), *arguments], stdout=output,
                                 stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + WAIT_SECONDS
            while not marker.exists() and build.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
            assert marker.exists(), f"the build did not reach its pause:\n{log.read_text()}"
            build.send_signal(signal.SIGKILL)
            assert build.wait(60) == -signal.SIGKILL
        finally:
            if build.poll() is None:
                build.kill()
                build.wait()
    return marker.read_text()


def _files_left(warehouse: Path, folder: Path) -> tuple[set[str], set[str]]:
    """The files in the ledger and the files raw rows came from, read on a copy of what the killed build left (the
    database file and its write-ahead log), so that the build run again finds them untouched."""
    folder.mkdir()
    left = [path for path in warehouse.parent.glob(warehouse.name + "*") if path.is_file()]
    assert {path.name for path in left} == {warehouse.name, warehouse.name + ".wal"}
    for path in left:
        shutil.copy2(path, folder / path.name)
    with duckdb.connect(str(folder / warehouse.name), read_only=True) as con:
        ledger = {f for (f,) in con.execute("select _source_file from raw.ledger").fetchall()}
        tables = [t for (t,) in con.execute("select table_name from duckdb_columns() where schema_name = 'raw' "
                                            "and column_name = '_source_file' and table_name <> 'ledger'").fetchall()]
        rows = {f for table in tables
                for (f,) in con.execute(f"select distinct _source_file from raw.{table}").fetchall()}
    return ledger, rows


def _resent_rows_unlike_the_originals(reference: Path, warehouse: Path) -> dict[str, tuple[int, int]]:
    """Per raw table, the second copy's rows that are not the original delivery's rows under the new folder's name,
    and the original's rows without such a twin. In the ledger each resent file is a duplicate of the first copy of
    its bytes: the original file, or the file the original itself repeats."""
    with duckdb.connect() as con:
        con.execute(f"attach '{reference}' as ref (read_only)")
        con.execute(f"attach '{warehouse}' as new (read_only)")
        tables = [t for (t,) in con.execute(
            "select table_name from duckdb_columns() where database_name = 'new' and schema_name = 'raw' "
            "and column_name = '_delivery'").fetchall()]
        assert {"ledger", "fhir_patients", "pm_appointments", "x12_claims"} <= set(tables)
        unlike = {}
        for table in tables:
            original = (f"select * replace ('{RESENT}' as _delivery, "
                        f"replace(_source_file, '/{ORIGINAL}/', '/{RESENT}/') as _source_file"
                        + (", coalesce(duplicate_of, _source_file) as duplicate_of" if table == "ledger" else "")
                        + f") from ref.raw.{table} where _delivery = '{ORIGINAL}'")
            resent = f"select * from new.raw.{table} where _delivery = '{RESENT}'"
            only_resent, only_original = con.execute(
                f"select (select count(*) from ({resent} except all {original})), "
                f"(select count(*) from ({original} except all {resent}))").fetchall()[0]
            if only_resent or only_original:
                unlike[table] = (only_resent, only_original)
    return unlike


def _warehouse(path: Path, *statements: str) -> Path:
    with duckdb.connect(str(path)) as con:
        for statement in statements:
            con.execute(statement)
    return path


COMPARED = ("create schema marts; create schema raw;"
            "create table marts.claims (claim varchar, paid decimal(18,2), hours double, codes varchar[]);"
            "create table raw.files (file varchar, _delivery varchar)")
CLAIMS = "insert into marts.claims values ('C1', 10.10, 7.766666666666667, ['90837']), ('C2', 0.00, 'nan', null)"
FILES = "insert into raw.files values ('a', '2024-01-01'), ('b', '2024-02-01')"


def _differences(left: Path, right: Path, **options) -> list[tuple[str, str]]:
    from orchestration.warehouse_compare import compare_warehouses

    return [(d.table, d.what.split(";")[0]) for d in compare_warehouses(left, right, **options)]


def test_the_comparison_finds_a_last_bit_a_cent_a_row_held_twice_a_type_and_a_table(tmp_path):
    left = _warehouse(tmp_path / "left.duckdb", COMPARED, CLAIMS, FILES)
    assert _differences(left, _warehouse(tmp_path / "same.duckdb", COMPARED, FILES, CLAIMS)) == []  # NaN = NaN
    last_bit = _warehouse(tmp_path / "bit.duckdb", COMPARED, FILES, CLAIMS.replace("667", "6675"))
    cent = _warehouse(tmp_path / "cent.duckdb", COMPARED, FILES, CLAIMS.replace("10.10", "10.11"))
    twice = _warehouse(tmp_path / "twice.duckdb", COMPARED, FILES, "insert into raw.files values ('b', '2024-02-01')",
                       CLAIMS)
    one_each, one_more = "1 rows only in the left warehouse, 1 only in the right", \
        "0 rows only in the left warehouse, 1 only in the right"
    for right, table, counts in ((last_bit, "marts.claims", one_each), (cent, "marts.claims", one_each),
                                 (twice, "raw.files", one_more)):
        assert _differences(left, right) == [(table, counts)]
    typed = _warehouse(tmp_path / "typed.duckdb", COMPARED.replace("hours double", "hours float"), CLAIMS, FILES)
    columns = "('claim VARCHAR', 'paid DECIMAL(18,2)', 'hours {}', 'codes VARCHAR[]')"
    assert _differences(left, typed) == [
        ("marts.claims", f"columns differ: {columns.format('DOUBLE')} against {columns.format('FLOAT')}")]
    assert _differences(left, typed, schemas=("raw",)) == []
    fewer = _warehouse(tmp_path / "fewer.duckdb", COMPARED, "drop table marts.claims", FILES)
    assert _differences(left, fewer) == [("marts.claims", "only in the left warehouse")]
    assert _differences(left, fewer, tables=["raw.files", "marts.other"]) == [("marts.other", "in neither warehouse")]


def test_the_comparison_leaves_out_the_deliveries_it_is_told_to_skip(tmp_path):
    left = _warehouse(tmp_path / "left.duckdb", COMPARED, CLAIMS, FILES)  # a of 2024-01-01, b of 2024-02-01
    right = _warehouse(tmp_path / "right.duckdb", COMPARED, CLAIMS,
                       "insert into raw.files values ('a', '2024-01-01'), ('a', '2024-01-15'), ('c', null)")
    assert _differences(left, right, schemas=("raw",)) == [
        ("raw.files", "1 rows only in the left warehouse, 2 only in the right")]
    assert _differences(left, right, schemas=("raw",), skip_deliveries=["2024-01-15"]) == [
        ("raw.files", "1 rows only in the left warehouse, 1 only in the right")]
    assert _differences(left, right, schemas=("raw",), skip_deliveries=["2024-01-15", "2024-02-01"]) == [
        ("raw.files", "0 rows only in the left warehouse, 1 only in the right")]  # a row of no delivery stays


# The mining step's marts, which the build above does not make (`--warehouse-only`), hold two things that
# depended on more than the warehouse's rows: money summed as doubles, and pm4py's random BPMN ids.


def test_money_per_variant_does_not_depend_on_the_order_of_the_rows():
    from mining.schema import Money
    from mining.variants import variants

    events = ", ".join(f"('{case}', '{activity}', timestamp '2024-01-0{day} {9 + step}:00', {step + 1}, {amount})"
                       for case, day, amounts in (("c1", 1, (0.1, 0.2, 0.3)), ("c2", 2, (0.3, 0.2, 0.1)))
                       for step, (activity, amount) in enumerate(zip("abc", amounts, strict=True)))
    con = duckdb.connect()
    for table, order in (("ascending", "asc"), ("descending", "desc")):  # as doubles: 0.6000000000000001, 0.6
        con.execute(f"create table {table} as select * from (values {events}) "
                    f"as t(case_id, activity, event_at, event_order, amount) order by amount::double {order}")
    fee = [Money("fee", "amount", ())]
    ascending, descending = (variants(con, table, money=fee) for table in ("ascending", "descending"))
    assert ascending[["fee_total", "fee_per_case"]].values.tolist() == [[1.2, 0.6]]
    pd.testing.assert_frame_equal(ascending, descending, check_exact=True)


def test_the_same_model_gets_the_same_bpmn_ids():
    from mining.discovery import discover_inductive

    log = {("a", "b", "c"): 3, ("a", "c", "b"): 2}
    first, second = discover_inductive(log), discover_inductive(log)
    assert first.bpmn_flows.values.tolist() == second.bpmn_flows.values.tolist() == [
        ["ParallelGateway#1", "end"], ["ParallelGateway#2", "b"], ["ParallelGateway#2", "c"],
        ["a", "ParallelGateway#2"], ["b", "ParallelGateway#1"], ["c", "ParallelGateway#1"], ["start", "a"]]
    assert first.bpmn_nodes["node"].tolist() == second.bpmn_nodes["node"].tolist() == [
        "ParallelGateway#1", "ParallelGateway#2", "a", "b", "c", "end", "start"]


def _pause_in_the_middle_of_a_delivery(marker: Path) -> None:
    """Make this process's loader write one file per transaction and wait, inside the transaction of the
    FILES_KEPT+1-th file of KILLED_IN (its raw rows written, its ledger row not), to be killed; `marker` names the
    file once it waits."""
    from connectors.raw_tables import LEDGER
    from orchestration.extract import loader

    loader.BATCH_ROWS = 1
    insert = loader._insert
    seen = []

    def insert_or_wait(con, table, rows):
        if table is LEDGER and rows[0]["source"] == KILLED_SOURCE and rows[0]["_delivery"] == KILLED_IN:
            seen.append(rows[0]["_source_file"])
            if len(seen) > FILES_KEPT:
                written = marker.with_name(marker.name + ".part")
                written.write_text(rows[0]["_source_file"])
                written.rename(marker)  # whole, or not there
                time.sleep(WAIT_SECONDS)
        return insert(con, table, rows)

    loader._insert = insert_or_wait


if __name__ == "__main__":  # the killed build: `python tests/test_idempotency.py MARKER <lantern's arguments>`
    from orchestration.cli import app

    _pause_in_the_middle_of_a_delivery(Path(sys.argv[1]))
    app(sys.argv[2:], prog_name="lantern")
