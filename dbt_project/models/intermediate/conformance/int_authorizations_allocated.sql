-- One row per completed session that needs a prior authorization (int_sessions_covered), with the
-- approved authorization it uses. An authorization belongs to the episode (patient, payer,
-- coverage) whose coverage the practice knew at its request; within an episode, sessions in order
-- each use the first authorization (by request time) decided at or before the session start, whose
-- start and end dates cover the session date and that has visits left (approved_visits less the
-- sessions that already used it). Unbilled sessions use visits too: the payer counts visits held.
with

sessions as (
    select * from {{ ref('int_sessions_covered') }}
),

authorizations as (
    select * from {{ ref('stg_pm__authorizations') }}
),

coverages as (
    select * from {{ ref('stg_pm__coverages') }}
),

approved as (
    select * from authorizations
    where authorization_status = 'approved'
        and decided_at is not null
        and start_date is not null
        and end_date is not null
        and approved_visits is not null
),

approved_coverages as (
    {{ lantern.known_coverages('approved', 'authorization_id', 'requested_at', 'coverages') }}
),

episode_authorizations as (
    select
        approved.practice_id,
        {{ dbt.concat([
            'approved.patient_mrn', "'|'", 'approved.payer_id', "'|'", "coalesce(approved_coverages.coverage_id, '')"
        ]) }} as episode_key,
        row_number() over (
            partition by approved.practice_id, approved.patient_mrn, approved.payer_id, approved_coverages.coverage_id
            order by approved.requested_at, approved.authorization_id
        ) as authorization_number,
        approved.authorization_id,
        approved.decided_at,
        approved.start_date,
        approved.end_date,
        approved.approved_visits
    from approved
    left join approved_coverages
        on approved.practice_id = approved_coverages.practice_id
        and approved.authorization_id = approved_coverages.authorization_id
),

episode_sessions as (
    select
        practice_id,
        {{ dbt.concat(['patient_mrn', "'|'", 'payer_id', "'|'", "coalesce(coverage_id, '')"]) }} as episode_key,
        row_number() over (
            partition by practice_id, patient_mrn, payer_id, coverage_id
            order by session_start_at, appointment_id
        ) as step,
        appointment_id,
        session_start_at,
        session_date
    from sessions
    where is_authorization_required
),

allocated as (
    {{ lantern.allocate_authorizations('episode_sessions', 'episode_authorizations') }}
),

final as (
    select
        sessions.practice_id,
        sessions.appointment_id,
        sessions.patient_mrn,
        sessions.payer_id,
        sessions.coverage_id,
        sessions.session_start_at,
        sessions.visit_number,
        allocated.authorization_id,
        coalesce(allocated.has_exhausted_authorization, false) as has_exhausted_authorization
    from sessions
    left join allocated
        on sessions.practice_id = allocated.practice_id
        and sessions.appointment_id = allocated.appointment_id
    where sessions.is_authorization_required
)

select * from final
