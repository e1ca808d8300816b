-- One row per referral (an inquiry at the front door) with its first contact, its first completed
-- appointment, and the episode of care it opened.
with

referrals as (
    select * from {{ ref('int_referrals_matched') }}
),

episodes as (
    select * from {{ ref('int_episodes_built') }}
),

final as (
    select
        referrals.practice_id,
        cast(referrals.referral_id as {{ dbt.type_string() }}) as referral_id,
        cast(referrals.received_at as {{ lantern.type_timestamptz() }}) as received_at,
        cast(referrals.received_month as date) as received_month,
        cast(referrals.channel as {{ dbt.type_string() }}) as channel,
        cast(referrals.referral_source as {{ dbt.type_string() }}) as referral_source,
        cast(referrals.patient_mrn as {{ dbt.type_string() }}) as patient_mrn,
        cast(
            {{ lantern.age_in_years('referrals.birth_date', lantern.local_date('referrals.received_at')) }}
            as {{ dbt.type_int() }}
        ) as age_at_referral,
        cast(referrals.requested_service as {{ dbt.type_string() }}) as requested_service,
        cast(referrals.first_contact_at as {{ lantern.type_timestamptz() }}) as first_contact_at,
        cast(referrals.intake_sent_at as {{ lantern.type_timestamptz() }}) as intake_sent_at,
        cast(referrals.intake_completed_at as {{ lantern.type_timestamptz() }}) as intake_completed_at,
        cast(referrals.referral_status as {{ dbt.type_string() }}) as referral_status,
        cast(referrals.lost_reason as {{ dbt.type_string() }}) as lost_reason,
        cast(referrals.is_converted as {{ dbt.type_boolean() }}) as is_converted,
        cast(referrals.is_lost as {{ dbt.type_boolean() }}) as is_lost,
        cast(referrals.hours_to_first_contact as {{ lantern.type_double() }}) as hours_to_first_contact,
        cast(referrals.first_session_appointment_id as {{ dbt.type_string() }}) as first_session_appointment_id,
        cast(referrals.first_session_clinician_npi as {{ dbt.type_string() }}) as first_session_clinician_npi,
        cast(referrals.first_session_scheduled_start_at as {{ lantern.type_timestamptz() }})
            as first_session_scheduled_start_at,
        cast(referrals.wait_for_first_session_days as {{ lantern.type_double() }}) as wait_for_first_session_days,
        cast(episodes.last_session_scheduled_start_at as {{ lantern.type_timestamptz() }})
            as episode_last_session_scheduled_start_at,
        cast(coalesce(episodes.completed_sessions, 0) as {{ dbt.type_int() }}) as episode_completed_sessions
    from referrals
    left join episodes
        on referrals.practice_id = episodes.practice_id
        and referrals.referral_id = episodes.referral_id
)

select * from final
