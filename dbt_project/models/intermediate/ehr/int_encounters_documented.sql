-- One row per Encounter with its final progress note (the first signed one, when a note was
-- amended) and the note lag: hours from the Encounter's period.end to that note's date (kpis.md).
with

encounters as (
    select * from {{ ref('int_encounters_resolved') }}
),

notes as (
    select * from {{ ref('int_notes_resolved') }}
),

final_notes as (
    select
        practice_id,
        encounter_id,
        document_reference_id,
        signed_at,
        row_number() over (
            partition by practice_id, encounter_id
            order by signed_at, document_reference_id
        ) as final_note_number,
        count(*) over (partition by practice_id, encounter_id) as final_note_count
    from notes
    where is_final
        and encounter_id is not null
),

first_final_notes as (
    select * from final_notes
    where final_note_number = 1
),

final as (
    select
        encounters.practice_id,
        encounters.encounter_id,
        encounters.appointment_id,
        encounters.encounter_status,
        encounters.class_code,
        encounters.cpt_code,
        encounters.patient_mrn,
        encounters.clinician_npi,
        encounters.period_start_at,
        encounters.period_end_at,
        encounters.session_minutes,
        first_final_notes.document_reference_id as final_note_id,
        first_final_notes.signed_at as note_signed_at,
        coalesce(first_final_notes.final_note_count, 0) as final_note_count,
        first_final_notes.document_reference_id is not null as has_final_note,
        {{ lantern.hours_between('encounters.period_end_at', 'first_final_notes.signed_at') }} as note_lag_hours
    from encounters
    left join first_final_notes
        on encounters.practice_id = first_final_notes.practice_id
        and encounters.encounter_id = first_final_notes.encounter_id
)

select * from final
