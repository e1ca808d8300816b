"""The raw layer as Parquet: what extraction publishes for the engines that build warehouses from it.

The loader's DuckDB raw tables stay the journal a load writes in transactions (the ledger, the quarantine, a file's
replacement); from them each delivery's rows are published as Parquet, one file per table, practice and delivery:

    <root>/<table>/practice=<practice_id>/delivery=<delivery>/part-<n>.parquet   (the ledger, payer rules: no delivery=)

Every row carries `practice_id` as a column too, so a reader needs no partition discovery (Spark reads the folders
with recursiveFileLookup, DuckDB with a glob) and a network's tables can be concatenated as they are. A file is
written beside its final name and renamed over it, so a reader never sees half of one; a partition whose rows are
gone (a file replaced by one with fewer records) loses its file. Publishing again what did not change rewrites the
same rows.
"""
