-- One raw table over its Parquet folder (orchestration.raw_parquet): external, so dropping it keeps the files.
-- recursiveFileLookup reads every practice's and delivery's files without inferring partition columns from the
-- folder names: practice_id and the lineage are columns of the files themselves.
create table raw.{table} (
    {columns}
)
using parquet
options (recursiveFileLookup 'true')
location '{location}'
