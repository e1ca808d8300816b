-- FHIR Observation: one row per resource id; only the instruments of the outcome_instruments seed
-- (PHQ-9 and GAD-7 totals) are kept, as the raw layer's description says.
with

source as (
    {{ lantern.raw_source('fhir_observations') }}
),

instruments as (
    select * from {{ ref('outcome_instruments') }}
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
        versions.resource_id as observation_id,
        versions.status as observation_status,
        versions.loinc_code,
        versions.patient_ref as patient_resource_id,
        versions.encounter_ref as encounter_id,
        versions.effective_at,
        versions.value as score,
        versions._delivery,
        versions._source_file,
        versions._position
    from versions
    where versions._version_rank = 1
        and versions.loinc_code in (select instruments.loinc_code from instruments)
)

select * from final
