create or replace view raw.{table} as
select
    {columns}
where false
