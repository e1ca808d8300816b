-- One row per patient MRN, from every system that names one: the FHIR Patient (the most recently
-- delivered one when an MRN has several resources), PM appointments, referrals, coverages and
-- payments. Birth date from the EHR, else from the referral.
with

fhir_patients as (
    select * from {{ ref('stg_fhir__patients') }}
),

appointments as (
    select * from {{ ref('stg_pm__appointments') }}
),

referrals as (
    select * from {{ ref('stg_pm__referrals') }}
),

coverages as (
    select * from {{ ref('stg_pm__coverages') }}
),

payments as (
    select * from {{ ref('stg_pm__patient_payments') }}
),

mrns as (
    select practice_id, patient_mrn from fhir_patients
    union
    select practice_id, patient_mrn from appointments
    union
    select practice_id, patient_mrn from referrals
    union
    select practice_id, patient_mrn from coverages
    union
    select practice_id, patient_mrn from payments
),

ranked_fhir_patients as (
    select
        fhir_patients.*,
        row_number() over (
            partition by practice_id, patient_mrn
            order by _delivery desc, _source_file desc, _position desc
        ) as patient_rank
    from fhir_patients
),

ranked_referrals as (
    select
        practice_id,
        patient_mrn,
        birth_date,
        row_number() over (
            partition by practice_id, patient_mrn
            order by received_at desc, referral_id desc
        ) as referral_rank
    from referrals
    where patient_mrn is not null
        and birth_date is not null
),

final as (
    select
        mrns.practice_id,
        mrns.patient_mrn,
        ranked_fhir_patients.patient_resource_id,
        ranked_fhir_patients.family_name,
        ranked_fhir_patients.given_name,
        coalesce(ranked_fhir_patients.birth_date, ranked_referrals.birth_date) as birth_date,
        ranked_fhir_patients.gender,
        ranked_fhir_patients.postal_code,
        ranked_fhir_patients.patient_resource_id is not null as is_in_ehr
    from mrns
    left join ranked_fhir_patients
        on mrns.practice_id = ranked_fhir_patients.practice_id
        and mrns.patient_mrn = ranked_fhir_patients.patient_mrn
        and ranked_fhir_patients.patient_rank = 1
    left join ranked_referrals
        on mrns.practice_id = ranked_referrals.practice_id
        and mrns.patient_mrn = ranked_referrals.patient_mrn
        and ranked_referrals.referral_rank = 1
    where mrns.patient_mrn is not null
)

select * from final
