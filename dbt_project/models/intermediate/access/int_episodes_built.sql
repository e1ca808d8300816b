-- Patient episodes of care: one per referral that led to a completed session. An episode runs
-- from the referral, through its first completed appointment, to the patient's last completed
-- appointment before their next episode's first completed appointment.
with

referrals as (
    select * from {{ ref('int_referrals_matched') }}
),

appointments as (
    select * from {{ ref('stg_pm__appointments') }}
),

episode_starts as (
    select
        practice_id,
        referral_id,
        patient_mrn,
        received_at,
        first_session_appointment_id,
        first_session_scheduled_start_at,
        lead(first_session_scheduled_start_at) over (
            partition by practice_id, patient_mrn
            order by first_session_scheduled_start_at, referral_id
        ) as next_episode_start_at
    from referrals
    where first_session_appointment_id is not null
        and patient_mrn is not null
),

episode_sessions as (
    select
        episode_starts.practice_id,
        episode_starts.referral_id,
        count(*) as completed_sessions,
        max(appointments.scheduled_start_at) as last_session_scheduled_start_at
    from episode_starts
    inner join appointments
        on episode_starts.practice_id = appointments.practice_id
        and episode_starts.patient_mrn = appointments.patient_mrn
        and appointments.appointment_status = 'completed'
        and appointments.scheduled_start_at >= episode_starts.first_session_scheduled_start_at
        and (
            episode_starts.next_episode_start_at is null
            or appointments.scheduled_start_at < episode_starts.next_episode_start_at
        )
    group by episode_starts.practice_id, episode_starts.referral_id
),

final as (
    select
        episode_starts.practice_id,
        episode_starts.referral_id as episode_id,
        episode_starts.referral_id,
        episode_starts.patient_mrn,
        episode_starts.received_at,
        episode_starts.first_session_appointment_id,
        episode_starts.first_session_scheduled_start_at,
        episode_sessions.last_session_scheduled_start_at,
        episode_sessions.completed_sessions
    from episode_starts
    left join episode_sessions
        on episode_starts.practice_id = episode_sessions.practice_id
        and episode_starts.referral_id = episode_sessions.referral_id
)

select * from final
