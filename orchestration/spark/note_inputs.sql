-- What the documentation checker reads for marts.note_documentation: each session's final note (as the dbt
-- Python model does on DuckDB: dbt_project/models/marts/note_documentation.py).
select
    sessions.practice_id,
    sessions.appointment_id,
    sessions.final_note_id,
    sessions.cpt_code,
    sessions.session_minutes,
    notes.note_text
from marts.fct_sessions as sessions
inner join intermediate.int_notes_resolved as notes
    on sessions.practice_id = notes.practice_id
    and sessions.final_note_id = notes.document_reference_id
where sessions.has_final_note
