-- Whether a table or view exists: the schema ('' for any schema) and the name, bound as parameters (schema, schema,
-- name, schema, schema, name).
select
    (select count(*) from duckdb_tables() where (? = '' or schema_name = ?) and table_name = ?)
    + (select count(*) from duckdb_views() where (? = '' or schema_name = ?) and view_name = ?) > 0
