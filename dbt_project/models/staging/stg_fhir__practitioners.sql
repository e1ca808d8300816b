-- FHIR Practitioner: one row per resource id, with its NPI.
with

source as (
    {{ lantern.raw_source('fhir_practitioners') }}
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
        resource_id as practitioner_resource_id,
        npi as clinician_npi,
        family_name,
        given_name,
        credential,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
)

select * from final
