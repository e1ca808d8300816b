{{ config(meta={'dagster': {'ref': {'name': 'event_log'}}}) }}  -- shown in Dagster as a check of event_log
{# Every event's activity is one the event_activities seed names for the event's case type. #}
select
    events.event_id,
    events.case_type,
    events.activity
from {{ ref('event_log') }} as events
left join {{ ref('event_activities') }} as activities
    on events.activity = activities.activity
    and events.case_type = activities.case_type
where activities.activity is null
