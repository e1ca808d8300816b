-- FHIR Patient: one row per resource id (a resource exported again later replaces the earlier copy).
with

source as (
    {{ lantern.raw_source('fhir_patients') }}
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
        resource_id as patient_resource_id,
        mrn as patient_mrn,
        family_name,
        given_name,
        birth_date,
        lower(gender) as gender,
        postal_code,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
)

select * from final
