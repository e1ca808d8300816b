-- FHIR Encounters with their Patient and Practitioner references resolved to MRN and NPI
-- (joined on resource id), and the session's length from its period.
with

encounters as (
    select * from {{ ref('stg_fhir__encounters') }}
),

patients as (
    select * from {{ ref('stg_fhir__patients') }}
),

practitioners as (
    select * from {{ ref('stg_fhir__practitioners') }}
),

final as (
    select
        encounters.practice_id,
        encounters.encounter_id,
        encounters.appointment_id,
        encounters.encounter_status,
        encounters.class_code,
        encounters.cpt_code,
        patients.patient_mrn,
        practitioners.clinician_npi,
        encounters.period_start_at,
        encounters.period_end_at,
        {{ lantern.hours_between('encounters.period_start_at', 'encounters.period_end_at') }} * 60.0
            as session_minutes,
        encounters.patient_resource_id,
        encounters.practitioner_resource_id
    from encounters
    left join patients
        on encounters.practice_id = patients.practice_id
        and encounters.patient_resource_id = patients.patient_resource_id
    left join practitioners
        on encounters.practice_id = practitioners.practice_id
        and encounters.practitioner_resource_id = practitioners.practitioner_resource_id
)

select * from final
