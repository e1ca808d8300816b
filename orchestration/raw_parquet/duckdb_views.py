"""The Parquet raw layer as the `raw` views dbt's sources name, on DuckDB: a network's warehouse reads every
practice's rows where extraction published them, as Spark does, instead of a loader's tables."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.spark.raw_tables import raw_table_columns

SQL = Path(__file__).with_name


def raw_view_sql(table: str, columns, root: Path) -> str:
    """`raw.<table>` over `<root>/<table>/**/*.parquet`, each column cast to its declared type (the same schema
    whichever practice wrote the files); with no file yet, an empty view of those columns."""
    folder = root / table
    if any(folder.glob("**/*.parquet")):
        listed = ",\n    ".join(f'cast("{c.name}" as {c.type}) as "{c.name}"' for c in columns)
        pattern = (folder.resolve() / "**" / "*.parquet").as_posix().replace("'", "''")
        return SQL("raw_view.sql").read_text().format(table=table, columns=listed, pattern=pattern)
    listed = ",\n    ".join(f'cast(null as {c.type}) as "{c.name}"' for c in columns)
    return SQL("raw_view_empty.sql").read_text().format(table=table, columns=listed)


def create_raw_views(con: duckdb.DuckDBPyConnection, root: Path) -> list[str]:
    """(Re)create every `raw.<table>` view over the Parquet raw layer at `root`; the names made."""
    con.execute("create schema if not exists raw")
    names = []
    for table, columns in raw_table_columns().items():
        con.execute(raw_view_sql(table, columns, root))
        names.append(table)
    return names
