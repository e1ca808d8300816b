-- hive_partitioning off: practice_id is a column of every file, and the folder names would add two more
create or replace view raw.{table} as
select
    {columns}
from read_parquet('{pattern}', hive_partitioning = false, union_by_name = true)
