-- A/R for every day D from the first original submission to the as-of date (kpis.md):
--   A/R balance on D = over claims submitted on or before D: charge - payer paid - all CO, OA, PI
--     adjustments - patient paid, each amount counted only if dated on or before D (patient
--     responsibility stays in A/R until the patient pays);
--   days in A/R on D = A/R balance on D / (charges of claims originally submitted on D or the 89
--     days before it / 90);
--   A/R over 90 share on D = A/R balance of claims with a date of service more than 90 days
--     before D / A/R balance on D.
-- A voided claim is written off on its void date (see int_claim_ar_transactions).
-- An amount dated D0 of a claim submitted on S counts from greatest(D0, S); for the over-90
-- balance, also not before the claim's date of service + 91 days. Each balance is then a running
-- sum over days.
with

transactions as (
    select * from {{ ref('int_claim_ar_transactions') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

dated as (
    select
        practice_id,
        claim_id,
        transaction_type,
        amount,
        case
            when transaction_date > submitted_date then transaction_date
            else submitted_date
        end as counted_from,
        date_of_service,
        voided_date
    from transactions
    where submitted_date is not null
        and transaction_date is not null
),

-- A voided claim leaves A/R on its void date: what it still owed then is written off, and what
-- the payer sends afterwards (the reversal of its payment) no longer moves the balance.
before_void as (
    select * from dated
    where voided_date is null or counted_from <= voided_date
),

void_write_offs as (
    select
        practice_id,
        claim_id,
        'void' as transaction_type,
        -sum(amount) as amount,
        voided_date as counted_from,
        date_of_service,
        voided_date
    from before_void
    where voided_date is not null
    group by practice_id, claim_id, voided_date, date_of_service
),

effective as (
    select * from before_void
    union all
    select * from void_write_offs
),

over_90_effective as (
    select
        practice_id,
        amount,
        case
            when counted_from > {{ dbt.dateadd('day', var('ar_over_days') + 1, 'date_of_service') }}
                then counted_from
            else cast({{ dbt.dateadd('day', var('ar_over_days') + 1, 'date_of_service') }} as date)
        end as counted_from
    from effective
    where date_of_service is not null
),

bounds as (
    select
        effective.practice_id,
        min(effective.counted_from) as first_day,
        max(as_of.as_of_date) as last_day
    from effective
    inner join as_of
        on effective.practice_id = as_of.practice_id
    group by effective.practice_id
),

days as (
    {{ lantern.day_series('bounds', 'first_day', 'last_day') }}
),

balance_changes as (
    select
        practice_id,
        counted_from as date_day,
        sum(amount) as balance_change
    from effective
    group by practice_id, counted_from
),

over_90_changes as (
    select
        practice_id,
        counted_from as date_day,
        sum(amount) as over_90_change
    from over_90_effective
    group by practice_id, counted_from
),

charges_submitted as (
    select
        practice_id,
        submitted_date as date_day,
        sum(amount) as charges
    from transactions
    where transaction_type = 'charge'
    group by practice_id, submitted_date
),

daily as (
    select
        days.practice_id,
        days.date_day,
        coalesce(balance_changes.balance_change, 0) as balance_change,
        coalesce(over_90_changes.over_90_change, 0) as over_90_change,
        coalesce(charges_submitted.charges, 0) as charges
    from days
    left join balance_changes
        on days.practice_id = balance_changes.practice_id
        and days.date_day = balance_changes.date_day
    left join over_90_changes
        on days.practice_id = over_90_changes.practice_id
        and days.date_day = over_90_changes.date_day
    left join charges_submitted
        on days.practice_id = charges_submitted.practice_id
        and days.date_day = charges_submitted.date_day
),

running as (
    select
        practice_id,
        date_day,
        sum(balance_change) over (
            partition by practice_id order by date_day rows between unbounded preceding and current row
        )
            as ar_balance,
        sum(over_90_change) over (
            partition by practice_id order by date_day rows between unbounded preceding and current row
        )
            as ar_over_90_balance,
        sum(charges) over (
            partition by practice_id
            order by date_day rows between {{ var('ar_window_days') - 1 }} preceding and current row
        ) as charges_last_90_days
    from daily
),

final as (
    select
        practice_id,
        cast(date_day as date) as ar_date,
        cast(ar_balance as {{ lantern.type_money() }}) as ar_balance,
        cast(ar_over_90_balance as {{ lantern.type_money() }}) as ar_over_90_balance,
        cast(charges_last_90_days as {{ lantern.type_money() }}) as charges_last_90_days,
        {{ lantern.ratio('ar_balance * ' ~ var('ar_window_days'), 'charges_last_90_days') }} as days_in_ar,
        {{ lantern.ratio('ar_over_90_balance', 'ar_balance') }} as ar_over_90_share
    from running
)

select * from final
