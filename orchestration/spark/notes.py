"""marts.note_documentation on Spark: the documentation checker runs on the executors, a batch of notes at a time.

dbt-spark runs Python models only on Databricks, so the Spark build makes this mart itself, between the dbt models
it reads and those that read it (orchestration.spark.build). The rows are models.documentation.note_mart's, as on
DuckDB; no note leaves the executor that checks it for the driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from models.documentation.note_mart import SCHEMA, checked_notes

SQL = Path(__file__).with_name
TABLE = "marts.note_documentation"


def spark_ddl(schema: pa.Schema) -> str:
    """A Spark DDL schema string for the Arrow schema of the mart."""
    def spark(kind: pa.DataType) -> str:
        if pa.types.is_list(kind):
            return f"array<{spark(kind.value_type)}>"
        return {pa.string(): "string", pa.float64(): "double", pa.bool_(): "boolean"}[kind]
    return ", ".join(f"`{f.name}` {spark(f.type)}" for f in schema)


def check_batches(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """mapInArrow's function: each batch of (practice_id, appointment_id, final_note_id, cpt_code, session_minutes,
    note_text) rows becomes the mart's rows for those notes."""
    for batch in batches:
        columns = [batch.column(name).to_pylist() for name in
                   ("practice_id", "appointment_id", "final_note_id", "cpt_code", "session_minutes", "note_text")]
        yield from checked_notes(zip(*columns)).to_batches()


def build_note_documentation(spark) -> None:
    """Write marts.note_documentation from marts.fct_sessions and intermediate.int_notes_resolved."""
    notes = spark.sql(SQL("note_inputs.sql").read_text())
    checked = notes.mapInArrow(check_batches, spark_ddl(SCHEMA))
    checked.write.mode("overwrite").format("parquet").saveAsTable(TABLE)
