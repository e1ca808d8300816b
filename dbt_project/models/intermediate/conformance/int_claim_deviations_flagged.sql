-- One row per claim with an original submission, flagged for each payer rule it broke before it
-- went out (docs/practice-config.md): a progress note not signed by the submission, no eligibility
-- check (or one not 'active') with the claim's payer by the session start, a visit that needed a
-- prior authorization without one, and a first submission later than the payer's filing limit.
with

claims as (
    select * from {{ ref('int_claims_joined') }}
),

sessions as (
    select * from {{ ref('int_sessions_joined') }}
),

covered_sessions as (
    select * from {{ ref('int_sessions_covered') }}
),

allocations as (
    select * from {{ ref('int_authorizations_allocated') }}
),

eligibility_checks as (
    select * from {{ ref('stg_pm__eligibility_checks') }}
),

rules as (
    select * from {{ ref('int_payer_rules_resolved') }}
),

submitted as (
    select
        claims.practice_id,
        claims.claim_id,
        claims.patient_mrn,
        claims.payer_id,
        claims.payer_type,
        claims.clinician_npi,
        claims.cpt_code,
        claims.date_of_service,
        claims.submitted_at,
        claims.submitted_date,
        claims.is_denied_first_pass,
        claims.first_denial_reason_code as first_denial_reason,
        sessions.session_start_at,
        sessions.note_signed_at,
        covered_sessions.visit_number,
        covered_sessions.is_authorization_required as is_session_authorization_required
    from claims
    left join sessions
        on claims.practice_id = sessions.practice_id
        and claims.claim_id = sessions.appointment_id
    left join covered_sessions
        on claims.practice_id = covered_sessions.practice_id
        and claims.claim_id = covered_sessions.appointment_id
    where claims.has_original_submission
),

-- The latest check of the claim's patient with the claim's payer at or before the session start
-- (on or before the date of service when the PM holds no session for the claim).
ranked_checks as (
    {{ lantern.ranked_eligibility_checks('submitted', 'eligibility_checks') }}
),

latest_checks as (
    select * from ranked_checks
    where check_rank = 1
),

flagged as (
    select
        submitted.practice_id,
        submitted.claim_id,
        submitted.patient_mrn,
        submitted.payer_id,
        submitted.payer_type,
        submitted.clinician_npi,
        submitted.cpt_code,
        submitted.date_of_service,
        submitted.session_start_at,
        submitted.submitted_at,
        submitted.is_denied_first_pass,
        submitted.first_denial_reason,
        submitted.note_signed_at,
        submitted.note_signed_at is null
        or submitted.note_signed_at > submitted.submitted_at as is_note_signed_after_submission,
        latest_checks.checked_at as eligibility_checked_at,
        latest_checks.eligibility_result,
        latest_checks.checked_at is null as is_without_eligibility_check,
        coalesce(latest_checks.eligibility_result <> 'active', false) as is_eligibility_not_active,
        submitted.visit_number,
        rules.authorization_rule,
        rules.authorization_after_visits,
        coalesce(
            submitted.is_session_authorization_required,
            {{ lantern.is_authorization_required(
                'rules.authorization_rule', 'rules.authorization_after_visits', 'submitted.visit_number'
            ) }}
        ) as is_authorization_required,
        allocations.authorization_id,
        {{ dbt.datediff('submitted.date_of_service', 'submitted.submitted_date', 'day') }} as filing_lag_days,
        rules.timely_filing_days
    from submitted
    left join latest_checks
        on submitted.practice_id = latest_checks.practice_id
        and submitted.claim_id = latest_checks.claim_id
    left join allocations
        on submitted.practice_id = allocations.practice_id
        and submitted.claim_id = allocations.appointment_id
    left join rules
        on submitted.practice_id = rules.practice_id
        and submitted.payer_id = rules.payer_id
),

derived as (
    select
        flagged.*,
        is_authorization_required and authorization_id is null as is_without_required_authorization,
        filing_lag_days > timely_filing_days as is_late_filing
    from flagged
),

final as (
    select
        derived.*,
        case when is_note_signed_after_submission then 1 else 0 end
        + case when is_without_eligibility_check then 1 else 0 end
        + case when is_eligibility_not_active then 1 else 0 end
        + case when is_without_required_authorization then 1 else 0 end
        + case when is_late_filing then 1 else 0 end as deviation_count
    from derived
)

select * from final
