"""marts.note_documentation on the built small demo practice (`lantern build`, the session's shared warehouse).

The generator knows which rulebook elements it wrote into each note (`Appointment.note_elements`), and its
ground truth lists each claim's missing required elements and whether its length fits the CPT code. The
practice's simulation is replayed here (same config and seed, so the same notes) and the mart must agree with
it exactly, element by element, on every final note. Then the mart's shape (dbt enforces no contract on a
Python model, so the columns and types are checked here against its YAML) and the leadership table's note
completeness, recomputed in Python from the marts it reads.
"""

from __future__ import annotations

import csv
import random
import sys
import types
import warnings
from collections import defaultdict
from zoneinfo import ZoneInfo

import duckdb
import pytest
import yaml

from models.documentation.rulebook import ELEMENTS
from orchestration.project import DBT_PROJECT_DIR
from orchestration.warehouse.docs import duckdb_type

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def con(built_small_practice):
    connection = duckdb.connect(str(built_small_practice.warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def rows(con) -> dict[str, dict]:
    cursor = con.execute("select * from marts.note_documentation")
    names = [d[0] for d in cursor.description]
    return {record["appointment_id"]: record for record in (dict(zip(names, row)) for row in cursor.fetchall())}


@pytest.fixture(scope="module")
def simulated_appointments(built_small_practice) -> dict:
    """The small practice's appointments as the generator made them (its simulation replayed: the same calls
    in the same order as synthetic.generate.generate, up to the clinic)."""
    from synthetic.calendar import add_months
    from synthetic.clinic import ClinicSimulator
    from synthetic.generate import _Deliveries
    from synthetic.practice import make_clinicians, make_payers, make_practice

    config = built_small_practice.practice.config
    tz = ZoneInfo(config.timezone)
    rng = random.Random(config.seed)
    make_practice(config.timezone)
    sim_start = add_months(config.start, -config.burn_in_months)
    payers = make_payers(sim_start, tz)
    clinicians = make_clinicians(config.clinicians, rng, sim_start)
    clinic = ClinicSimulator(rng, tz, clinicians, payers, sim_start, _Deliveries(config, tz).as_of).run()
    return {a.appointment_id: a for a in clinic.appointments if a.note_text is not None}


def test_one_row_per_session_with_a_final_note(con, rows):
    expected = {r[0] for r in con.execute("select appointment_id from marts.fct_sessions where has_final_note")
                .fetchall()}
    assert set(rows) == expected and len(rows) > 5000
    notes = con.execute("select count(distinct note_id) from marts.note_documentation").fetchone()[0]
    assert notes == len(rows)


def test_every_element_agrees_with_what_the_generator_wrote(rows, simulated_appointments):
    compared = 0
    disagreements = []
    for appointment_id, row in rows.items():
        appointment = simulated_appointments[appointment_id]
        compared += 1
        written = appointment.note_elements
        found = {e for e in ELEMENTS if row[f"has_{e}"]}
        if found != written:
            disagreements.append((appointment_id, sorted(written), sorted(found)))
    assert compared == len(rows)  # every final note of the warehouse is one the generator wrote
    assert disagreements == []


def test_the_final_note_is_the_generators_text(con, simulated_appointments):
    texts = con.execute("""
        select s.appointment_id, n.note_text
        from marts.fct_sessions s
        inner join intermediate.int_notes_resolved n on s.final_note_id = n.document_reference_id
    """).fetchall()
    assert all(simulated_appointments[a].note_text == text for a, text in texts)


def test_missing_elements_and_length_agree_with_the_ground_truth(rows, built_small_practice):
    truth = {}
    with (built_small_practice.practice.truth / "claims.csv").open(newline="") as handle:
        for claim in csv.DictReader(handle):
            truth[claim["claim_id"]] = (set(filter(None, claim["missing_elements"].split(";"))),
                                        claim["length_fits"] == "true")
    compared = [a for a in truth if a in rows]
    assert len(compared) > 0.9 * len(truth)  # claims whose note was signed
    for appointment_id in compared:
        row = rows[appointment_id]
        missing, fits = truth[appointment_id]
        assert set(row["missing_elements"]) == missing, appointment_id
        assert row["passes_rulebook"] == (not missing)
        # 90791 and 90853 have no range: the mart says null, the generator "fits"
        assert row["length_fits_cpt"] in (fits, None) and (row["length_fits_cpt"] is None) == (
            row["cpt_code"] in ("90791", "90853")), appointment_id


def test_columns_and_types_are_the_yaml(con):
    spec = yaml.safe_load((DBT_PROJECT_DIR / "models" / "marts" / "_marts.yml").read_text())
    model = next(m for m in spec["models"] if m["name"] == "note_documentation")
    declared = [(c["name"], duckdb_type(c["data_type"]).upper()) for c in model["columns"]]
    actual = [(name, kind.upper()) for name, kind, *_ in con.execute("describe marts.note_documentation").fetchall()]
    assert actual == declared
    assert [name for name, _ in declared][:5] == ["practice_id", "appointment_id", "note_id", "cpt_code",
                                                  "session_minutes"]
    assert {f"has_{e}" for e in ELEMENTS} <= {name for name, _ in declared}


def test_leadership_note_completeness(con):
    # Recomputed here: per clinician, over the cohort patients assigned to them, their own sessions with a
    # final note of a code the rulebook lists; the share that passes. Suppressed rows stay null.
    cohort = con.execute("select patient_mrn, clinician_npi from intermediate.int_patient_cohorts_assigned "
                         "where is_adolescent and has_anxiety_disorder").fetchall()
    assigned = set(cohort)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for mrn, npi, passes in con.execute("""
            select s.patient_mrn, s.clinician_npi, d.passes_rulebook
            from marts.fct_sessions s inner join marts.note_documentation d using (appointment_id)
            where d.passes_rulebook is not null""").fetchall():
        if (mrn, npi) in assigned:
            counts[npi][0] += passes
            counts[npi][1] += 1
    table = con.execute("select clinician_npi, is_suppressed, note_completeness "
                        "from marts.leadership_adolescent_anxiety").fetchall()
    shown = [(npi, value) for npi, suppressed, value in table if not suppressed]
    assert shown  # the small practice has clinicians with 11 or more such patients
    for npi, value in shown:
        passing, checked = counts[npi]
        assert value == pytest.approx(passing / checked)
    assert all(value is None for _, suppressed, value in table if suppressed)


def test_the_mart_checked_in_two_processes_is_the_mart_checked_in_one(monkeypatch) -> None:
    from models.documentation import note_mart
    from models.documentation.sentences import read_training_notes

    notes = read_training_notes()
    rows = [("p", f"A{i:04d}", f"N{i:04d}", ("90834", "90837", "90791")[i % 3], 45.0 + i % 20, notes[i % len(notes)].text)
            for i in range(300)]
    one = note_mart.checked_notes(rows)
    monkeypatch.setattr(note_mart, "MIN_ROWS_FOR_PROCESSES", 0)
    monkeypatch.setattr(note_mart, "SLICE", 50)  # six slices for the two processes
    # A spawned process imports its parent's __main__; in a test worker that ran a Streamlit AppTest before, that is
    # the dashboards' app. The pool is the subject here, not the harness's main module.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # the pool must not have broken and fallen back
        two = note_mart.checked_notes(rows, processes=2)
    assert two.num_rows == 300 and two.schema == note_mart.SCHEMA
    assert two.equals(one)
    assert two.column("appointment_id").to_pylist() == [r[1] for r in rows]  # in the rows' order


def test_a_pool_that_cannot_start_falls_back_to_one_process_with_a_warning(monkeypatch) -> None:
    from models.documentation import note_mart
    from models.documentation.sentences import read_training_notes

    notes = read_training_notes()
    rows = [("p", f"A{i:03d}", f"N{i:03d}", "90834", 50.0, notes[i % len(notes)].text) for i in range(40)]
    monkeypatch.setattr(note_mart, "MIN_ROWS_FOR_PROCESSES", 0)
    monkeypatch.setattr(note_mart, "SLICE", 10)
    broken = types.ModuleType("__main__")
    broken.__file__ = "/nonexistent/lantern-broken-main.py"  # a spawned process dies importing it
    monkeypatch.setitem(sys.modules, "__main__", broken)
    with pytest.warns(RuntimeWarning, match="the note checker's process pool broke"):
        table = note_mart.checked_notes(rows, processes=2)
    assert table.equals(note_mart.checked_notes(rows))
