"""Encryption of the warehouse at rest (issue 8; docs/encryption.md).

The tiny landing zone (tests/tiny_landing, see test_tiny_landing_exact.py) is built twice by `run_build`: plain, and
encrypted with a key. The encrypted file holds none of the patients' names or MRNs that the plain one holds, cannot
be opened without its key or with another one (a Lantern error saying so), and its marts, read with the key, are the
plain build's, row for row. The key is written to no file. DuckDB 2.0.1 encrypts only with its httpfs extension's
crypto, which this machine does not have: these builds use `unsafe_test_crypto` (DuckDB's built-in mbedTLS), and a
test checks that without it `lantern build` refuses to write an encrypted warehouse, saying why.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from orchestration.build import run_build
from orchestration.cli import app, prepare_dagster_home
from orchestration.environments import environment_name
from orchestration.paths import LanternPaths
from orchestration.project import DBT_PROJECT_DIR
from orchestration.warehouse_connection import (
    WarehouseAccessError,
    WarehouseKey,
    catalog_name,
    connect,
    encrypt_warehouse,
    is_encrypted,
)
from orchestration.warehouse_key import read_key_file, resolve_warehouse_key, write_new_key

TINY = Path(__file__).with_name("tiny_landing")
SECRET = "lantern-test-warehouse-key-0123456789abcdef"  # 43 characters of the key alphabet
KEY = WarehouseKey(SECRET, unsafe_test_crypto=True)
WRONG = WarehouseKey("another-warehouse-key-0123456789abcdefghij", unsafe_test_crypto=True)
# Patient M001 of tests/tiny_landing/ehr/2025-02-01/Patient.ndjson is Maya Reyes.
PATIENT_TEXT = (b"Reyes", b"M001")


@dataclass(frozen=True)
class Builds:
    plain: Path
    encrypted: Path
    encrypted_home: Path
    started: float  # when the encrypted build began (time.time())
    seconds: dict[str, float]


def _build(root: Path, key: WarehouseKey | None) -> float:
    shutil.copytree(TINY, root / "landing")
    paths = LanternPaths.resolve(home=root / "home", landing=root / "landing", warehouse=root / "warehouse.duckdb",
                                 env={})
    saved = dict(os.environ)  # the build sets Lantern's and dbt's variables for its run
    try:
        prepare_dagster_home(paths, os.environ)
        started = time.perf_counter()
        run_build(paths, environment_name(os.environ), key=key)
        return time.perf_counter() - started
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    plain, encrypted = tmp_path_factory.mktemp("plain"), tmp_path_factory.mktemp("encrypted")
    seconds = {"plain": _build(plain, None)}
    started = time.time()
    seconds["encrypted"] = _build(encrypted, KEY)
    print(f"tiny build: plain {seconds['plain']:.1f} s, encrypted {seconds['encrypted']:.1f} s")
    return Builds(plain / "warehouse.duckdb", encrypted / "warehouse.duckdb", encrypted / "home", started, seconds)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


# ---- the file on disk ---------------------------------------------------------------------------------------


def test_the_encrypted_file_holds_no_patient_text_the_plain_one_holds(builds: Builds) -> None:
    plain, encrypted = builds.plain.read_bytes(), builds.encrypted.read_bytes()
    for text in PATIENT_TEXT:
        assert text in plain, text  # so that the next line can fail
        assert text not in encrypted, text
    assert not builds.encrypted.with_name("warehouse.duckdb.wal").exists()  # nothing left beside it in plain text
    assert is_encrypted(builds.encrypted) and not is_encrypted(builds.plain)


def test_without_its_key_or_with_another_the_warehouse_does_not_open(builds: Builds) -> None:
    path = builds.encrypted
    with pytest.raises(WarehouseAccessError) as without:
        connect(path, read_only=True)
    assert str(without.value) == (
        f"the warehouse {path} is encrypted: give its key in LANTERN_WAREHOUSE_KEY or in a key file "
        "(--warehouse-key-file, default <home>/config/warehouse.key; docs/encryption.md)")
    for read_only in (True, False):
        with pytest.raises(WarehouseAccessError) as wrong:
            connect(path, WRONG, read_only=read_only)
        assert str(wrong.value) == f"wrong key for the encrypted warehouse {path}"
    with pytest.raises(WarehouseAccessError) as plain_with_key:
        connect(builds.plain, KEY, read_only=True)
    assert str(plain_with_key.value) == (
        f"the warehouse {builds.plain} is not encrypted, but a key was given: `lantern warehouse encrypt` "
        "encrypts it (docs/encryption.md)")


def test_the_key_is_written_to_no_file(builds: Builds) -> None:
    """Not in Lantern's home (Dagster's run storage, the logs, the exports), nor in what dbt wrote during the build."""
    def since_the_build(path: Path) -> bool:
        try:
            return path.is_file() and path.stat().st_mtime >= builds.started
        except FileNotFoundError:  # another test's dbt run removed its own files meanwhile
            return False

    def holds_the_key(path: Path) -> bool:
        try:
            return SECRET.encode() in path.read_bytes()
        except FileNotFoundError:
            return False

    written = [p for p in builds.encrypted_home.rglob("*") if p.is_file()]
    written += [p for folder in ("target", "logs") for p in (DBT_PROJECT_DIR / folder).rglob("*")
                if since_the_build(p)]
    assert any(p.name == "dbt_build.log" for p in written) and any("dagster_home" in p.parts for p in written)
    assert [p for p in written if holds_the_key(p)] == []


# ---- what it holds ------------------------------------------------------------------------------------------


def test_the_marts_read_with_the_key_are_the_plain_builds(builds: Builds) -> None:
    listing = "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
    with connect(builds.plain, read_only=True) as plain, connect(builds.encrypted, KEY, read_only=True) as encrypted:
        tables = [name for (name,) in _rows(plain, listing)]
        assert [name for (name,) in _rows(encrypted, listing)] == tables
        assert len(tables) >= 39 and "fct_claims" in tables
        for table in tables:
            # pm4py names BPMN elements with random UUIDs: that table is compared without them
            columns = "* exclude (id, source, target)" if table == "mining_model_elements" else "*"
            query = f"select {columns} from marts.{table} order by all"
            assert _rows(encrypted, query) == _rows(plain, query), table
        # the encrypted build's claims are really there: tiny_landing's eight claims, A101..A108
        assert _rows(encrypted, "select count(*), min(claim_id), max(claim_id) from marts.fct_claims") == [
            (8, "A101", "A108")]


def test_the_dashboards_read_the_encrypted_warehouse_with_the_key_lantern_serve_passes(
        builds: Builds, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboards import data
    from dashboards.serve import serve_environment

    environment = serve_environment({"LANTERN_WAREHOUSE_KEY": "inherited"}, builds.encrypted, builds.encrypted_home,
                                    SECRET)
    assert environment["LANTERN_WAREHOUSE_KEY"] == SECRET
    assert "LANTERN_WAREHOUSE_KEY" not in serve_environment({"LANTERN_WAREHOUSE_KEY": "inherited"}, builds.plain,
                                                            builds.encrypted_home)
    monkeypatch.delenv("LANTERN_WAREHOUSE_KEY", raising=False)
    plain = data._query(str(builds.plain), "revenue_cycle_monthly")
    with pytest.raises(WarehouseAccessError, match="is encrypted: give its key"):
        data._query(str(builds.encrypted), "revenue_cycle_monthly")
    monkeypatch.setenv("LANTERN_WAREHOUSE_KEY", SECRET)
    assert len(plain) > 0
    pd.testing.assert_frame_equal(data._query(str(builds.encrypted), "revenue_cycle_monthly"), plain)
    assert data._has_table(str(builds.encrypted), "marts", "fct_claims")


def test_serve_refuses_a_missing_or_wrong_key_before_starting(builds: Builds, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--home", str(tmp_path / "home"), "serve", "--warehouse", str(builds.encrypted)]
    missing = runner.invoke(app, base, env={"LANTERN_WAREHOUSE_KEY": None, "COLUMNS": "300"})
    assert missing.exit_code == 1
    assert f"Error: the warehouse {builds.encrypted} is encrypted: give its key" in missing.output
    key_file = tmp_path / "wrong.key"
    key_file.write_text(WRONG.secret + "\n")
    key_file.chmod(0o600)
    wrong = runner.invoke(app, [*base, "--warehouse-key-file", str(key_file)],
                          env={"LANTERN_WAREHOUSE_KEY": None, "COLUMNS": "300"})
    assert wrong.exit_code == 1
    assert f"Error: wrong key for the encrypted warehouse {builds.encrypted}" in wrong.output


def test_encrypting_a_plain_warehouse_in_place_keeps_every_table(builds: Builds, tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(builds.plain, path)
    counted = encrypt_warehouse(path, KEY)
    assert is_encrypted(path) and not any(PATIENT_TEXT[0] in p.read_bytes() for p in tmp_path.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb"]
    with connect(builds.plain, read_only=True) as plain, connect(path, KEY, read_only=True) as encrypted:
        tables = _rows(plain, "select schema_name || '.' || table_name from duckdb_tables() order by schema_name, "
                              "table_name")
        assert [name for name, _ in counted] == [name for (name,) in tables] and len(tables) > 100
        for name, rows in counted:
            assert _rows(plain, f"select count(*) from {name}") == [(rows,)], name
        # views come along, and read the copied tables
        views = "select schema_name || '.' || view_name from duckdb_views() where not internal order by 1"
        assert _rows(encrypted, views) == _rows(plain, views) != []
        patients = "select * from staging.stg_fhir__patients order by all"
        assert _rows(encrypted, patients) == _rows(plain, patients) and len(_rows(plain, patients)) == 6
    with pytest.raises(WarehouseAccessError, match="is encrypted already"):
        encrypt_warehouse(path, KEY)


WRITE_THEN_DIE = """
import os, sys
from orchestration.warehouse_connection import WarehouseKey, connect
key = WarehouseKey(sys.argv[2], unsafe_test_crypto=True) if len(sys.argv) > 2 else None
con = connect(sys.argv[1], key)
con.execute("set checkpoint_threshold = '10GB'")  # what is written stays in the write-ahead log
con.execute("create table raw.patients as select 'Reyes-' || i as family from range(2000) r(i)")
os._exit(0)  # killed: no checkpoint at close
"""


def test_what_a_killed_build_leaves_in_the_write_ahead_log_is_encrypted_too(tmp_path: Path) -> None:
    import subprocess
    import sys

    for name, key in (("plain", None), ("encrypted", SECRET)):
        path = tmp_path / name / "warehouse.duckdb"
        path.parent.mkdir()
        with connect(path, None if key is None else KEY) as con:
            con.execute("create schema raw")
        subprocess.run([sys.executable, "-c", WRITE_THEN_DIE, str(path), *([key] if key else [])], check=True)
        wal = path.with_name("warehouse.duckdb.wal").read_bytes()
        assert (b"Reyes-1999" in wal) == (key is None), name
    with connect(tmp_path / "encrypted" / "warehouse.duckdb", KEY) as con:  # replayed from the log
        assert con.execute("select count(*) from raw.patients").fetchall() == [(2000,)]
        # and what a large query spills goes encrypted beside the file, not to the current directory
        assert con.execute("select current_setting('temp_file_encryption'), current_setting('temp_directory')"
                           ).fetchall() == [(True, f"{tmp_path / 'encrypted' / 'warehouse.duckdb'}.tmp")]


def test_the_cash_forecasts_worker_processes_open_the_encrypted_warehouse_with_its_key(tmp_path: Path) -> None:
    """The forecast's origins shared among two spawned processes, each opening the encrypted file with the key it was
    handed: the same forecast as one process on the plain warehouse (test_cash_forecast.py's known warehouse)."""
    from test_cash_forecast import known_warehouse

    from models.cash.forecast import run

    path = tmp_path / "known.duckdb"
    known_warehouse(str(path)).close()
    expected = run(known_warehouse(), origins=2, warmup=1)
    encrypt_warehouse(path, KEY)
    with connect(path, KEY, read_only=True) as con:
        shared = run(con, origins=2, warmup=1, database=str(path), workers=2, key=KEY)
    pd.testing.assert_frame_equal(shared.forecast, expected.forecast)
    pd.testing.assert_frame_equal(shared.backtest, expected.backtest)
    assert len(shared.backtest) > 0


# ---- without DuckDB's secure crypto ------------------------------------------------------------------------


def test_build_refuses_to_write_an_encrypted_warehouse_without_httpfs(tmp_path: Path) -> None:
    """DuckDB looks for httpfs under $HOME/.duckdb: an empty HOME is a machine without it, whatever this one has."""
    landing = tmp_path / "landing"
    shutil.copytree(TINY, landing)
    warehouse = tmp_path / "warehouse.duckdb"
    saved = dict(os.environ)
    try:
        result = CliRunner().invoke(app, ["--home", str(tmp_path / "home"), "build", "--landing", str(landing),
                                          "--warehouse", str(warehouse)],
                                    env={"LANTERN_WAREHOUSE_KEY": SECRET, "HOME": str(tmp_path), "COLUMNS": "400"})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.exit_code == 1, result.output
    assert (f"Error: writing the encrypted warehouse {warehouse} needs DuckDB's httpfs extension (its OpenSSL "
            f"crypto; DuckDB {duckdb.__version__}'s built-in one only decrypts)") in " ".join(result.output.split())
    assert not warehouse.exists()


# ---- the key ------------------------------------------------------------------------------------------------


def test_the_key_comes_from_the_option_then_the_environment_then_the_default_file(tmp_path: Path) -> None:
    default, option = tmp_path / "config" / "warehouse.key", tmp_path / "option.key"
    write_new_key(default)
    option.write_text(SECRET + "\n")
    option.chmod(0o600)
    from_env = "E" * 40
    assert resolve_warehouse_key(None, {}, tmp_path / "absent.key") is None
    assert resolve_warehouse_key(None, {}, default).secret == read_key_file(default)
    assert resolve_warehouse_key(None, {"LANTERN_WAREHOUSE_KEY": from_env}, default).secret == from_env
    assert resolve_warehouse_key(option, {"LANTERN_WAREHOUSE_KEY": from_env}, default).secret == SECRET
    assert resolve_warehouse_key(None, {"LANTERN_WAREHOUSE_KEY": ""}, tmp_path / "absent.key") is None
    with pytest.raises(WarehouseAccessError, match=f"no warehouse key file at {tmp_path / 'absent.key'}"):
        resolve_warehouse_key(tmp_path / "absent.key", {}, default)


def test_a_new_key_file_is_private_random_and_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "config" / "warehouse.key"
    write_new_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = read_key_file(path)
    assert len(key) == 43 and path.read_text() == key + "\n"  # 32 random bytes in URL-safe base64
    with pytest.raises(WarehouseAccessError, match="exists: a warehouse key is never replaced"):
        write_new_key(path)
    assert read_key_file(path) == key
    other = tmp_path / "other.key"
    write_new_key(other)
    assert read_key_file(other) != key


def test_lantern_warehouse_key_writes_the_default_key_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--home", str(tmp_path), "warehouse", "key"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    path = tmp_path / "config" / "warehouse.key"
    assert f"Wrote a new warehouse key to {path} (mode 0600)" in result.output
    assert read_key_file(path) not in result.output  # never printed


def test_bad_keys_are_refused_with_the_reason(tmp_path: Path) -> None:
    readable = tmp_path / "readable.key"
    readable.write_text(SECRET)
    readable.chmod(0o644)
    with pytest.raises(WarehouseAccessError) as others:
        read_key_file(readable)
    assert str(others.value) == (f"{readable}: the warehouse key file is readable by others (mode 0644); "
                                 f"`chmod 600 {readable}` it, and change the key if anyone else may have read it")
    with pytest.raises(WarehouseAccessError, match="LANTERN_WAREHOUSE_KEY has 8 characters; a warehouse key needs "
                                                   "at least 32"):
        resolve_warehouse_key(None, {"LANTERN_WAREHOUSE_KEY": "8charkey"}, tmp_path / "absent.key")
    with pytest.raises(WarehouseAccessError, match="holds characters other than letters, digits"):
        WarehouseKey("x" * 40 + "'; drop table raw.claims; --")
    assert "lantern-test" not in repr(KEY)  # the key never shows in a repr, hence in no traceback or log


def test_the_catalog_is_the_name_duckdb_gives_the_plain_file() -> None:
    assert catalog_name("/x/warehouse.duckdb") == "warehouse"
    assert catalog_name("/x/practice.2025.duckdb") == "practice"
    with pytest.raises(WarehouseAccessError, match="up to its first dot, must be letters, digits and _"):
        catalog_name("/x/my warehouse.duckdb")
    with pytest.raises(WarehouseAccessError):
        catalog_name("/x/memory.duckdb")
