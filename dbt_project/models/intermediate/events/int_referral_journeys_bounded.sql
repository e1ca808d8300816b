-- One row per referral: its patient journey's window and attributes (the event log's
-- patient-journey case). The window runs from received_at to the first session held (the first
-- completed appointment carrying the referral_id: its Encounter's start, else its scheduled
-- start), else to the same patient's next referral, else stays open; the patient's PM eligibility
-- checks and authorization requests in it belong to the journey. Attributes: the payer of the
-- first eligibility check in the window, else of the first authorization request, else of the
-- first session's claim; the clinician, CPT code and modality of the first session, else of the
-- first booked appointment carrying the referral_id.
with

referrals as (
    select * from {{ ref('int_referrals_matched') }}
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

claims as (
    select * from {{ ref('int_claims_joined') }}
),

first_sessions as (
    select
        referrals.practice_id,
        referrals.referral_id,
        sessions.appointment_id,
        sessions.session_start_at,
        coalesce(sessions.encounter_clinician_npi, sessions.clinician_npi) as clinician_npi,
        sessions.cpt_code,
        sessions.modality
    from referrals
    inner join sessions
        on referrals.practice_id = sessions.practice_id
        and referrals.first_session_appointment_id = sessions.appointment_id
),

first_bookings as (
    select
        sessions.practice_id,
        sessions.referral_id,
        sessions.clinician_npi,
        sessions.cpt_code,
        sessions.modality,
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

next_referrals as (
    select
        practice_id,
        referral_id,
        lead(received_at) over (
            partition by practice_id, patient_mrn
            order by received_at, referral_id
        ) as next_referral_received_at
    from referrals
    where patient_mrn is not null
),

windows as (
    select
        referrals.practice_id,
        referrals.referral_id,
        referrals.patient_mrn,
        referrals.received_at as window_start_at,
        case
            when first_sessions.session_start_at is null then next_referrals.next_referral_received_at
            when next_referrals.next_referral_received_at is null then first_sessions.session_start_at
            when next_referrals.next_referral_received_at < first_sessions.session_start_at
                then next_referrals.next_referral_received_at
            else first_sessions.session_start_at
        end as window_end_at
    from referrals
    left join first_sessions
        on referrals.practice_id = first_sessions.practice_id
        and referrals.referral_id = first_sessions.referral_id
    left join next_referrals
        on referrals.practice_id = next_referrals.practice_id
        and referrals.referral_id = next_referrals.referral_id
),

first_checks as (
    select
        windows.practice_id,
        windows.referral_id,
        checks.payer_id,
        row_number() over (
            partition by windows.practice_id, windows.referral_id
            order by checks.checked_at, checks.eligibility_check_id
        ) as check_number
    from windows
    inner join checks
        on windows.practice_id = checks.practice_id
        and windows.patient_mrn = checks.patient_mrn
        and checks.checked_at >= windows.window_start_at
        and (windows.window_end_at is null or checks.checked_at < windows.window_end_at)
),

first_authorizations as (
    select
        windows.practice_id,
        windows.referral_id,
        authorizations.payer_id,
        row_number() over (
            partition by windows.practice_id, windows.referral_id
            order by authorizations.requested_at, authorizations.authorization_id
        ) as authorization_number
    from windows
    inner join authorizations
        on windows.practice_id = authorizations.practice_id
        and windows.patient_mrn = authorizations.patient_mrn
        and authorizations.requested_at >= windows.window_start_at
        and (windows.window_end_at is null or authorizations.requested_at < windows.window_end_at)
),

final as (
    select
        referrals.practice_id,
        referrals.referral_id,
        referrals.patient_mrn,
        windows.window_start_at,
        windows.window_end_at,
        referrals.first_session_appointment_id,
        first_sessions.session_start_at as first_session_at,
        coalesce(first_checks.payer_id, first_authorizations.payer_id, first_session_claims.payer_id) as payer_id,
        coalesce(first_sessions.clinician_npi, first_bookings.clinician_npi) as clinician_npi,
        coalesce(first_sessions.cpt_code, first_bookings.cpt_code) as cpt_code,
        coalesce(first_sessions.modality, first_bookings.modality) as modality
    from referrals
    inner join windows
        on referrals.practice_id = windows.practice_id
        and referrals.referral_id = windows.referral_id
    left join first_sessions
        on referrals.practice_id = first_sessions.practice_id
        and referrals.referral_id = first_sessions.referral_id
    left join first_checks
        on referrals.practice_id = first_checks.practice_id
        and referrals.referral_id = first_checks.referral_id
        and first_checks.check_number = 1
    left join first_authorizations
        on referrals.practice_id = first_authorizations.practice_id
        and referrals.referral_id = first_authorizations.referral_id
        and first_authorizations.authorization_number = 1
    left join claims as first_session_claims
        on first_sessions.practice_id = first_session_claims.practice_id
        and first_sessions.appointment_id = first_session_claims.claim_id
    left join first_bookings
        on referrals.practice_id = first_bookings.practice_id
        and referrals.referral_id = first_bookings.referral_id
        and first_bookings.booking_number = 1
)

select * from final
