-- Revenue-cycle measures by calendar month (kpis.md). Every measure is by the month of the
-- claim's original submission, except the net collection rate, which is by the month of the
-- date of service and counts only claims whose date of service is at least 120 days before the
-- as-of date. Medians and p90s interpolate linearly between ranks.
with

claims as (
    select * from {{ ref('fct_claims') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

by_submission as (
    select
        practice_id,
        submitted_month as month_start,
        count(*) as claims_submitted,
        sum(case when is_adjudicated then 1 else 0 end) as claims_adjudicated,
        sum(case when is_adjudicated and is_denied_first_pass then 1 else 0 end) as first_pass_denials,
        sum(case when is_first_pass_resolved then 1 else 0 end) as first_pass_resolved_claims,
        sum(case when is_resubmitted_after_denial then 1 else 0 end) as resubmitted_after_denial_claims,
        sum(case when is_recovered_by_resubmission then 1 else 0 end) as recovered_by_resubmission_claims,
        {{ lantern.median('claim_lag_days') }} as claim_lag_median_days,
        {{ lantern.percentile_cont('claim_lag_days', 0.9) }} as claim_lag_p90_days,
        {{ lantern.median('days_to_payment') }} as days_to_payment_median,
        {{ lantern.percentile_cont('days_to_payment', 0.9) }} as days_to_payment_p90
    from claims
    where has_original_submission
    group by practice_id, submitted_month
),

collectible as (
    select
        claims.*,
        cast({{ dbt.date_trunc('month', 'claims.date_of_service') }} as date) as service_month
    from claims
    inner join as_of
        on claims.practice_id = as_of.practice_id
    where claims.date_of_service
        <= {{ dbt.dateadd('day', -var('net_collection_lag_days'), 'as_of.as_of_date') }}
),

by_service as (
    select
        practice_id,
        service_month as month_start,
        count(*) as net_collection_claims,
        sum(payer_paid) + sum(patient_paid) as net_collection_collected,
        sum(allowed) as net_collection_allowed
    from collectible
    group by practice_id, service_month
),

months as (
    select practice_id, month_start from by_submission
    union
    select practice_id, month_start from by_service
),

final as (
    select
        months.practice_id,
        cast(months.month_start as date) as month_start,
        cast(coalesce(by_submission.claims_submitted, 0) as {{ dbt.type_int() }}) as claims_submitted,
        cast(coalesce(by_submission.claims_adjudicated, 0) as {{ dbt.type_int() }}) as claims_adjudicated,
        cast(coalesce(by_submission.first_pass_denials, 0) as {{ dbt.type_int() }}) as first_pass_denials,
        cast(
            {{ lantern.ratio('by_submission.first_pass_denials', 'by_submission.claims_adjudicated') }}
            as {{ lantern.type_double() }}
        ) as initial_denial_rate,
        cast(coalesce(by_submission.first_pass_resolved_claims, 0) as {{ dbt.type_int() }})
            as first_pass_resolved_claims,
        cast(
            {{ lantern.ratio('by_submission.first_pass_resolved_claims', 'by_submission.claims_adjudicated') }}
            as {{ lantern.type_double() }}
        ) as first_pass_resolution_rate,
        cast(coalesce(by_submission.resubmitted_after_denial_claims, 0) as {{ dbt.type_int() }})
            as resubmitted_after_denial_claims,
        cast(coalesce(by_submission.recovered_by_resubmission_claims, 0) as {{ dbt.type_int() }})
            as recovered_by_resubmission_claims,
        cast(
            {{ lantern.ratio(
                'by_submission.recovered_by_resubmission_claims', 'by_submission.resubmitted_after_denial_claims'
            ) }}
            as {{ lantern.type_double() }}
        ) as resubmission_recovery_rate,
        cast(by_submission.claim_lag_median_days as {{ lantern.type_double() }}) as claim_lag_median_days,
        cast(by_submission.claim_lag_p90_days as {{ lantern.type_double() }}) as claim_lag_p90_days,
        cast(by_submission.days_to_payment_median as {{ lantern.type_double() }}) as days_to_payment_median,
        cast(by_submission.days_to_payment_p90 as {{ lantern.type_double() }}) as days_to_payment_p90,
        cast(coalesce(by_service.net_collection_claims, 0) as {{ dbt.type_int() }}) as net_collection_claims,
        cast(by_service.net_collection_collected as {{ lantern.type_money() }}) as net_collection_collected,
        cast(by_service.net_collection_allowed as {{ lantern.type_money() }}) as net_collection_allowed,
        cast(
            {{ lantern.ratio('by_service.net_collection_collected', 'by_service.net_collection_allowed') }}
            as {{ lantern.type_double() }}
        ) as net_collection_rate,
        cast(as_of.as_of_date as date) as as_of_date
    from months
    left join by_submission
        on months.practice_id = by_submission.practice_id
        and months.month_start = by_submission.month_start
    left join by_service
        on months.practice_id = by_service.practice_id
        and months.month_start = by_service.month_start
    inner join as_of
        on months.practice_id = as_of.practice_id
    where months.month_start is not null
)

select * from final
