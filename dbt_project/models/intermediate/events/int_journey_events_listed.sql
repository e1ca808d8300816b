-- The patient-journey events of the event log (the event_activities seed): one case per referral,
-- from received to its first session held (or lost). The referral's own timestamps; the PM
-- eligibility checks and authorization requests of its patient in the journey's window (from
-- int_referral_journeys_bounded; a request in the window keeps its decision, even a later one); its
-- appointments (those carrying its referral_id, scheduled no later than its first completed
-- appointment): bookings and how each ended. Attributes are the event's own where its record has
-- them, else the journey's. Every event touches its referral (the OCEL export's objects); an
-- appointment event also its appointment.
with

referrals as (
    select * from {{ ref('int_referrals_matched') }}
),

journeys as (
    select * from {{ ref('int_referral_journeys_bounded') }}
),

referral_versions as (
    select * from {{ ref('stg_pm__referrals') }}
),

sessions as (
    select * from {{ ref('int_sessions_joined') }}
),

checks as (
    select * from {{ ref('stg_pm__eligibility_checks') }}
),

authorizations as (
    select * from {{ ref('stg_pm__authorizations') }}
),

referral_appointments as (
    select
        sessions.practice_id,
        sessions.referral_id,
        sessions.appointment_id,
        sessions.clinician_npi,
        sessions.cpt_code,
        sessions.modality,
        sessions.booked_at,
        sessions.appointment_status,
        sessions.status_at,
        row_number() over (
            partition by sessions.practice_id, sessions.referral_id
            order by sessions.booked_at, sessions.scheduled_start_at, sessions.appointment_id
        ) as booking_number
    from sessions
    inner join referrals
        on sessions.practice_id = referrals.practice_id
        and sessions.referral_id = referrals.referral_id
    where referrals.first_session_scheduled_start_at is null
        or sessions.scheduled_start_at <= referrals.first_session_scheduled_start_at
),

first_sessions as (
    select
        journeys.practice_id,
        journeys.referral_id,
        sessions.appointment_id,
        sessions.session_start_at,
        coalesce(sessions.encounter_clinician_npi, sessions.clinician_npi) as clinician_npi,
        sessions.cpt_code,
        sessions.modality
    from journeys
    inner join sessions
        on journeys.practice_id = sessions.practice_id
        and journeys.first_session_appointment_id = sessions.appointment_id
),

window_checks as (
    select
        journeys.practice_id,
        journeys.referral_id,
        checks.eligibility_check_id,
        checks.payer_id,
        checks.checked_at,
        checks.eligibility_result
    from journeys
    inner join checks
        on journeys.practice_id = checks.practice_id
        and journeys.patient_mrn = checks.patient_mrn
        and checks.checked_at >= journeys.window_start_at
        and (journeys.window_end_at is null or checks.checked_at < journeys.window_end_at)
),

window_authorizations as (
    select
        journeys.practice_id,
        journeys.referral_id,
        authorizations.authorization_id,
        authorizations.payer_id,
        authorizations.requested_at,
        authorizations.decided_at,
        authorizations.authorization_status
    from journeys
    inner join authorizations
        on journeys.practice_id = authorizations.practice_id
        and journeys.patient_mrn = authorizations.patient_mrn
        and authorizations.requested_at >= journeys.window_start_at
        and (journeys.window_end_at is null or authorizations.requested_at < journeys.window_end_at)
),

referral_events as (
    select
        practice_id,
        referral_id as case_id,
        'referral received' as activity,
        received_at as event_at,
        'front_desk' as resource,
        'staff' as resource_type,
        referral_id as source_key
    from referrals
    union all
    select
        practice_id,
        referral_id as case_id,
        'first contact' as activity,
        first_contact_at as event_at,
        'front_desk' as resource,
        'staff' as resource_type,
        referral_id as source_key
    from referrals
    where first_contact_at is not null
    union all
    select
        practice_id,
        referral_id as case_id,
        'intake sent' as activity,
        intake_sent_at as event_at,
        'front_desk' as resource,
        'staff' as resource_type,
        referral_id as source_key
    from referrals
    where intake_sent_at is not null
    union all
    select
        practice_id,
        referral_id as case_id,
        'intake completed' as activity,
        intake_completed_at as event_at,
        'patient' as resource,
        'patient' as resource_type,
        referral_id as source_key
    from referrals
    where intake_completed_at is not null
    union all
    select
        practice_id,
        referral_id as case_id,
        'referral lost' as activity,
        updated_at as event_at,
        'front_desk' as resource,
        'staff' as resource_type,
        referral_id as source_key
    from referral_versions
    where referral_status = 'lost'
),

check_events as (
    select
        practice_id,
        referral_id as case_id,
        case
            when eligibility_result = 'active' then 'eligibility verified'
            else 'eligibility not verified'
        end as activity,
        checked_at as event_at,
        'front_desk' as resource,
        'staff' as resource_type,
        payer_id,
        eligibility_check_id as source_key
    from window_checks
),

authorization_events as (
    select
        practice_id,
        referral_id as case_id,
        'authorization requested' as activity,
        requested_at as event_at,
        'front_desk' as resource,
        'staff' as resource_type,
        payer_id,
        authorization_id as source_key
    from window_authorizations
    union all
    select
        practice_id,
        referral_id as case_id,
        case
            when authorization_status = 'approved' then 'authorization approved'
            else 'authorization denied'
        end as activity,
        decided_at as event_at,
        coalesce(payer_id, 'payer') as resource,
        'payer' as resource_type,
        payer_id,
        authorization_id as source_key
    from window_authorizations
    where authorization_status in ('approved', 'denied')
        and decided_at is not null
),

appointment_events as (
    select
        practice_id,
        referral_id as case_id,
        case when booking_number = 1 then 'first appointment booked' else 'appointment rebooked' end as activity,
        booked_at as event_at,
        'front_desk' as resource,
        'staff' as resource_type,
        clinician_npi,
        cpt_code,
        modality,
        appointment_id as source_key
    from referral_appointments
    where booked_at is not null
    union all
    select
        practice_id,
        referral_id as case_id,
        case appointment_status
            when 'no_show' then 'appointment no-show'
            when 'cancelled' then 'appointment cancelled'
            else 'appointment late-cancelled'
        end as activity,
        status_at as event_at,
        'patient' as resource,
        'patient' as resource_type,
        clinician_npi,
        cpt_code,
        modality,
        appointment_id as source_key
    from referral_appointments
    where appointment_status in ('no_show', 'cancelled', 'late_cancelled')
    union all
    select
        practice_id,
        referral_id as case_id,
        'first session held' as activity,
        session_start_at as event_at,
        coalesce(clinician_npi, 'clinician') as resource,
        'clinician' as resource_type,
        clinician_npi,
        cpt_code,
        modality,
        appointment_id as source_key
    from first_sessions
),

unioned as (
    select
        practice_id,
        case_id,
        activity,
        event_at,
        resource,
        resource_type,
        cast(null as {{ dbt.type_string() }}) as payer_id,
        cast(null as {{ dbt.type_string() }}) as clinician_npi,
        cast(null as {{ dbt.type_string() }}) as cpt_code,
        cast(null as {{ dbt.type_string() }}) as modality,
        cast(null as {{ dbt.type_string() }}) as appointment_id,
        source_key
    from referral_events
    union all
    select
        practice_id,
        case_id,
        activity,
        event_at,
        resource,
        resource_type,
        payer_id,
        cast(null as {{ dbt.type_string() }}) as clinician_npi,
        cast(null as {{ dbt.type_string() }}) as cpt_code,
        cast(null as {{ dbt.type_string() }}) as modality,
        cast(null as {{ dbt.type_string() }}) as appointment_id,
        source_key
    from check_events
    union all
    select
        practice_id,
        case_id,
        activity,
        event_at,
        resource,
        resource_type,
        payer_id,
        cast(null as {{ dbt.type_string() }}) as clinician_npi,
        cast(null as {{ dbt.type_string() }}) as cpt_code,
        cast(null as {{ dbt.type_string() }}) as modality,
        cast(null as {{ dbt.type_string() }}) as appointment_id,
        source_key
    from authorization_events
    union all
    select
        practice_id,
        case_id,
        activity,
        event_at,
        resource,
        resource_type,
        cast(null as {{ dbt.type_string() }}) as payer_id,
        clinician_npi,
        cpt_code,
        modality,
        source_key as appointment_id,
        source_key
    from appointment_events
),

final as (
    select
        unioned.practice_id,
        'patient_journey' as case_type,
        unioned.case_id,
        unioned.activity,
        unioned.event_at,
        unioned.resource,
        unioned.resource_type,
        journeys.patient_mrn,
        coalesce(unioned.payer_id, journeys.payer_id) as payer_id,
        coalesce(unioned.clinician_npi, journeys.clinician_npi) as clinician_npi,
        coalesce(unioned.cpt_code, journeys.cpt_code) as cpt_code,
        coalesce(unioned.modality, journeys.modality) as modality,
        cast(null as {{ lantern.type_money() }}) as amount,
        unioned.case_id as referral_id,
        unioned.appointment_id,
        cast(null as {{ dbt.type_string() }}) as payment_id,
        unioned.source_key,
        0 as source_sequence
    from unioned
    inner join journeys
        on unioned.practice_id = journeys.practice_id
        and unioned.case_id = journeys.referral_id
    where unioned.event_at is not null
)

select * from final
