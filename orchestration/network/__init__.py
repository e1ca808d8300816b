"""A network of practices built as one warehouse: each practice's landing zone is loaded into its own loader
warehouse and published to one Parquet raw layer, partitioned by practice; dbt then builds every practice's rows
at once, on DuckDB or Spark (docs/scaling.md)."""
