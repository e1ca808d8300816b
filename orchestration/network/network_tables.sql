-- The network warehouse's tables in the dbt schemas $1, and whether each has a practice_id column (those are cut to
-- one practice's rows; the seeds, which have none, are copied whole).
select
    table_schema,
    table_name,
    bool_or(column_name = 'practice_id') as has_practice_id
from information_schema.columns
where table_catalog = 'network'
    and list_contains($1, table_schema)
group by table_schema, table_name
order by table_schema, table_name
