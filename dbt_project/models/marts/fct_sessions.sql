-- One row per PM appointment (booked, held or not) with its Encounter, final progress note and
-- claim: the session-level facts the access, utilization and documentation measures read.
with

sessions as (
    select * from {{ ref('int_sessions_joined') }}
),

final as (
    select
        practice_id,
        cast(appointment_id as {{ dbt.type_string() }}) as appointment_id,
        cast(patient_mrn as {{ dbt.type_string() }}) as patient_mrn,
        cast(clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(encounter_clinician_npi as {{ dbt.type_string() }}) as encounter_clinician_npi,
        cast(referral_id as {{ dbt.type_string() }}) as referral_id,
        cast(booked_at as {{ lantern.type_timestamptz() }}) as booked_at,
        cast(scheduled_start_at as {{ lantern.type_timestamptz() }}) as scheduled_start_at,
        cast({{ lantern.local_month('scheduled_start_at') }} as date) as scheduled_month,
        cast(scheduled_minutes as {{ dbt.type_int() }}) as scheduled_minutes,
        cast(cpt_code as {{ dbt.type_string() }}) as cpt_code,
        cast(modality as {{ dbt.type_string() }}) as modality,
        cast(appointment_status as {{ dbt.type_string() }}) as appointment_status,
        cast(status_at as {{ lantern.type_timestamptz() }}) as status_at,
        cast(is_completed as {{ dbt.type_boolean() }}) as is_completed,
        cast(encounter_id as {{ dbt.type_string() }}) as encounter_id,
        cast(encounter_status as {{ dbt.type_string() }}) as encounter_status,
        cast(encounter_start_at as {{ lantern.type_timestamptz() }}) as encounter_start_at,
        cast(encounter_end_at as {{ lantern.type_timestamptz() }}) as encounter_end_at,
        cast(session_minutes as {{ lantern.type_double() }}) as session_minutes,
        cast(session_start_at as {{ lantern.type_timestamptz() }}) as session_start_at,
        cast(final_note_id as {{ dbt.type_string() }}) as final_note_id,
        cast(note_signed_at as {{ lantern.type_timestamptz() }}) as note_signed_at,
        cast(has_final_note as {{ dbt.type_boolean() }}) as has_final_note,
        cast(note_lag_hours as {{ lantern.type_double() }}) as note_lag_hours,
        cast(is_billed as {{ dbt.type_boolean() }}) as is_billed,
        cast(claim_submitted_at as {{ lantern.type_timestamptz() }}) as claim_submitted_at
    from sessions
)

select * from final
