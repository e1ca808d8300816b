"""The warehouse on Spark: the same dbt project, built by dbt-spark from the Parquet raw layer (docs/scaling.md).

`lantern build --engine spark` loads the landing zone as ever (DuckDB's raw tables are the load's journal), publishes
the raw layer as Parquet (orchestration.raw_parquet), then builds every dbt model on a Spark session: local mode on
one machine (the `spark` dbt target, dbt-spark's `session` method), or a cluster through the master URL.
"""
