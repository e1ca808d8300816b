-- The marts the build produced, with their row counts.
select schema_name || '.' || table_name as name, estimated_size as rows
from duckdb_tables()
where schema_name = 'marts'
order by name
