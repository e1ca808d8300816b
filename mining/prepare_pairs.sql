-- The directly-follows pairs of a whole event log, stored once (the window pass is the expensive part
-- of a process map): one row per event, as a source, with its case, the next event's activity code
-- as the target (null when it ends the case) and the microseconds between them, as pairs_window.sql
-- computes them. A filter keeps or drops whole cases, so the pairs of any filtered log are a subset.
create or replace table $pairs_table as
with events as (
$events
),

coded as (
    select events.case_id, activities.code, events.ts, events.start_ts, events.event_index
    from events
    inner join $activities_table as activities on activities.activity = events.activity
)

select
    case_id,
    code as source,
    lead(code) over case_order as target,
    date_diff('microsecond', ts, lead(start_ts) over case_order) as micros
from coded
window case_order as (partition by case_id order by $order_by)
