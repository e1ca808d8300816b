-- How often an outcome comes with each deviation: for each deviation kind, the cases showing it and how many of
-- them have the outcome, against the same for the cases not showing it.
-- The cases compared: those of the (filtered) event log whose case_id is a key of $outcomes with a non-null
-- flag (several rows of one key: the outcome when any has it). A case's deviations are its variant's
-- (conformance_variant_deviations, handed in from Python: one row per variant and deviation kind).
with events as (
$events
),

cases as (
    select
        case_id,
        list(cast(activity as varchar) order by $order_by) as activities
    from events
    group by case_id
),

outcomes as (
    select
        $key as case_id,
        bool_or(cast($flag as boolean)) as outcome
    from $outcomes
    where $flag is not null
    group by $key
),

compared as (
    select
        cases.case_id,
        cases.activities,
        outcomes.outcome
    from cases
    inner join outcomes on outcomes.case_id = cases.case_id
),

totals as (
    select
        count(*) as cases,
        count(*) filter (where outcome) as with_outcome
    from compared
),

per_deviation as (
    select
        deviations.deviation,
        count(*) as cases_with,
        count(*) filter (where compared.outcome) as outcome_with
    from compared
    inner join conformance_variant_deviations as deviations
        on deviations.activities = compared.activities
    group by deviations.deviation
)

select
    per_deviation.deviation,
    per_deviation.cases_with,
    per_deviation.outcome_with,
    per_deviation.outcome_with / per_deviation.cases_with as rate_with,
    totals.cases - per_deviation.cases_with as cases_without,
    totals.with_outcome - per_deviation.outcome_with as outcome_without,
    (totals.with_outcome - per_deviation.outcome_with) / nullif(totals.cases - per_deviation.cases_with, 0)
        as rate_without
from per_deviation
cross join totals
order by per_deviation.cases_with desc, per_deviation.deviation
