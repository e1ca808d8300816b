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

import pyarrow as pa

from models.documentation.checker import check_notes
from models.documentation.rulebook import ELEMENTS

SCHEMA = pa.schema(
    [
        ("appointment_id", pa.string()),
        ("note_id", pa.string()),
        ("cpt_code", pa.string()),
        ("session_minutes", pa.float64()),
        *((f"has_{element}", pa.bool_()) for element in ELEMENTS),
        ("required_elements", pa.list_(pa.string())),
        ("missing_elements", pa.list_(pa.string())),
        ("length_fits_cpt", pa.bool_()),
        ("passes_rulebook", pa.bool_()),
        *((f"evidence_{element}", pa.string()) for element in ELEMENTS),
        ("model_found_elements", pa.list_(pa.string())),
        ("reviews_treatment_plan", pa.bool_()),
        ("evidence_treatment_plan_review", pa.string()),
    ]
)


CHUNK = 20_000  # notes the sentence model reads in one pass (bounds the memory of its sentence matrix)


def checked_notes(rows) -> pa.Table:
    """The mart's rows from (appointment_id, note_id, cpt_code, session_minutes, note_text) tuples."""
    columns = {name: [] for name in SCHEMA.names}
    rows = list(rows)
    checks = []
    for begin in range(0, len(rows), CHUNK):
        chunk = rows[begin:begin + CHUNK]
        checks += check_notes([(text or "", cpt or "", minutes) for _, _, cpt, minutes, text in chunk])
    for (appointment_id, note_id, cpt_code, session_minutes, _), check in zip(rows, checks, strict=True):
        columns["appointment_id"].append(appointment_id)
        columns["note_id"].append(note_id)
        columns["cpt_code"].append(cpt_code)
        columns["session_minutes"].append(session_minutes)
        for element_check in check.elements:
            columns[f"has_{element_check.element}"].append(element_check.present)
            evidence = element_check.evidence
            columns[f"evidence_{element_check.element}"].append(evidence.text if evidence is not None else None)
        columns["required_elements"].append(list(check.required_elements))
        columns["missing_elements"].append(list(check.missing_elements))
        columns["length_fits_cpt"].append(check.length_fits_cpt)
        columns["passes_rulebook"].append(check.passes_rulebook)
        columns["model_found_elements"].append([e.element for e in check.elements if e.found_by == "model"])
        review = check.treatment_plan_review
        columns["reviews_treatment_plan"].append(review is not None)
        columns["evidence_treatment_plan_review"].append(review.text if review is not None else None)
    return pa.table(columns, schema=SCHEMA)


def model(dbt, session):
    dbt.config(materialized="table")
    sessions = dbt.ref("fct_sessions").filter("has_final_note").select(
        "appointment_id, final_note_id, cpt_code, session_minutes"
    )
    notes = dbt.ref("int_notes_resolved").select("document_reference_id, note_text")
    rows = (
        sessions.join(notes, "final_note_id = document_reference_id")
        .select("appointment_id, final_note_id, cpt_code, session_minutes, note_text")
        .order("appointment_id")
        .fetchall()
    )
    return checked_notes(rows)
