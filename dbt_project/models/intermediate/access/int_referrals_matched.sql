-- One row per referral with its first completed appointment: the first completed appointment
-- carrying its referral_id, by scheduled_start (kpis.md, wait for first session). Time to first
-- contact and wait for first session are measured between instants (a daylight-saving change
-- adds no hour): hours and fractional days.
with

referrals as (
    select * from {{ ref('stg_pm__referrals') }}
),

appointments as (
    select * from {{ ref('stg_pm__appointments') }}
),

completed as (
    select
        practice_id,
        referral_id,
        appointment_id,
        patient_mrn,
        clinician_npi,
        scheduled_start_at,
        row_number() over (
            partition by practice_id, referral_id
            order by scheduled_start_at, appointment_id
        ) as completed_rank
    from appointments
    where appointment_status = 'completed'
        and referral_id is not null
),

first_completed as (
    select * from completed
    where completed_rank = 1
),

final as (
    select
        referrals.practice_id,
        referrals.referral_id,
        referrals.received_at,
        {{ lantern.local_month('referrals.received_at') }} as received_month,
        referrals.channel,
        referrals.referral_source,
        coalesce(referrals.patient_mrn, first_completed.patient_mrn) as patient_mrn,
        referrals.birth_date,
        referrals.requested_service,
        referrals.first_contact_at,
        referrals.intake_sent_at,
        referrals.intake_completed_at,
        referrals.referral_status,
        referrals.lost_reason,
        referrals.referral_status = 'converted' as is_converted,
        referrals.referral_status = 'lost' as is_lost,
        {{ lantern.hours_between('referrals.received_at', 'referrals.first_contact_at') }}
            as hours_to_first_contact,
        first_completed.appointment_id as first_session_appointment_id,
        first_completed.clinician_npi as first_session_clinician_npi,
        first_completed.scheduled_start_at as first_session_scheduled_start_at,
        {{ lantern.days_between('referrals.received_at', 'first_completed.scheduled_start_at') }}
            as wait_for_first_session_days
    from referrals
    left join first_completed
        on referrals.practice_id = first_completed.practice_id
        and referrals.referral_id = first_completed.referral_id
)

select * from final
