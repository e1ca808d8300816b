-- The tables of the given schemas in one attached warehouse, each with its columns and their types in order:
-- two tables compare only when both match.
select
    t.schema_name || '.' || t.table_name as name,
    list(c.column_name || ' ' || c.data_type order by c.column_index) as columns
from duckdb_tables() as t
join duckdb_columns() as c
    on c.database_name = t.database_name and c.schema_name = t.schema_name and c.table_name = t.table_name
where t.database_name = $database
    and list_contains($schemas, t.schema_name)
group by all
order by name
