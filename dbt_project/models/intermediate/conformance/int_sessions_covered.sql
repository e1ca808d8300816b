-- One row per completed session (PM appointment completed) with the payer and coverage it was
-- billed under and its visit number as payers count visits for prior authorization: completed
-- sessions of the patient with that payer under that coverage, in order of session start, this one
-- included (a new coverage starts again from 1). The payer is the claim's (837 2010BB); a session
-- without a claim takes the coverage the practice knew was current at the session start
-- (macro known_coverages), and none when it knew of none (self-pay).
with

sessions as (
    select * from {{ ref('int_sessions_joined') }}
),

claims as (
    select * from {{ ref('int_claims_submitted') }}
),

coverages as (
    select * from {{ ref('stg_pm__coverages') }}
),

rules as (
    select * from {{ ref('int_payer_rules_resolved') }}
),

completed as (
    select
        sessions.practice_id,
        sessions.appointment_id,
        sessions.patient_mrn,
        sessions.session_start_at,
        {{ lantern.local_date('sessions.session_start_at') }} as session_date,
        claims.claim_id is not null as is_billed,
        -- the claim's payer: known_coverages looks among that payer's coverages only
        claims.payer_id
    from sessions
    left join claims
        on sessions.practice_id = claims.practice_id
        and sessions.appointment_id = claims.claim_id
    where sessions.is_completed
        and sessions.session_start_at is not null
),

known as (
    {{ lantern.known_coverages('completed', 'appointment_id', 'session_start_at', 'coverages') }}
),

covered as (
    select
        completed.practice_id,
        completed.appointment_id,
        completed.patient_mrn,
        completed.session_start_at,
        completed.session_date,
        coalesce(completed.payer_id, known.payer_id) as payer_id,
        known.coverage_id,
        completed.is_billed
    from completed
    left join known
        on completed.practice_id = known.practice_id
        and completed.appointment_id = known.appointment_id
),

numbered as (
    select
        covered.*,
        case when payer_id is not null then
            row_number() over (
                partition by practice_id, patient_mrn, payer_id, coverage_id
                order by session_start_at, appointment_id
            )
        end as visit_number
    from covered
),

final as (
    select
        numbered.practice_id,
        numbered.appointment_id,
        numbered.patient_mrn,
        numbered.session_start_at,
        numbered.session_date,
        numbered.payer_id,
        numbered.coverage_id,
        numbered.is_billed,
        numbered.visit_number,
        rules.authorization_rule,
        rules.authorization_after_visits,
        {{ lantern.is_authorization_required(
            'rules.authorization_rule', 'rules.authorization_after_visits', 'numbered.visit_number'
        ) }} as is_authorization_required
    from numbered
    left join rules
        on numbered.practice_id = rules.practice_id
        and numbered.payer_id = rules.payer_id
)

select * from final
