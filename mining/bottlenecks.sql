-- Bottlenecks: where the waiting time of a log goes. An edge's time is the process map's
-- (process_map.sql): from a source event's timestamp to the start of the next event of its case
-- (its timestamp for instant events), in the same order of events, so an edge's total / frequency
-- is the process map's mean_hours.
-- - kind 'edge': per directly-follows edge (source, target): how often it occurs, the cases it
--   occurs in, its total time and that total's share of the whole log's, and mean, median and p90
--   (quantile_cont, linear interpolation) hours.
-- - kind 'activity': per activity (as `target`), the same over the edges that lead to it: the time
--   the log waits before it. Source is null.
-- Shares are of the sum of every edge's time; they are null when that sum is 0.
with events as (
$events
),

pairs as materialized (
    select *
    from (
        select
            case_id,
            activity as source,
            lead(activity) over case_order as target,
            date_diff('microsecond', ts, lead(start_ts) over case_order) as micros
        from events
        window case_order as (partition by case_id order by $order_by)
    )
    where target is not null
),

edges as (
    select
        'edge' as kind,
        source,
        target,
        count(*) as frequency,
        count(distinct case_id) as cases,
        sum(micros) as total_micros,
        quantile_cont(micros, [0.5, 0.9]) as quantile_micros
    from pairs
    group by source, target
),

activities as (
    select
        'activity' as kind,
        null as source,
        target,
        count(*) as frequency,
        count(distinct case_id) as cases,
        sum(micros) as total_micros,
        quantile_cont(micros, [0.5, 0.9]) as quantile_micros
    from pairs
    group by target
),

total as (
    select sum(micros) as all_micros from pairs
),

final as (
    select
        kind,
        source,
        target,
        frequency,
        cases,
        total_micros / 3600e6 as total_hours,
        total_micros / nullif(all_micros, 0) as share,
        total_micros / frequency / 3600e6 as mean_hours,
        quantile_micros[1] / 3600e6 as median_hours,
        quantile_micros[2] / 3600e6 as p90_hours
    from (select * from edges union all select * from activities), total
)

select * from final
order by kind desc, total_hours desc, frequency desc, source, target
