-- The tables and views of the attached catalog $1 in the schemas $2, and whether each has a practice_id column:
-- one practice's slice keeps those rows of the ones that have it (orchestration/practice_slice.py).
select
    table_schema,
    table_name,
    bool_or(column_name = 'practice_id') as has_practice_id
from information_schema.columns
where table_catalog = $1
    and list_contains($2, table_schema)
group by table_schema, table_name
order by table_schema, table_name
