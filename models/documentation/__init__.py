"""The documentation checker: a progress note against the documentation rulebook of kpis.md.

`rulebook` holds the rulebook as data, `cues` the words that state each element, `checker` the logic
(`check_note`). Pure: no I/O; the warehouse's `marts.note_documentation` runs it over every final note.
"""
