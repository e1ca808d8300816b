"""The documentation checker: a progress note against the documentation rulebook of kpis.md.

`rulebook` holds the rulebook as data, `cues` the words that state each element, `checker` the logic
(`check_note`, `check_notes`), `sentences` the sentence model that reads the open-ended elements the word
lists miss (trained once per process from the labelled notes in `training_notes/`, its only I/O), and
`plan_review` whether a note documents a treatment-plan review. The warehouse's `marts.note_documentation`
runs it over every final note.
"""
