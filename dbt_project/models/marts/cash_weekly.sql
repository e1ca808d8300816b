-- Actual weekly cash (issue 6), per segment and in total: the receipts of int_cash_receipts summed
-- by Monday-start week. Every week from the first receipt's to the as-of date's is listed for
-- every segment, weeks without receipts at 0; the as-of date's week is marked incomplete unless
-- the as-of date is its Sunday.
with

receipts as (
    select * from {{ ref('int_cash_receipts') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

bounds as (
    select
        receipts.practice_id,
        min(receipts.week_start) as first_week,
        max(cast({{ dbt.date_trunc('week', 'as_of.as_of_date') }} as date)) as last_week
    from receipts
    inner join as_of
        on receipts.practice_id = as_of.practice_id
    group by receipts.practice_id
),

weeks as (
    {{ lantern.week_series('bounds', 'first_week', 'last_week') }}
),

segments as (
    select distinct practice_id, segment from receipts
    union all
    select practice_id, 'total' as segment from bounds
),

by_segment as (
    select
        practice_id,
        week_start,
        segment,
        sum(amount) as cash,
        count(*) as receipts
    from receipts
    group by practice_id, week_start, segment
),

totals as (
    select
        practice_id,
        week_start,
        'total' as segment,
        sum(amount) as cash,
        count(*) as receipts
    from receipts
    group by practice_id, week_start
),

sums as (
    select * from by_segment
    union all
    select * from totals
),

final as (
    select
        weeks.practice_id,
        cast(weeks.week_start as date) as week_start,
        cast(segments.segment as {{ dbt.type_string() }}) as segment,
        cast(coalesce(sums.cash, 0) as {{ lantern.type_money() }}) as cash,
        cast(coalesce(sums.receipts, 0) as {{ dbt.type_int() }}) as receipts,
        cast({{ dbt.dateadd('day', 6, 'weeks.week_start') }} <= as_of.as_of_date as {{ dbt.type_boolean() }})
            as is_complete_week
    from weeks
    inner join segments
        on weeks.practice_id = segments.practice_id
    inner join as_of
        on weeks.practice_id = as_of.practice_id
    left join sums
        on weeks.practice_id = sums.practice_id
        and weeks.week_start = sums.week_start
        and segments.segment = sums.segment
)

select * from final
