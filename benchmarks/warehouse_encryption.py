"""What encrypting the warehouse costs: `lantern warehouse encrypt`'s time on a copy of a built warehouse, the two
files' sizes, and the time to read every mart, plain and encrypted, each from a fresh connection (docs/encryption.md).

    .venv/bin/python benchmarks/warehouse_encryption.py --warehouse data/warehouse.duckdb [--unsafe-test-crypto]

Without httpfs for the installed DuckDB (see docs/encryption.md), DuckDB can encrypt only with its built-in mbedTLS:
`--unsafe-test-crypto` measures with that, which is not how a practice's warehouse is encrypted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from orchestration.warehouse_connection import WarehouseKey, connect, encrypt_warehouse

KEY = "benchmark-warehouse-key-0123456789abcdefgh"


def read_marts(path: Path, key: WarehouseKey | None) -> tuple[float, int]:
    """Seconds to open the warehouse and read every row of every mart into pandas; the rows read."""
    started = time.perf_counter()
    rows = 0
    with connect(path, key, read_only=True) as con:
        tables = con.execute("select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()
        for (table,) in tables:
            rows += len(con.execute(f"select * from marts.{table}").df())
    return time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="a built, plain warehouse (left unchanged)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--unsafe-test-crypto", action="store_true",
                        help="encrypt with DuckDB's built-in mbedTLS (no httpfs here); never for patient data")
    args = parser.parse_args()
    key = WarehouseKey(KEY, unsafe_test_crypto=args.unsafe_test_crypto)
    with tempfile.TemporaryDirectory(dir=args.warehouse.parent) as folder:
        plain = Path(folder) / "plain" / "warehouse.duckdb"
        encrypted = Path(folder) / "encrypted" / "warehouse.duckdb"
        for path in (plain, encrypted):
            path.parent.mkdir()
            shutil.copyfile(args.warehouse, path)
        started = time.perf_counter()
        tables = encrypt_warehouse(encrypted, key)
        seconds = time.perf_counter() - started
        print(f"encrypt: {len(tables)} tables, {sum(rows for _, rows in tables):,} rows in {seconds:.1f} s; "
              f"{plain.stat().st_size / 2**20:,.0f} MiB plain, {encrypted.stat().st_size / 2**20:,.0f} MiB encrypted "
              f"({'mbedTLS, unsafe' if args.unsafe_test_crypto else 'httpfs (OpenSSL)'})")
        for name, path, path_key in (("plain", plain, None), ("encrypted", encrypted, key)):
            runs = [read_marts(path, path_key) for _ in range(args.repeats)]
            print(f"read every mart, {name}: median {statistics.median(s for s, _ in runs):.2f} s over {args.repeats} "
                  f"runs ({runs[0][1]:,} rows)")


if __name__ == "__main__":
    main()
