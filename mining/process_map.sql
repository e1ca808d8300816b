-- The process map from the directly-follows pairs (the pairs CTE: computed now by pairs_window.sql, or read
-- from the table prepare_pairs.sql wrote), as pm4py's discover_dfg and discover_performance_dfg
-- compute it:
-- - edges (kind 'edge'): every pair of activities (source, target) where target is the next event
--   after source in a case; how often it occurs, and the time from the source's timestamp to the
--   target's start (the target's timestamp for instant events), in hours: mean, median, and p90 =
--   the 90th percentile by linear interpolation (quantile_cont, numpy's and pandas' default; pm4py
--   has no p90). Times are in whole microseconds (DuckDB's timestamp precision), so the mean and
--   the quantiles are exact up to the final division.
-- - start and end activities (kinds 'start' and 'end'): the cases whose first or last event it is.
with $pairs,

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

-- Activity names for the codes of the pairs.
labels as (
$labels
),

edges as (
    select
        'edge' as kind,
        source_label.activity as source,
        target_label.activity as target,
        frequency,
        mean_micros / 3600e6 as mean_hours,
        quantile_micros[1] / 3600e6 as median_hours,
        quantile_micros[2] / 3600e6 as p90_hours
    from grouped
    inner join labels as source_label on source_label.code = grouped.source
    inner join labels as target_label on target_label.code = grouped.target
),

ends as (
    select labels.activity, grouped.frequency as cases
    from grouped
    inner join labels on labels.code = grouped.source
    where grouped.target is null
),

-- A case's first event is the one event no edge leads to: starts = events - incoming edges.
events_per_activity as (
    select source as code, sum(frequency)::bigint as events
    from grouped
    group by source
),

incoming as (
    select target as code, sum(frequency)::bigint as edges_in
    from grouped
    where target is not null
    group by target
),

starts as (
    select labels.activity, events - coalesce(edges_in, 0) as cases
    from events_per_activity
    left join incoming using (code)
    inner join labels using (code)
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
