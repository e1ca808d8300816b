-- Rework: for each kind of rework, the cases that have it against the cases that do not.
-- Kinds (a case may have several):
-- - 'repeat', per activity: the case has the activity more than once; its rework events are the
--   occurrences after the first.
-- - 'named', per named rework activity (the schema's rework_activities, bound as a list): the case
--   has the activity at all; every occurrence is a rework event.
-- - 'any' (activity null): the case has a repeat or a named rework activity; its rework events are
--   each event counted once (a named activity's every occurrence, another's after the first).
-- Per case: its throughput (last event's timestamp minus the first's, as variants.sql), its money
-- (each measure summed over its events, 0 when it has none) and its time to cash: from its first
-- event of the cash_from activity (bound) to its first paying event (the `paid` condition that
-- mining.rework writes), null when it lacks either.
with events as (
$events
),

cases as materialized (
    select
        case_id,
        date_diff(
            'microsecond', first(ts order by $order_by), last(ts order by $order_by)
        ) as throughput_micros,
        date_diff(
            'microsecond',
            first(ts order by $order_by) filter (where activity = ?),
            first(ts order by $order_by) filter (where $paid)
        ) as cash_micros$money_per_case
    from events
    group by case_id
),

named as (
    select unnest(?::varchar[]) as activity
),

occurrences as (
    select
        case_id,
        activity,
        count(*) as n,
        activity in (select activity from named) as is_named
    from events
    group by case_id, activity
),

rework_cases as (
    select 'repeat' as kind, activity, case_id, n - 1 as rework_events
    from occurrences
    where n > 1
    union all
    select 'named', activity, case_id, n
    from occurrences
    where is_named
    union all
    select 'any', null, case_id, sum(case when is_named then n else n - 1 end)
    from occurrences
    group by case_id
    having sum(case when is_named then n else n - 1 end) > 0
),

kinds as (
    select distinct kind, activity from rework_cases
),

-- Every case once per kind of rework, flagged with whether it has it.
flagged as (
    select
        kinds.kind,
        kinds.activity,
        cases.*,
        rework_cases.case_id is not null as has,
        coalesce(rework_cases.rework_events, 0) as rework_events
    from kinds
    cross join cases
    left join rework_cases
        on rework_cases.kind = kinds.kind
        and rework_cases.activity is not distinct from kinds.activity
        and rework_cases.case_id = cases.case_id
),

final as (
    select
        kind,
        activity,
        count(*) filter (where has) as cases,
        count(*) filter (where has) / count(*) as share,
        sum(rework_events) as rework_events,
        median(throughput_micros) filter (where has) / 3600e6 as median_throughput_hours_with,
        median(throughput_micros) filter (where not has) / 3600e6 as median_throughput_hours_without,
        median(cash_micros) filter (where has) / 86400e6 as median_days_to_cash_with,
        median(cash_micros) filter (where not has) / 86400e6 as median_days_to_cash_without$money_with_without
    from flagged
    group by kind, activity
)

select * from final
order by case kind when 'any' then 0 when 'named' then 1 else 2 end, cases desc, activity
