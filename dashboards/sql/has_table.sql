-- Whether a table exists (schema, table): the tables later steps write may not be there yet.
select count(*) > 0
from duckdb_tables()
where schema_name = ? and table_name = ?
