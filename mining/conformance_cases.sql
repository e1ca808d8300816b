-- Fitness per case: every case of the (filtered) event log with its variant's fitness. A case's variant is its
-- activities in the events' order, as variants.sql builds it; conformance_variant_fitness is the per-variant
-- result handed in from Python (activities varchar[], fitness, is_fit). A case whose variant is not there gets
-- null (mining.conformance.case_fitness refuses it).
with events as (
$events
),

cases as (
    select
        case_id,
        list(cast(activity as varchar) order by $order_by) as activities
    from events
    group by case_id
)

select
    cases.case_id,
    variants.fitness,
    variants.is_fit
from cases
left join conformance_variant_fitness as variants
    on variants.activities = cases.activities
order by cases.case_id
