-- One segment of a log in figures: its cases, events, variants (distinct activity sequences), the
-- median and p90 (linear interpolation) of its cases' throughput (last event's timestamp minus the
-- first's, as variants.sql), the share of its cases that follow its most frequent variant, and the
-- cases a marker marks: `marked` is true for a marked case, `reached` for a case that has one of the
-- marker's activities (the rate's denominator); mining.compare writes both conditions.
with events as (
$events
),

cases as (
    select
        case_id,
        count(*) as events,
        list(activity order by $order_by) as activities,
        date_diff(
            'microsecond', first(ts order by $order_by), last(ts order by $order_by)
        ) as throughput_micros,
        $marked as marked,
        $reached as reached
    from events
    group by case_id
),

variants as (
    select activities, count(*) as cases
    from cases
    group by activities
),

final as (
    select
        count(*) as cases,
        coalesce(sum(events), 0) as events,
        (select count(*) from variants) as variants,
        median(throughput_micros) / 3600e6 as median_throughput_hours,
        quantile_cont(throughput_micros, 0.9) / 3600e6 as p90_throughput_hours,
        (select max(cases) from variants) / nullif(count(*), 0) as top_variant_share,
        count(*) filter (where marked) as marked_cases,
        count(*) filter (where marked) / nullif(count(*), 0) as marked_share,
        count(*) filter (where marked) / nullif(count(*) filter (where reached), 0) as marked_rate
    from cases
)

select * from final
