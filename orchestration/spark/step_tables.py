"""Both ends of the steps after dbt on Spark (mining, denial risk, cash forecast), which run per practice on DuckDB
(orchestration.network.practice_steps): Spark's dbt schemas handed to them as Parquet files, and the tables they
wrote taken back into Spark's warehouse. Spark reads and writes every file itself: no table goes through Python."""

from __future__ import annotations

import shutil
from pathlib import Path

from orchestration.network.practice_steps import DBT_SCHEMAS, ParquetWarehouse, is_step_table
from orchestration.spark.warehouse_files import spark_tables


def parquet_warehouse(spark, warehouse_dir: Path, views_dir: Path) -> ParquetWarehouse:
    """Spark's dbt schemas as Parquet folders: a table's are its own (under `warehouse_dir`); a view (the staging
    models) has none, so its rows are written under `views_dir` (emptied first) for the steps to read."""
    shutil.rmtree(views_dir, ignore_errors=True)
    folders: dict[str, Path] = {}
    for schema in DBT_SCHEMAS:
        folders.update({f"{schema}.{name}": folder for name, folder in spark_tables(warehouse_dir, schema).items()})
        for table in spark.catalog.listTables(schema):
            if table.tableType == "VIEW" and not table.isTemporary:
                folder = views_dir / f"{schema}.db" / table.name
                spark.table(f"`{schema}`.`{table.name}`").write.parquet(folder.resolve().as_posix())
                folders[f"{schema}.{table.name}"] = folder
    return ParquetWarehouse(folders)


def register_step_tables(spark, files: dict[str, list[Path]]) -> None:
    """marts.<table> of Spark's warehouse: the union of every practice's file (practice_steps.step_files); a step
    table with no file this time (no model passed, say) is dropped rather than left from an earlier build."""
    for table in spark.catalog.listTables("marts"):
        if is_step_table(table.name) and table.name not in files and not table.isTemporary:
            spark.sql(f"drop table marts.`{table.name}`")
    for name, parts in files.items():
        # practices' files may differ where one practice's column is all null: Spark merges their schemas
        rows = spark.read.option("mergeSchema", "true").parquet(*(p.resolve().as_posix() for p in parts))
        rows.write.mode("overwrite").format("parquet").saveAsTable(f"marts.`{name}`")
