-- The rows the denial model scores, each with the instant its features are as of (scored_at):
-- every claim originally submitted by the end of the as-of date (scored at that submission), and
-- every completed session with a payer and no original submission by then (the pre-submission
-- work queue, scored at the as-of date's last second). Only facts fixed by scored_at are carried:
-- what the claim itself says (the original 837), what the PM and EHR said about the session, and
-- the labels, which are outcomes and never features.
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

payers as (
    select * from {{ ref('stg_pm__payers') }}
),

conditions as (
    select * from {{ ref('int_conditions_grouped') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

bounds as (
    select
        practice_id,
        as_of_date,
        -- the work queue is scored at the close of the as-of date, practice time, so that day's
        -- signatures and checks count and its local date is the as-of date
        {{ lantern.from_local_timestamp(dbt.dateadd('second', 86399, 'cast(as_of_date as timestamp)')) }}
            as as_of_end_at
    from as_of
),

billed as (
    select
        claims.practice_id,
        claims.claim_id,
        true as is_billed,
        claims.submitted_at as scored_at,
        claims.patient_mrn,
        claims.clinician_npi,
        claims.payer_id,
        claims.payer_type,
        claims.cpt_code,
        claims.modifiers,
        claims.place_of_service,
        {{ dbt.split_part('claims.diagnosis_codes', "','", 1) }} as first_diagnosis_code,
        claims.date_of_service,
        -- an adjudication dated after the as-of date is not known yet (the as-of date may be named)
        coalesce(claims.is_adjudicated and claims.first_adjudication_date <= bounds.as_of_date, false)
            as is_adjudicated,
        claims.is_denied_first_pass
    from claims
    inner join bounds
        on claims.practice_id = bounds.practice_id
    where claims.has_original_submission
        and claims.submitted_at <= bounds.as_of_end_at
),

-- The work queue's diagnosis: the patient's first condition the EHR recorded by the as-of date's
-- end (the intake's primary diagnosis), as no claim names one yet.
ranked_conditions as (
    select
        conditions.practice_id,
        conditions.patient_mrn,
        conditions.icd10_code,
        row_number() over (
            partition by conditions.practice_id, conditions.patient_mrn
            order by conditions.recorded_at, conditions.condition_id
        ) as condition_rank
    from conditions
    inner join bounds
        on conditions.practice_id = bounds.practice_id
    where conditions.patient_mrn is not null
        and conditions.recorded_at <= bounds.as_of_end_at
),

unbilled as (
    select
        sessions.practice_id,
        sessions.appointment_id as claim_id,
        false as is_billed,
        bounds.as_of_end_at as scored_at,
        sessions.patient_mrn,
        sessions.clinician_npi,
        covered_sessions.payer_id,
        payers.payer_type,
        sessions.cpt_code,
        -- not coded yet: no modifiers and no place of service to read
        cast(null as {{ dbt.type_string() }}) as modifiers,
        cast(null as {{ dbt.type_string() }}) as place_of_service,
        ranked_conditions.icd10_code as first_diagnosis_code,
        {{ lantern.local_date('sessions.session_start_at') }} as date_of_service,
        false as is_adjudicated,
        cast(null as {{ dbt.type_boolean() }}) as is_denied_first_pass
    from sessions
    inner join bounds
        on sessions.practice_id = bounds.practice_id
    left join covered_sessions
        on sessions.practice_id = covered_sessions.practice_id
        and sessions.appointment_id = covered_sessions.appointment_id
    left join payers
        on covered_sessions.practice_id = payers.practice_id
        and covered_sessions.payer_id = payers.payer_id
    left join ranked_conditions
        on sessions.practice_id = ranked_conditions.practice_id
        and sessions.patient_mrn = ranked_conditions.patient_mrn
        and ranked_conditions.condition_rank = 1
    where sessions.is_completed
        and sessions.session_start_at <= bounds.as_of_end_at
        -- without a payer (self-pay) there is no claim to send
        and covered_sessions.payer_id is not null
        and (sessions.claim_submitted_at is null or sessions.claim_submitted_at > bounds.as_of_end_at)
),

scored as (
    select * from billed
    union all
    select * from unbilled
),

final as (
    select
        scored.practice_id,
        scored.claim_id,
        scored.is_billed,
        scored.scored_at,
        {{ lantern.local_date('scored.scored_at') }} as scored_date,
        scored.patient_mrn,
        scored.clinician_npi,
        scored.payer_id,
        scored.payer_type,
        scored.cpt_code,
        scored.modifiers,
        scored.place_of_service,
        scored.first_diagnosis_code,
        scored.date_of_service,
        sessions.modality,
        sessions.session_start_at,
        sessions.encounter_end_at as session_end_at,
        sessions.session_minutes,
        sessions.final_note_id as note_id,
        sessions.note_signed_at,
        scored.is_adjudicated,
        case when scored.is_adjudicated then scored.is_denied_first_pass end as is_denied_first_pass
    from scored
    left join sessions
        on scored.practice_id = sessions.practice_id
        and scored.claim_id = sessions.appointment_id
)

select * from final
