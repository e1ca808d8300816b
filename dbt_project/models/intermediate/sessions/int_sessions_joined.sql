-- One row per PM appointment with what the other systems say about it: its Encounter (the FHIR
-- session, joined on Encounter.appointment = appointment_id; the earliest when there are several),
-- the Encounter's final progress note and note lag, and its claim (CLM01 = appointment_id).
with

appointments as (
    select * from {{ ref('stg_pm__appointments') }}
),

encounters as (
    select * from {{ ref('int_encounters_documented') }}
),

claims as (
    select * from {{ ref('int_claims_submitted') }}
),

ranked_encounters as (
    select
        encounters.*,
        row_number() over (
            partition by practice_id, appointment_id
            order by period_start_at, encounter_id
        ) as encounter_rank
    from encounters
    where appointment_id is not null
),

first_encounters as (
    select * from ranked_encounters
    where encounter_rank = 1
),

final as (
    select
        appointments.practice_id,
        appointments.appointment_id,
        appointments.patient_mrn,
        appointments.clinician_npi,
        first_encounters.clinician_npi as encounter_clinician_npi,
        appointments.referral_id,
        appointments.booked_at,
        appointments.scheduled_start_at,
        appointments.scheduled_minutes,
        appointments.cpt_code,
        appointments.modality,
        appointments.appointment_status,
        appointments.status_at,
        appointments.appointment_status = 'completed' as is_completed,
        first_encounters.encounter_id,
        first_encounters.encounter_status,
        first_encounters.period_start_at as encounter_start_at,
        first_encounters.period_end_at as encounter_end_at,
        first_encounters.session_minutes,
        coalesce(first_encounters.period_start_at, appointments.scheduled_start_at) as session_start_at,
        first_encounters.final_note_id,
        first_encounters.note_signed_at,
        coalesce(first_encounters.has_final_note, false) as has_final_note,
        first_encounters.note_lag_hours,
        claims.claim_id is not null as is_billed,
        claims.claim_id,
        claims.submitted_at as claim_submitted_at
    from appointments
    left join first_encounters
        on appointments.practice_id = first_encounters.practice_id
        and appointments.appointment_id = first_encounters.appointment_id
    left join claims
        on appointments.practice_id = claims.practice_id
        and appointments.appointment_id = claims.claim_id
)

select * from final
