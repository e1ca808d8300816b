-- The marts the build produced, with their row counts.
select table_schema || '.' || table_name as name, estimated_size as rows
from duckdb_tables()
where table_schema = 'marts'
order by name
