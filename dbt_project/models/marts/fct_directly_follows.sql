-- The directly-follows graph of the event log, per case type: every pair of activities (source,
-- target) where target is the next event after source in a case, how often it occurs, and the
-- time from the source's event_at to the target's, in hours: mean, median and p90 (linear
-- interpolation). The events of a case are ordered by event_at, then event_order (mining/schema.py:
-- pm4py's order), so these are the numbers of pm4py's discover_dfg and discover_performance_dfg,
-- and of mining.dfg's process map, computed in SQL that runs on DuckDB and on Spark alike: a
-- network's graph is built where its events are, and pm4py only sees variant-collapsed logs.
-- Times are whole microseconds, summed exactly; the mean is that sum over the count, in doubles.
with

events as (
    select practice_id, case_type, case_id, activity, event_at, event_order
    from {{ ref('event_log') }}
    where case_id is not null and activity is not null and event_at is not null
),

pairs as (
    select
        practice_id,
        case_type,
        activity as source,
        lead(activity) over case_order as target,
        {{ lantern.epoch_micros('lead(event_at) over case_order') }} - {{ lantern.epoch_micros('event_at') }}
            as micros
    from events
    window case_order as (partition by practice_id, case_type, case_id order by event_at, event_order)
),

final as (
    select
        practice_id,
        cast(case_type as {{ dbt.type_string() }}) as case_type,
        cast(source as {{ dbt.type_string() }}) as source,
        cast(target as {{ dbt.type_string() }}) as target,
        cast(count(*) as {{ dbt.type_int() }}) as frequency,
        {{ lantern.ratio('sum(micros)', 'count(*)') }} / 3600e6 as mean_hours,
        {{ lantern.median('micros') }} / 3600e6 as median_hours,
        {{ lantern.percentile_cont('micros', 0.9) }} / 3600e6 as p90_hours
    from pairs
    where target is not null
    group by practice_id, case_type, source, target
)

select * from final
