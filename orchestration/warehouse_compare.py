"""Two warehouses compared table by table: which tables each schema holds, their columns and types, and their rows.

Rows compare as multisets (a row held twice on one side and once on the other is a difference) and exactly:
money to the cent, doubles to the last bit. This is how the tests show that loading the deliveries again, in
another order, with one delivered twice, or after a build was killed, leaves the warehouse as one build of the same
landing zone leaves it (tests/test_idempotency.py, tests/test_interruption.py), and how the soak benchmark checks
month-by-month loading against a one-shot build (benchmarks/soak.py).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template

import duckdb
import pandas as pd

from orchestration.transactions import registered

EXAMPLES = 3  # rows of each side shown for a table that differs
# Rows of the skipped deliveries left out of a table that records its rows' delivery.
SKIPPING = "where _delivery is null or _delivery not in (select delivery from skipped_deliveries)"


@dataclass(frozen=True, slots=True)
class TableDifference:
    table: str  # schema.table
    what: str  # what differs, in words

    def __str__(self) -> str:
        return f"{self.table}: {self.what}"


def compare_warehouses(left: Path, right: Path, schemas: Sequence[str] = ("raw", "marts"), *,
                       tables: Collection[str] | None = None,
                       skip_deliveries: Collection[str] = ()) -> list[TableDifference]:
    """Every difference between the tables of `schemas` in the warehouse files `left` and `right` (empty when they are
    equal), both opened read-only. `tables` ("schema.table") limits the comparison to those, which both must hold;
    rows of `skip_deliveries` are left out of both sides in the tables that say which delivery a row came from."""
    with duckdb.connect() as con:
        con.execute(f"attach '{_quoted(left)}' as lw (read_only)")
        con.execute(f"attach '{_quoted(right)}' as rw (read_only)")
        with registered(con, "skipped_deliveries", pd.DataFrame({"delivery": sorted(skip_deliveries)},
                                                                dtype="object")):
            return _differences(con, list(schemas), tables, bool(skip_deliveries))


def _differences(con: duckdb.DuckDBPyConnection, schemas: list[str], tables: Collection[str] | None,
                 skipping: bool) -> list[TableDifference]:
    left, right = ({name: tuple(columns) for name, columns in con.execute(
        _sql("compare_tables.sql").template, {"database": database, "schemas": schemas}).fetchall()}
        for database in ("lw", "rw"))
    names = sorted(set(left) | set(right)) if tables is None else sorted(tables)
    differences = []
    for name in names:
        if name not in right or name not in left:
            presence = ("only in the left warehouse" if name in left else "only in the right warehouse"
                        if name in right else "in neither warehouse")
            differences.append(TableDifference(name, presence))
            continue
        if left[name] != right[name]:
            differences.append(TableDifference(name, f"columns differ: {left[name]} against {right[name]}"))
            continue
        where = SKIPPING if skipping and any(c.startswith("_delivery ") for c in left[name]) else ""
        left_only, right_only = con.execute(_sql("compare_rows.sql").substitute(table=name, where=where)).fetchall()[0]
        if left_only or right_only:
            examples = {side: con.execute(_sql("compare_examples.sql").substitute(
                table=name, where=where, first=first, second=second, limit=EXAMPLES)).fetchall()
                for side, first, second in (("left", "lw", "rw"), ("right", "rw", "lw"))}
            differences.append(TableDifference(name, f"{left_only} rows only in the left warehouse, {right_only} only "
                                                     f"in the right; for example {examples}"))
    return differences


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


@cache
def _sql(name: str) -> Template:
    return Template(resources.files("orchestration").joinpath("sql", name).read_text(encoding="utf-8"))
