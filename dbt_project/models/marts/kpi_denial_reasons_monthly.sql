-- Denial rate by reason (kpis.md): first-pass denials grouped by their denial reason (the CARC of
-- the first adjudication's largest CO/OA/PI adjustment other than 45 and 253) / claims
-- adjudicated, by month of original submission. A denial with no such adjustment has a null
-- reason.
with

claims as (
    select * from {{ ref('fct_claims') }}
),

carcs as (
    select * from {{ ref('carc_codes') }}
),

adjudicated_by_month as (
    select
        practice_id,
        submitted_month as month_start,
        count(*) as claims_adjudicated
    from claims
    where has_original_submission
        and is_adjudicated
    group by practice_id, submitted_month
),

denials_by_reason as (
    select
        practice_id,
        submitted_month as month_start,
        first_denial_reason as denial_reason,
        count(*) as first_pass_denials
    from claims
    where has_original_submission
        and is_adjudicated
        and is_denied_first_pass
    group by practice_id, submitted_month, first_denial_reason
),

final as (
    select
        denials_by_reason.practice_id,
        cast(denials_by_reason.month_start as date) as month_start,
        cast(denials_by_reason.denial_reason as {{ dbt.type_string() }}) as denial_reason,
        cast(carcs.description as {{ dbt.type_string() }}) as denial_reason_description,
        cast(carcs.denial_category as {{ dbt.type_string() }}) as denial_category,
        cast(denials_by_reason.first_pass_denials as {{ dbt.type_int() }}) as first_pass_denials,
        cast(adjudicated_by_month.claims_adjudicated as {{ dbt.type_int() }}) as claims_adjudicated,
        cast(
            {{ lantern.ratio('denials_by_reason.first_pass_denials', 'adjudicated_by_month.claims_adjudicated') }}
            as {{ lantern.type_double() }}
        ) as denial_rate
    from denials_by_reason
    inner join adjudicated_by_month
        on denials_by_reason.practice_id = adjudicated_by_month.practice_id
        and denials_by_reason.month_start = adjudicated_by_month.month_start
    left join carcs
        on denials_by_reason.denial_reason = carcs.carc_code
)

select * from final
