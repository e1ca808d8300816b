-- PHQ-9 and GAD-7 outcomes (kpis.md) per instrument and group of patients, as marts.kpi_outcomes_clinician
-- computes them per clinician: every patient (dimension 'all'); by diagnosis group, a patient counting in every
-- group (seeds.icd10_groups, through intermediate.int_conditions_grouped) of any condition recorded for them, as
-- kpis.md counts an anxiety disorder; by age band at the first completed session (marts.dim_patients). A group of
-- fewer than 11 patients is suppressed (the CMS cell-size rule): patients_seen and every rate null, is_suppressed
-- true. Parameter: a clinician's NPI to count only their patients (a clinician viewer), or null for every patient.
with

outcomes as (
    select * from marts.kpi_outcomes_patient
    where $1::varchar is null or clinician_npi = $1::varchar
),

patients as (
    select patient_mrn, age_at_first_session from marts.dim_patients
),

conditions as (
    select distinct
        patient_mrn,
        coalesce(replace(icd10_group, '_', ' '), 'not in the ICD-10 groups') as patient_group
    from intermediate.int_conditions_grouped
),

seen as (
    select distinct patient_mrn from outcomes
),

memberships as (
    select patient_mrn, 'all' as dimension, 'all patients' as patient_group, 0 as group_order
    from seen
    union all
    select seen.patient_mrn, 'diagnosis group', coalesce(conditions.patient_group, 'no condition recorded'),
        case when conditions.patient_group is null then 2 else 1 end
    from seen
    left join conditions using (patient_mrn)
    union all
    select
        seen.patient_mrn,
        'age group',
        case
            when patients.age_at_first_session is null then 'age unknown'
            when patients.age_at_first_session < 13 then 'under 13'
            when patients.age_at_first_session <= 17 then '13-17 (adolescent)'
            when patients.age_at_first_session <= 25 then '18-25'
            when patients.age_at_first_session <= 44 then '26-44'
            when patients.age_at_first_session <= 64 then '45-64'
            else '65 and over'
        end,
        case
            when patients.age_at_first_session is null then 9
            when patients.age_at_first_session < 13 then 1
            when patients.age_at_first_session <= 17 then 2
            when patients.age_at_first_session <= 25 then 3
            when patients.age_at_first_session <= 44 then 4
            when patients.age_at_first_session <= 64 then 5
            else 6
        end
    from seen
    left join patients using (patient_mrn)
),

by_group as (
    select
        outcomes.instrument,
        memberships.dimension,
        memberships.patient_group,
        memberships.group_order,
        count(*) as patients_seen,
        count(*) filter (where outcomes.is_measurable) as measurable_patients,
        count(*) filter (where outcomes.is_reliably_improved) as reliably_improved_patients,
        count(outcomes.is_response) as severe_measurable_patients,
        count(*) filter (where outcomes.is_response) as responding_patients,
        count(*) filter (where outcomes.is_remission) as remitted_patients
    from outcomes
    inner join memberships using (patient_mrn)
    group by all
),

final as (
    select
        instrument,
        dimension,
        patient_group,
        patients_seen < 11 as is_suppressed,
        case when patients_seen >= 11 then patients_seen end as patients_seen,
        case when patients_seen >= 11 then measurable_patients * 1.0 / patients_seen end as share_measurable,
        case when patients_seen >= 11 then reliably_improved_patients * 1.0 / nullif(measurable_patients, 0) end
            as reliable_improvement_rate,
        case when patients_seen >= 11 then responding_patients * 1.0 / nullif(severe_measurable_patients, 0) end
            as response_rate,
        case when patients_seen >= 11 then remitted_patients * 1.0 / nullif(severe_measurable_patients, 0) end
            as remission_rate,
        group_order
    from by_group
)

select * from final
order by instrument, dimension, group_order, patients_seen desc nulls last, patient_group
