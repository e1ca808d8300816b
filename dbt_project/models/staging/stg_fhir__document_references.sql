-- FHIR DocumentReference: progress notes, one row per resource id (a note exported as preliminary
-- and again when signed keeps its latest copy).
with

source as (
    {{ lantern.raw_source('fhir_document_references') }}
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
        resource_id as document_reference_id,
        status as document_status,
        doc_status,
        signed_at,
        author_ref as author_resource_id,
        patient_ref as patient_resource_id,
        encounter_ref as encounter_id,
        content_type,
        note_text,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
)

select * from final
