-- The marts the build produced, with their row counts (the mining step's prepared pairs are its
-- working tables, not marts to read).
select schema_name || '.' || table_name as name, estimated_size as rows
from duckdb_tables()
where schema_name = 'marts'
    and table_name not like 'mining\_pairs\_%' escape '\'
order by name
