-- The process map in one pass over the events, as pm4py's discover_dfg and
-- discover_performance_dfg compute it:
-- - edges (kind 'edge'): every pair of activities (source, target) where target is the next event
--   after source in a case; how often it occurs, and the time from the source's timestamp to the
--   target's start (the target's timestamp for instant events), in hours: mean, median, and p90 =
--   the 90th percentile by linear interpolation (quantile_cont, numpy's and pandas' default; pm4py
--   has no p90). Times are in whole microseconds (DuckDB's timestamp precision), so the mean and
--   the quantiles are exact up to the final division.
-- - start and end activities (kinds 'start' and 'end'): the cases whose first or last event it is.
with events as (
$events
),

-- Every event once as a source: with the next event of its case, or with none when it ends the case.
pairs as (
    select
        activity as source,
        lead(activity) over case_order as target,
        date_diff('microsecond', ts, lead(start_ts) over case_order) as micros
    from events
    window case_order as (partition by case_id order by $order_by)
),

grouped as materialized (
    select
        source,
        target,
        count(*) as frequency,
        avg(micros) as mean_micros,
        quantile_cont(micros, [0.5, 0.9]) as quantile_micros
    from pairs
    group by source, target
),

edges as (
    select
        'edge' as kind,
        source,
        target,
        frequency,
        mean_micros / 3600e6 as mean_hours,
        quantile_micros[1] / 3600e6 as median_hours,
        quantile_micros[2] / 3600e6 as p90_hours
    from grouped
    where target is not null
),

ends as (
    select source as activity, frequency as cases
    from grouped
    where target is null
),

-- A case's first event is the one event no edge leads to: starts = events - incoming edges.
events_per_activity as (
    select source as activity, sum(frequency)::bigint as events
    from grouped
    group by source
),

incoming as (
    select target as activity, sum(frequency)::bigint as edges_in
    from grouped
    where target is not null
    group by target
),

starts as (
    select activity, events - coalesce(edges_in, 0) as cases
    from events_per_activity
    left join incoming using (activity)
    where events - coalesce(edges_in, 0) > 0
),

total as (
    select sum(cases) as all_cases from ends
),

final as (
    select kind, source, target, frequency, mean_hours, median_hours, p90_hours, null as share
    from edges
    union all
    select 'start', activity, null, cases, null, null, null, cases / all_cases from starts, total
    union all
    select 'end', activity, null, cases, null, null, null, cases / all_cases from ends, total
)

select * from final
order by
    case kind when 'edge' then 0 when 'start' then 1 else 2 end,
    frequency desc,
    source,
    target
