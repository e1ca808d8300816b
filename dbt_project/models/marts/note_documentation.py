"""marts.note_documentation: every final progress note checked against the documentation rulebook of kpis.md.

One row per session with a final (signed) note, keyed by appointment_id: the note is the Encounter's first
signed DocumentReference (fct_sessions.final_note_id), its CPT code and length are the session's. The check is
models.documentation.checker.check_notes (word lists, and a sentence model for the open-ended elements): has_<element> per rulebook element, the CPT code's required elements,
the missing ones, whether the Encounter's length fits the code's minutes, whether the note passes (every required
element present; the length is not part of passing), the evidence text of each element found, and whether the
note documents a treatment-plan review in its session (not a rulebook element: the payers' review interval reads
it, see int_treatment_plan_reviews_as_of).

A Python model because the checker is Python; it reads the two tables it needs through dbt.ref and returns an
Arrow table whose types are the YAML's.
"""

import os

from models.documentation.note_mart import checked_notes


def model(dbt, session):
    dbt.config(materialized="table")
    sessions = dbt.ref("fct_sessions").filter("has_final_note").select(
        "practice_id, appointment_id, final_note_id, cpt_code, session_minutes"
    )
    notes = dbt.ref("int_notes_resolved").select("practice_id as note_practice_id, document_reference_id, note_text")
    rows = (
        sessions.join(notes, "practice_id = note_practice_id and final_note_id = document_reference_id")
        .select("practice_id, appointment_id, final_note_id, cpt_code, session_minutes, note_text")
        .order("practice_id, appointment_id")
        .fetchall()
    )
    # the machine's cores for the word lists (at most 4: beyond that the sentence model's pass dominates)
    return checked_notes(rows, processes=max(1, min(4, os.cpu_count() or 1)))
