-- FHIR Encounter: one row per resource id. Patient and Practitioner stay resource ids here;
-- intermediate resolves them to MRN and NPI.
with

source as (
    {{ lantern.raw_source('fhir_encounters') }}
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
        resource_id as encounter_id,
        status as encounter_status,
        class_code,
        cpt_code,
        patient_ref as patient_resource_id,
        practitioner_ref as practitioner_resource_id,
        appointment_id,
        period_start as period_start_at,
        period_end as period_end_at,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
)

select * from final
