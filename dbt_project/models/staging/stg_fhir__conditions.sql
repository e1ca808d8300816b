-- FHIR Condition: one row per resource id, with its ICD-10-CM code.
with

source as (
    {{ lantern.raw_source('fhir_conditions') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

versions as (
    {{ lantern.latest_version('first_copies', 'resource_id', '_delivery') }}
    where _copy_rank = 1
),

final as (
    select
        practice_id,
        resource_id as condition_id,
        patient_ref as patient_resource_id,
        encounter_ref as encounter_id,
        upper(trim(icd10_code)) as icd10_code,
        recorded_at,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
)

select * from final
