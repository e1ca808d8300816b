-- One row per scored row (int_feature_rows_listed) with the pre-submission checks a biller can
-- read before the claim goes out, each as of the session or of scored_at, never later:
-- prior authorization (as the payer counts visits, int_sessions_covered and
-- int_authorizations_allocated), eligibility (the latest check with the payer at or before the
-- session start, as int_claim_deviations_flagged reads it), timely filing, and the note's signature
-- (the first signed note, and only when it was signed at or before scored_at: signed_note_id is
-- the note whose documentation the model may read).
with

scored as (
    select * from {{ ref('int_feature_rows_listed') }}
),

covered_sessions as (
    select * from {{ ref('int_sessions_covered') }}
),

allocations as (
    select * from {{ ref('int_authorizations_allocated') }}
),

authorizations as (
    select * from {{ ref('stg_pm__authorizations') }}
),

eligibility_checks as (
    select * from {{ ref('stg_pm__eligibility_checks') }}
),

rules as (
    select * from {{ ref('int_payer_rules_resolved') }}
),

-- Visits an authorization had left when each session came to use it: its approved visits less the
-- sessions that used it before (allocation order within an episode is session start, then id).
allocation_uses as (
    select
        allocations.practice_id,
        allocations.appointment_id,
        allocations.authorization_id,
        allocations.has_exhausted_authorization,
        authorizations.approved_visits
        - row_number() over (
            partition by allocations.practice_id, allocations.authorization_id
            order by allocations.session_start_at, allocations.appointment_id
        ) + 1 as visits_left
    from allocations
    left join authorizations
        on allocations.practice_id = authorizations.practice_id
        and allocations.authorization_id = authorizations.authorization_id
),

-- For sessions whose payer counts no visit: any approved authorization with the payer, decided by
-- the session start, whose dates cover the session date.
covering_authorizations as (
    select distinct
        scored.practice_id,
        scored.claim_id
    from scored
    inner join authorizations
        on scored.practice_id = authorizations.practice_id
        and scored.patient_mrn = authorizations.patient_mrn
        and scored.payer_id = authorizations.payer_id
    where authorizations.authorization_status = 'approved'
        and authorizations.decided_at <= scored.session_start_at
        and authorizations.start_date <= {{ lantern.local_date('scored.session_start_at') }}
        and {{ lantern.local_date('scored.session_start_at') }} <= authorizations.end_date
),

-- The latest check of the patient with the row's payer at or before the session start (on or
-- before the date of service when the PM holds no session for the claim).
ranked_checks as (
    {{ lantern.ranked_eligibility_checks('scored', 'eligibility_checks') }}
),

latest_checks as (
    select * from ranked_checks
    where check_rank = 1
),

joined as (
    select
        scored.practice_id,
        scored.claim_id,
        scored.scored_at,
        scored.session_start_at,
        coalesce(
            covered_sessions.is_authorization_required,
            {{ lantern.is_authorization_required(
                'rules.authorization_rule', 'rules.authorization_after_visits', 'covered_sessions.visit_number'
            ) }}
        ) as is_authorization_required,
        covered_sessions.is_authorization_required is not null as is_counted_by_payer,
        allocation_uses.authorization_id,
        coalesce(allocation_uses.has_exhausted_authorization, false) as has_exhausted_authorization,
        allocation_uses.visits_left,
        covering_authorizations.claim_id is not null as has_covering_authorization,
        latest_checks.checked_at as eligibility_checked_at,
        latest_checks.eligibility_result,
        {{ dbt.datediff('scored.date_of_service', 'scored.scored_date', 'day') }} as filing_lag_days,
        rules.timely_filing_days,
        rules.treatment_plan_review_days,
        case when scored.note_signed_at <= scored.scored_at then scored.note_id end as signed_note_id,
        case when scored.note_signed_at <= scored.scored_at then scored.note_signed_at end
            as note_signed_at,
        scored.session_end_at
    from scored
    left join covered_sessions
        on scored.practice_id = covered_sessions.practice_id
        and scored.claim_id = covered_sessions.appointment_id
    left join allocation_uses
        on scored.practice_id = allocation_uses.practice_id
        and scored.claim_id = allocation_uses.appointment_id
    left join covering_authorizations
        on scored.practice_id = covering_authorizations.practice_id
        and scored.claim_id = covering_authorizations.claim_id
    left join latest_checks
        on scored.practice_id = latest_checks.practice_id
        and scored.claim_id = latest_checks.claim_id
    left join rules
        on scored.practice_id = rules.practice_id
        and scored.payer_id = rules.payer_id
),

final as (
    select
        practice_id,
        claim_id,
        is_authorization_required,
        -- the payer counts this visit: the allocation says what was on file; else any covering one
        case
            when is_authorization_required and is_counted_by_payer
                then authorization_id is not null or has_exhausted_authorization
            else has_covering_authorization
        end as has_authorization_on_file,
        case
            when authorization_id is not null then visits_left
            when has_exhausted_authorization then 0
        end as authorization_visits_remaining,
        is_authorization_required and authorization_id is null as is_without_required_authorization,
        eligibility_checked_at is not null as is_eligibility_checked,
        coalesce(eligibility_result, 'none') as eligibility_result,
        {{ lantern.days_between('eligibility_checked_at', 'session_start_at') }} as eligibility_age_days,
        filing_lag_days,
        timely_filing_days,
        timely_filing_days - filing_lag_days as days_left_to_file,
        treatment_plan_review_days,
        signed_note_id,
        note_signed_at is not null as is_note_signed_before_submission,
        {{ lantern.hours_between('session_end_at', 'note_signed_at') }} as note_lag_hours
    from joined
)

select * from final
