-- Progress notes (FHIR DocumentReference) with author NPI and patient MRN resolved, and whether
-- each is a final (signed) note.
with

notes as (
    select * from {{ ref('stg_fhir__document_references') }}
),

patients as (
    select * from {{ ref('stg_fhir__patients') }}
),

practitioners as (
    select * from {{ ref('stg_fhir__practitioners') }}
),

final as (
    select
        notes.practice_id,
        notes.document_reference_id,
        notes.encounter_id,
        patients.patient_mrn,
        practitioners.clinician_npi as author_npi,
        notes.document_status,
        notes.doc_status,
        coalesce(
            notes.doc_status = 'final'
            and coalesce(notes.document_status, 'current') <> 'entered-in-error'
            and notes.signed_at is not null,
            false
        ) as is_final,
        notes.signed_at,
        notes.content_type,
        notes.note_text
    from notes
    left join patients
        on notes.practice_id = patients.practice_id
        and notes.patient_resource_id = patients.patient_resource_id
    left join practitioners
        on notes.practice_id = practitioners.practice_id
        and notes.author_resource_id = practitioners.practitioner_resource_id
)

select * from final
