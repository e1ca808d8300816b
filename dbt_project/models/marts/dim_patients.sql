-- One row per patient MRN with demographics and the facts the outcome and leadership measures
-- group by: their first completed session, the clinician they belong to, their age then, and
-- whether an anxiety disorder is recorded for them.
with

patients as (
    select * from {{ ref('int_patients_unified') }}
),

cohorts as (
    select * from {{ ref('int_patient_cohorts_assigned') }}
),

final as (
    select
        patients.practice_id,
        cast(patients.patient_mrn as {{ dbt.type_string() }}) as patient_mrn,
        cast(patients.patient_resource_id as {{ dbt.type_string() }}) as patient_resource_id,
        cast(patients.family_name as {{ dbt.type_string() }}) as family_name,
        cast(patients.given_name as {{ dbt.type_string() }}) as given_name,
        cast(patients.birth_date as date) as birth_date,
        cast(patients.gender as {{ dbt.type_string() }}) as gender,
        cast(patients.postal_code as {{ dbt.type_string() }}) as postal_code,
        cast(patients.is_in_ehr as {{ dbt.type_boolean() }}) as is_in_ehr,
        cast(cohorts.first_session_appointment_id as {{ dbt.type_string() }}) as first_session_appointment_id,
        cast(cohorts.first_session_at as {{ lantern.type_timestamptz() }}) as first_session_at,
        cast(cohorts.clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(cohorts.completed_sessions as {{ dbt.type_int() }}) as completed_sessions,
        cast(cohorts.age_at_first_session as {{ dbt.type_int() }}) as age_at_first_session,
        cast(coalesce(cohorts.is_adolescent, false) as {{ dbt.type_boolean() }}) as is_adolescent,
        cast(coalesce(cohorts.has_anxiety_disorder, false) as {{ dbt.type_boolean() }}) as has_anxiety_disorder
    from patients
    left join cohorts
        on patients.practice_id = cohorts.practice_id
        and patients.patient_mrn = cohorts.patient_mrn
)

select * from final
