-- FHIR Conditions with the patient's MRN and the ICD-10 group of their code (the longest prefix
-- of the icd10_groups seed that the code starts with, compared without dots: F93.0 before F93).
with

conditions as (
    select * from {{ ref('stg_fhir__conditions') }}
),

patients as (
    select * from {{ ref('stg_fhir__patients') }}
),

groups as (
    select * from {{ ref('icd10_groups') }}
),

resolved as (
    select
        conditions.practice_id,
        conditions.condition_id,
        conditions.encounter_id,
        patients.patient_mrn,
        conditions.icd10_code,
        {{ lantern.icd10_undotted('conditions.icd10_code') }} as icd10_code_undotted,
        conditions.recorded_at
    from conditions
    left join patients
        on conditions.practice_id = patients.practice_id
        and conditions.patient_resource_id = patients.patient_resource_id
),

prefixed_groups as (
    select
        icd10_prefix,
        {{ lantern.icd10_undotted('icd10_prefix') }} as icd10_prefix_undotted,
        icd10_group,
        is_anxiety_disorder
    from groups
),

matches as (
    select
        resolved.practice_id,
        resolved.condition_id,
        prefixed_groups.icd10_prefix,
        prefixed_groups.icd10_group,
        prefixed_groups.is_anxiety_disorder,
        row_number() over (
            partition by resolved.practice_id, resolved.condition_id
            order by {{ dbt.length('prefixed_groups.icd10_prefix_undotted') }} desc
        ) as match_rank
    from resolved
    inner join prefixed_groups
        on substring(
            resolved.icd10_code_undotted, 1, {{ dbt.length('prefixed_groups.icd10_prefix_undotted') }}
        ) = prefixed_groups.icd10_prefix_undotted
),

final as (
    select
        resolved.practice_id,
        resolved.condition_id,
        resolved.encounter_id,
        resolved.patient_mrn,
        resolved.icd10_code,
        resolved.recorded_at,
        matches.icd10_prefix,
        matches.icd10_group,
        coalesce(matches.is_anxiety_disorder, false) as is_anxiety_disorder
    from resolved
    left join matches
        on resolved.practice_id = matches.practice_id
        and resolved.condition_id = matches.condition_id
        and matches.match_rank = 1
)

select * from final
