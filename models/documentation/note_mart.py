"""The rows of marts.note_documentation: final progress notes checked against the documentation rulebook.

Shared by the dbt Python model (dbt_project/models/marts/note_documentation.py, on DuckDB) and the Spark build
(orchestration/spark/notes.py), so that both engines write the same rows with the same types.
"""

import multiprocessing
import pickle
import tempfile
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pyarrow as pa

from models.documentation.checker import DEFAULT_MODEL, check_notes
from models.documentation.sentences import SentenceModel, default_model
from models.documentation.rulebook import ELEMENTS

SCHEMA = pa.schema(
    [
        ("practice_id", pa.string()),
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
SLICE = 2_500  # notes a pool process checks at a time
MIN_ROWS_FOR_PROCESSES = 10_000  # below that, starting the processes (about 6 s) costs more than it saves


def checked_notes(rows, processes: int = 1) -> pa.Table:
    """The mart's rows from (practice_id, appointment_id, note_id, cpt_code, session_minutes, note_text) tuples, checked in
    `processes` processes (DuckDB's build gives the dbt model the machine's cores; Spark runs one of these per
    task, in one process). A pool's processes send back Arrow tables, not the checks: cheap to pickle. If the pool
    breaks (a process that could not start), the notes are checked here instead, with a warning."""
    rows = list(rows)
    if processes > 1 and len(rows) >= MIN_ROWS_FOR_PROCESSES:
        try:
            return _checked_in_pool(rows, processes)
        except BrokenProcessPool as error:
            warnings.warn(f"the note checker's process pool broke ({error}); checking the notes in one process",
                          RuntimeWarning, stacklevel=2)
    return pa.concat_tables([_checked_chunk(rows[begin:begin + CHUNK]) for begin in range(0, len(rows), CHUNK)]
                            or [_table([], [])])


def _checked_in_pool(rows: list, processes: int) -> pa.Table:
    with tempfile.TemporaryDirectory(prefix="lantern-notes-") as folder:
        # The trained sentence model goes to each process as a file's name, not through its start-up pipe: a
        # process that died while reading a payload bigger than the pipe would leave its parent writing forever.
        model_file = Path(folder) / "sentence_model.pkl"
        with model_file.open("wb") as handle:
            pickle.dump(default_model(), handle, protocol=pickle.HIGHEST_PROTOCOL)
        # spawn, not fork: the caller may be a threaded process (dbt runs models in threads)
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"), initializer=_load_model,
                                 initargs=(str(model_file),)) as executor:
            slices = [rows[begin:begin + SLICE] for begin in range(0, len(rows), SLICE)]
            return pa.concat_tables(list(executor.map(_checked_chunk, slices)))


_MODEL: list[SentenceModel] = []  # in a pool process: the sentence model its parent trained


def _load_model(path: str) -> None:
    with open(path, "rb") as handle:  # written by this package's parent process a moment ago
        _MODEL.append(pickle.load(handle))


def _checked_chunk(rows: list) -> pa.Table:
    notes = [(text or "", cpt or "", minutes) for _, _, _, cpt, minutes, text in rows]
    return _table(rows, check_notes(notes, _MODEL[0] if _MODEL else DEFAULT_MODEL))


def _table(rows: list, checks: list) -> pa.Table:
    columns = {name: [] for name in SCHEMA.names}
    for (practice_id, appointment_id, note_id, cpt_code, session_minutes, _), check in zip(rows, checks, strict=True):
        columns["practice_id"].append(practice_id)
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
