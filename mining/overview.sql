-- The size of an event log: events, cases, distinct activities, and the time span it covers
-- (from the first event's start to the last event's timestamp).
with events as (
$events
)

select
    count(*) as events,
    count(distinct case_id) as cases,
    count(distinct activity) as activities,
    min(start_ts) as first_event_at,
    max(ts) as last_event_at
from events
