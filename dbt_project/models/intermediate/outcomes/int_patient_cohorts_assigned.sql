-- One row per patient with a completed session: their first completed session (its time is its
-- Encounter's period.start, else the appointment's scheduled start), the clinician who rendered
-- it (the patient belongs to them), their age then, and the leadership cohort flags (kpis.md):
-- adolescent = 13 to 17 years old at the first completed session; anxiety disorder = any
-- ICD-10-CM code under F40, F41 or F93.0 recorded for the patient.
with

sessions as (
    select * from {{ ref('int_sessions_joined') }}
),

patients as (
    select * from {{ ref('int_patients_unified') }}
),

conditions as (
    select * from {{ ref('int_conditions_grouped') }}
),

ranked_sessions as (
    select
        practice_id,
        patient_mrn,
        appointment_id,
        session_start_at,
        coalesce(encounter_clinician_npi, clinician_npi) as clinician_npi,
        row_number() over (
            partition by practice_id, patient_mrn
            order by session_start_at, appointment_id
        ) as session_rank,
        count(*) over (partition by practice_id, patient_mrn) as completed_sessions
    from sessions
    where is_completed
        and patient_mrn is not null
),

first_sessions as (
    select * from ranked_sessions
    where session_rank = 1
),

anxiety_patients as (
    select distinct practice_id, patient_mrn
    from conditions
    where is_anxiety_disorder
),

aged as (
    select
        first_sessions.practice_id,
        first_sessions.patient_mrn,
        first_sessions.clinician_npi,
        first_sessions.appointment_id as first_session_appointment_id,
        first_sessions.session_start_at as first_session_at,
        {{ lantern.local_date('first_sessions.session_start_at') }} as first_session_date,
        first_sessions.completed_sessions,
        patients.birth_date,
        anxiety_patients.patient_mrn is not null as has_anxiety_disorder
    from first_sessions
    left join patients
        on first_sessions.practice_id = patients.practice_id
        and first_sessions.patient_mrn = patients.patient_mrn
    left join anxiety_patients
        on first_sessions.practice_id = anxiety_patients.practice_id
        and first_sessions.patient_mrn = anxiety_patients.patient_mrn
),

final as (
    select
        practice_id,
        patient_mrn,
        clinician_npi,
        first_session_appointment_id,
        first_session_at,
        first_session_date,
        completed_sessions,
        birth_date,
        {{ lantern.age_in_years('birth_date', 'first_session_date') }} as age_at_first_session,
        coalesce({{ lantern.age_in_years('birth_date', 'first_session_date') }} between 13 and 17, false)
            as is_adolescent,
        has_anxiety_disorder
    from aged
)

select * from final
