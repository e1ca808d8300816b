{{ config(meta={'dagster': {'ref': {'name': 'event_log_cases'}}}) }}  -- shown in Dagster as a check of event_log_cases
{# Each case of event_log_cases summarizes exactly its events: as many, first and last at its bounds, numbered 1..n. #}
with

events as (
    select
        practice_id,
        case_type,
        case_id,
        count(*) as event_count,
        min(event_at) as start_at,
        max(event_at) as end_at,
        max(event_order) as last_event_order
    from {{ ref('event_log') }}
    group by practice_id, case_type, case_id
),

cases as (
    select * from {{ ref('event_log_cases') }}
)

select
    coalesce(events.practice_id, cases.practice_id) as practice_id,
    coalesce(events.case_type, cases.case_type) as case_type,
    coalesce(events.case_id, cases.case_id) as case_id
from events
full outer join cases
    on events.practice_id = cases.practice_id
    and events.case_type = cases.case_type
    and events.case_id = cases.case_id
where events.case_id is null
    or cases.case_id is null
    or events.event_count <> cases.event_count
    or events.last_event_order <> events.event_count
    or events.start_at <> cases.start_at
    or events.end_at <> cases.end_at
