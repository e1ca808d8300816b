-- Variants: cases grouped by their sequence of activities (in the events' order). For each, the
-- number and share of cases, the throughput time of its cases in hours (last event's timestamp
-- minus first event's timestamp, as pm4py's case durations; median and mean), and the money its
-- cases carry (each money measure summed per case: the variant's total and mean per case); for a
-- claim log, also the first-pass denial rate of its adjudicated cases and the median days from
-- submission to payment (the outcome placeholders, empty otherwise: see mining.variants).
with events as (
$events
),

cases as (
    select
        case_id,
        list(activity order by $order_by) as activities,
        date_diff(
            'microsecond', first(ts order by $order_by), last(ts order by $order_by)
        ) as throughput_micros$money_per_case$outcome_per_case
    from events
    group by case_id
),

variants as (
    select
        activities,
        count(*) as cases,
        median(throughput_micros) as median_micros,
        avg(throughput_micros) as mean_micros$money_per_variant$outcome_per_variant
    from cases
    group by activities
),

final as (
    select
        row_number() over (order by cases desc, activities) as variant_rank,
        array_to_string(activities, ' -> ') as variant,
        activities,
        len(activities) as events,
        cases,
        cases / sum(cases) over () as share,
        median_micros / 3600e6 as median_throughput_hours,
        mean_micros / 3600e6 as mean_throughput_hours$money_columns$outcome_columns
    from variants
)

select * from final
order by variant_rank
