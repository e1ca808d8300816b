-- The activities of an event log, each with an integer code (0, 1, ... in name order): grouping
-- pairs by integers instead of text is what makes the prepared process map fast.
create or replace table $activities_table as
with events as (
$events
)
select
    (row_number() over (order by activity) - 1)::integer as code,
    activity
from (select distinct activity from events)
