"""Conformance against the reference models (mining.reference_model, mining.conformance): alignment fitness,
deviations, per-case fitness and outcome rates worked out by hand on hand-made logs; the reference models
against hand-made claims and journeys; and on the built small practice, the happy path fits and a denial does not.

Alignment fitness, pm4py's standard costs: 1 - moves / (trace length + the model's shortest run), a move being a
log move (an event the model cannot take there) or a model move (a step the model needs and the trace lacks),
each costing 10,000 (silent steps 1, ignored by the division); the log fitness is 1 - sum of moves / sum of
(trace length + shortest run), over cases.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from datetime import datetime, timedelta

import duckdb
import pandas as pd
import pytest

from mining.conformance import (
    DEVIATION_COLUMNS,
    align_variants,
    alignment_fitness,
    case_fitness,
    conformance,
    conformance_of_variants,
    deviation_outcomes,
    shortest_run,
)
from mining.events import NO_FILTER, EventFilter
from mining.reference_model import CLAIM, JOURNEY, MODELS, ReferenceModel, choice, sequence
from orchestration.project import DBT_PROJECT_DIR

pm4py = pytest.importorskip("pm4py")

# ----------------------------------------------------------------------------- a tiny model and log
#
# Model: a, then b or c, then d. Shortest run: a, b, d = 3 visible steps.
TINY = ReferenceModel(name="tiny", case_type="t", tree=sequence("a", choice("b", "c"), "d"))

# case -> activities in order. c5's b and x share a timestamp; event_order puts b first.
# z1 is of another case type: the filter leaves it out.
#
#   case  trace        moves                         fitness = 1 - moves / (length + 3)
#   c1    a b d        none                          1
#   c2    a c d        none                          1
#   c3    a b d        none                          1
#   c4    a d          skipped b (b or c: b is       1 - 1/5 = 0.8
#                      written first, see below)
#   c5    a b x d      unexpected x                  1 - 1/7 = 6/7
#   c6    a x b x d    unexpected x, unexpected x    1 - 2/8 = 0.75
#
# Log fitness: 1 - (0 + 0 + 0 + 1 + 1 + 2) / (6 + 6 + 6 + 5 + 7 + 8) = 1 - 4/38 = 17/19.
# Average trace fitness: (3 + 0.8 + 6/7 + 0.75) / 6; fitting cases: 3 of 6 = 50 %.
TRACES = {
    "c1": ["a", "b", "d"],
    "c2": ["a", "c", "d"],
    "c3": ["a", "b", "d"],
    "c4": ["a", "d"],
    "c5": ["a", "b", "x", "d"],
    "c6": ["a", "x", "b", "x", "d"],
}
OTHER = {"z1": ["q"]}
TINY_FILTER = EventFilter(equals={"case_type": "t"})
EXPECTED_CASE_FITNESS = {"c1": 1.0, "c2": 1.0, "c3": 1.0, "c4": 0.8, "c5": 6 / 7, "c6": 0.75}


def _log_rows() -> list[tuple]:
    rows = []
    start = datetime(2024, 1, 1, 9)
    for number, (case_id, trace) in enumerate({**TRACES, **OTHER}.items()):
        case_type = "t" if case_id in TRACES else "other"
        for order, activity in enumerate(trace, start=1):
            at = start + timedelta(days=number, hours=order)
            if case_id == "c5" and activity == "x":
                at -= timedelta(hours=1)  # the same instant as b: event_order decides
            rows.append((case_id, case_type, activity, at, order))
    return rows


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    frame = pd.DataFrame(_log_rows(), columns=["case_id", "case_type", "activity", "event_at", "event_order"])
    connection.execute("create table events as select * from frame")
    # Outcomes keyed by claim_id: c2's flag is unknown (left out), c99 is not in the log (left out).
    connection.execute("""
        create table outcomes as select * from (values
            ('c1', false), ('c2', null), ('c3', true), ('c4', true), ('c5', true), ('c6', false), ('c99', true)
        ) as t(claim_id, denied)""")
    yield connection
    connection.close()


def test_alignment_fitness_overall_and_per_variant(con):
    result = conformance(con, "events", TINY, TINY_FILTER)

    assert result.fitness.method == "alignments"
    assert result.fitness.log_fitness == pytest.approx(17 / 19)
    assert result.fitness.average_trace_fitness == pytest.approx((3 + 0.8 + 6 / 7 + 0.75) / 6)
    assert result.fitness.percentage_of_fitting_traces == pytest.approx(50.0)
    per_variant = {tuple(row.activities): row for row in result.per_variant.itertuples()}
    assert {v: (row.cases, round(row.fitness, 12), row.is_fit, row.moves, row.deviations)
            for v, row in per_variant.items()} == {
        ("a", "b", "d"): (2, 1.0, True, 0, ()),
        ("a", "c", "d"): (1, 1.0, True, 0, ()),
        ("a", "d"): (1, 0.8, False, 1, ("skipped b",)),
        ("a", "b", "x", "d"): (1, round(6 / 7, 12), False, 1, ("unexpected x",)),
        ("a", "x", "b", "x", "d"): (1, 0.75, False, 2, ("unexpected x",)),
    }
    assert list(result.per_variant["cases"]) == [2, 1, 1, 1, 1]  # most frequent first


def test_deviation_table_counts_cases_and_occurrences(con):
    result = conformance(con, "events", TINY, TINY_FILTER)

    # unexpected x: c5 (once) and c6 (twice): 2 cases of 6, 3 occurrences. skipped b: c4 only.
    assert result.deviations.columns.tolist() == DEVIATION_COLUMNS
    assert result.deviations.to_dict("records") == [
        {"deviation": "unexpected x", "move": "log", "activity": "x", "cases": 2, "share": 2 / 6, "occurrences": 3},
        {"deviation": "skipped b", "move": "model", "activity": "b", "cases": 1, "share": 1 / 6, "occurrences": 1},
    ]


def test_token_based_fitness_keeps_the_alignment_deviations(con):
    result = conformance(con, "events", TINY, TINY_FILTER, method="token_based")

    # Places: source -a-> p1 -(b|c)-> p2 -d-> sink. pm4py's token replay skips events whose activity the
    # model lacks (x), so every trace but a d replays cleanly: produced 4 (the initial token, a, b|c, d),
    # consumed 4 (a, b|c, d, the final token). a d: produced 3, consumed 3, 1 missing (d's token in p2), 1
    # remaining (in p1): 0.5 (1 - 1/3) + 0.5 (1 - 1/3) = 2/3.
    # Log: produced = consumed = 5 x 4 + 3 = 23, 1 missing, 1 remaining: 1 - 1/23 = 22/23.
    assert result.fitness.method == "token_based"
    assert result.fitness.log_fitness == pytest.approx(22 / 23)
    assert result.fitness.average_trace_fitness == pytest.approx((5 + 2 / 3) / 6)
    assert result.fitness.percentage_of_fitting_traces == pytest.approx(100 * 5 / 6)
    fit = dict(zip(result.per_variant["activities"], result.per_variant["is_fit"], strict=True))
    assert fit[("a", "b", "x", "d")] and not fit[("a", "d")]
    # The deviations still come from alignments: x is a deviation even where token replay fits.
    assert result.deviations["deviation"].tolist() == ["unexpected x", "skipped b"]


def test_case_fitness_joins_each_case_to_its_variant(con):
    result = conformance(con, "events", TINY, TINY_FILTER)

    cases = case_fitness(con, "events", result)

    assert cases.columns.tolist() == ["case_id", "fitness", "is_fit"]
    assert cases["case_id"].tolist() == ["c1", "c2", "c3", "c4", "c5", "c6"]  # z1 is filtered out
    assert dict(zip(cases["case_id"], cases["fitness"], strict=True)) == pytest.approx(EXPECTED_CASE_FITNESS)
    assert dict(zip(cases["case_id"], cases["is_fit"], strict=True)) == {
        "c1": True, "c2": True, "c3": True, "c4": False, "c5": False, "c6": False}


def test_case_fitness_refuses_cases_whose_variant_it_does_not_know(con):
    result = conformance(con, "events", TINY, TINY_FILTER)

    with pytest.raises(ValueError, match="1 cases of events have a variant"):
        case_fitness(con, "events", dataclasses.replace(result, filters=NO_FILTER))  # z1's "q" is unknown


def test_outcome_rates_with_and_without_each_deviation(con):
    result = conformance(con, "events", TINY, TINY_FILTER)

    rates = deviation_outcomes(con, "events", result, "outcomes", "claim_id", "denied")

    # Compared: c1 (no), c3 (yes), c4 (yes), c5 (yes), c6 (no): 5 cases, 3 with the outcome.
    # unexpected x: c5, c6 -> 1 of 2; without: c1, c3, c4 -> 2 of 3.
    # skipped b:    c4     -> 1 of 1; without: c1, c3, c5, c6 -> 2 of 4.
    assert rates.to_dict("records") == [
        {"deviation": "unexpected x", "cases_with": 2, "outcome_with": 1, "rate_with": 0.5,
         "cases_without": 3, "outcome_without": 2, "rate_without": pytest.approx(2 / 3)},
        {"deviation": "skipped b", "cases_with": 1, "outcome_with": 1, "rate_with": 1.0,
         "cases_without": 4, "outcome_without": 2, "rate_without": 0.5},
    ]


def test_outcome_rates_a_key_with_several_rows_has_the_outcome_when_any_has(con):
    result = conformance(con, "events", TINY, TINY_FILTER)
    con.execute("insert into outcomes values ('c6', true)")  # c6: false and true -> true

    rates = deviation_outcomes(con, "events", result, "outcomes", "claim_id", "denied").set_index("deviation")

    # Compared: c1 no, c3, c4, c5, c6 yes. unexpected x: c5, c6 -> 2 of 2; without: c1, c3, c4 -> 2 of 3.
    assert rates.loc["unexpected x", ["cases_with", "outcome_with", "cases_without", "outcome_without"]].tolist() \
        == [2, 2, 3, 2]
    # skipped b: c4 -> 1 of 1; without: c1, c3, c5, c6 -> 3 of 4.
    assert rates.loc["skipped b", ["outcome_with", "outcome_without", "rate_without"]].tolist() == [1, 3, 0.75]


def test_outcome_rate_without_is_nan_when_every_case_shows_the_deviation(con):
    con.execute("create table ones as select * from events where case_id = 'c6'")
    result = conformance(con, "ones", TINY)

    rates = deviation_outcomes(con, "ones", result, "outcomes", "claim_id", "denied")

    assert rates[["deviation", "cases_with", "outcome_with", "cases_without"]].values.tolist() == [
        ["unexpected x", 1, 0, 0]]
    assert math.isnan(rates.loc[0, "rate_without"])


def test_an_empty_log_gives_empty_tables(con):
    result = conformance(con, "events", TINY, EventFilter(equals={"case_type": "none"}))

    assert result.per_variant.empty and result.deviations.empty and result.variant_deviations.empty
    assert math.isnan(result.fitness.log_fitness)
    assert case_fitness(con, "events", result).empty


# ----------------------------------------------------------------------------- ties between equal alignments


def test_ties_put_the_deviation_on_the_activity_written_first():
    net, initial, final = TINY.petri_net()
    # a d: skipping b or c costs the same; b is written first. a c b d: b or c is the extra event; b again.
    assert align_variants([("a", "d"), ("a", "c", "b", "d")], net, initial, final, TINY.activities) == [
        (("model", "b"),), (("log", "b"),)]
    # Written the other way round, the other one.
    assert align_variants([("a", "d")], net, initial, final, ("a", "c", "b", "d")) == [(("model", "c"),)]


def test_a_note_signed_after_submission_is_a_late_note_not_an_early_claim():
    counts = {("session held", "claim submitted", "note signed", "277CA: accepted", "adjudicated: paid",
               "claim closed"): 1}
    result = conformance_of_variants(counts, CLAIM)
    # Moving "claim submitted" instead would also take 2 moves; the note is written first in the model.
    assert result.per_variant.loc[0, "deviations"] == ("skipped note signed", "unexpected note signed")


def test_alignment_fitness_formula():
    assert alignment_fitness(moves=2, trace_length=6, shortest_run=5) == 1 - 2 / 11
    assert alignment_fitness(moves=0, trace_length=0, shortest_run=0) == 0.0


# ----------------------------------------------------------------------------- the reference models


def _seed() -> list[dict]:
    with open(DBT_PROJECT_DIR / "seeds" / "event_activities.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.case_type)
def test_a_model_names_only_its_case_types_activities_and_none_of_its_deviations(model):
    seed = [row for row in _seed() if row["case_type"] == model.case_type]
    assert set(model.activities) <= {row["activity"] for row in seed}
    marked_deviations = {row["activity"] for row in seed if "deviation" in row["description"].lower()}
    assert marked_deviations  # the seed marks some
    assert not set(model.activities) & marked_deviations
    # The text is pm4py's own format: it reads back as written.
    assert str(pm4py.parse_process_tree(model.tree)) == model.tree


def test_shortest_runs_of_the_models():
    # Claim: session held, note signed, claim submitted, one adjudication, claim closed.
    assert shortest_run(*CLAIM.petri_net()) == 5
    # Journey: referral received, first contact, intake sent, intake completed, booked, eligibility, session.
    assert shortest_run(*JOURNEY.petri_net()) == 7


SH, NS, CS, ACC, PAID = "session held", "note signed", "claim submitted", "277CA: accepted", "adjudicated: paid"
PB, PP, CLOSED = "patient billed", "patient paid", "claim closed"

# trace -> (fitness, deviations); shortest run 5, so fitness = 1 - moves / (length + 5).
CLAIM_CASES = {
    (SH, NS, CS, ACC, PAID, CLOSED): (1.0, ()),
    (SH, PP, NS, CS, ACC, PAID, PB, CLOSED): (1.0, ()),  # copay at the session
    (SH, NS, CS, ACC, "adjudicated: patient responsibility", PB, PP, PP, CLOSED): (1.0, ()),  # installments
    (SH, NS, CS, "adjudicated: partially paid", CLOSED): (1.0, ()),  # no 277CA
    # A denial written off: 4 moves of 6 + 5.
    (SH, NS, CS, ACC, "adjudicated: denied", "claim written off"): (
        1 - 4 / 11, ("skipped adjudicated: paid", "skipped claim closed", "unexpected adjudicated: denied",
                     "unexpected claim written off")),
    # A 277CA rejection and the claim sent again: 2 moves of 8 + 5.
    (SH, NS, CS, "277CA: rejected", "claim re-sent", ACC, PAID, CLOSED): (
        1 - 2 / 13, ("unexpected 277CA: rejected", "unexpected claim re-sent")),
    # Open: submitted, nothing back yet: 2 moves of 3 + 5.
    (SH, NS, CS): (1 - 2 / 8, ("skipped adjudicated: paid", "skipped claim closed")),
}

RR, FC, IS, IC = "referral received", "first contact", "intake sent", "intake completed"
FAB, EV, FSH = "first appointment booked", "eligibility verified", "first session held"
AR, AA = "authorization requested", "authorization approved"

# trace -> (fitness, deviations); shortest run 7, so fitness = 1 - moves / (length + 7).
JOURNEY_CASES = {
    (RR, FC, IS, IC, FAB, EV, FSH): (1.0, ()),
    (RR, FC, IS, IC, EV, FAB, FSH): (1.0, ()),  # eligibility before booking: in parallel
    (RR, FC, IS, IC, AR, FAB, EV, AA, FSH): (1.0, ()),  # authorization around the booking
    # Lost after first contact: 1 unexpected + 5 skipped of 3 + 7.
    (RR, FC, "referral lost"): (1 - 6 / 10, ("skipped eligibility verified", "skipped first appointment booked",
                                             "skipped first session held", "skipped intake completed",
                                             "skipped intake sent", "unexpected referral lost")),
    # A no-show and a rebooking: 2 moves of 9 + 7.
    (RR, FC, IS, IC, FAB, EV, "appointment no-show", "appointment rebooked", FSH): (
        1 - 2 / 16, ("unexpected appointment no-show", "unexpected appointment rebooked")),
    # No eligibility check: 1 move of 6 + 7.
    (RR, FC, IS, IC, FAB, FSH): (1 - 1 / 13, ("skipped eligibility verified",)),
}


@pytest.mark.parametrize(("model", "expected"), [(CLAIM, CLAIM_CASES), (JOURNEY, JOURNEY_CASES)],
                         ids=["claim", "patient_journey"])
def test_the_reference_models_on_hand_made_cases(model, expected):
    result = conformance_of_variants(dict.fromkeys(expected, 1), model)

    got = {tuple(row.activities): (row.fitness, row.deviations) for row in result.per_variant.itertuples()}
    assert got.keys() == expected.keys()
    for trace, (fitness, deviations) in expected.items():
        assert got[trace][0] == pytest.approx(fitness), trace
        assert got[trace][1] == deviations, trace


# ----------------------------------------------------------------------------- the built small practice

HAPPY_CLAIM_VARIANTS = [
    " > ".join(trace) for trace, (fitness, _) in CLAIM_CASES.items() if fitness == 1.0
] + [" > ".join((SH, NS, CS, ACC, PAID, PB, PP, CLOSED))]


@pytest.fixture(scope="module")
def warehouse(built_small_practice):
    connection = duckdb.connect(str(built_small_practice.warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.mark.slow
def test_claims_of_the_small_practice_happy_path_fits_and_denials_do_not(warehouse):
    result = conformance(warehouse, "marts.event_log", CLAIM, CLAIM.case_filter)
    cases = case_fitness(warehouse, "marts.event_log", result)
    warehouse.register("case_fitness", cases)
    try:
        happy = warehouse.execute("""
            select c.variant, count(*), count(*) filter (where f.fitness = 1.0 and f.is_fit)
            from marts.event_log_cases c join case_fitness f using (case_id)
            where c.case_type = 'claim' and c.variant in (select unnest(?::varchar[]))
            group by c.variant""", [HAPPY_CLAIM_VARIANTS]).fetchall()
        denied = warehouse.execute("""
            select count(*), count(*) filter (where not f.is_fit), count(*) filter (where f.fitness < 1.0)
            from marts.fct_claims c join case_fitness f on f.case_id = c.claim_id
            where c.is_denied_first_pass""").fetchall()[0]
        all_cases = warehouse.execute(
            "select count(*) from marts.event_log_cases where case_type = 'claim'").fetchall()[0][0]
    finally:
        warehouse.unregister("case_fitness")

    assert len(cases) == all_cases
    main_happy_path = " > ".join((SH, NS, CS, ACC, PAID, CLOSED))
    assert main_happy_path in {variant for variant, _, _ in happy}
    assert all(n > 0 and fit == n for _, n, fit in happy), happy
    assert denied[0] > 0 and denied[1] == denied[0] and denied[2] == denied[0]
    # With alignments, a variant fits exactly when its alignment has no move.
    assert (result.per_variant["is_fit"] == (result.per_variant["moves"] == 0)).all()


@pytest.mark.slow
def test_claim_deviations_of_the_small_practice_agree_with_the_events(warehouse):
    result = conformance(warehouse, "marts.event_log", CLAIM, CLAIM.case_filter)
    denials = result.deviations.set_index("deviation").loc["unexpected adjudicated: denied"]
    cases, events = warehouse.execute("""
        select count(distinct case_id), count(*) from marts.event_log
        where case_type = 'claim' and activity = 'adjudicated: denied'""").fetchall()[0]
    # "adjudicated: denied" is not in the model: every one is a log move.
    assert (denials["cases"], denials["occurrences"]) == (cases, events)

    rates = deviation_outcomes(warehouse, "marts.event_log", result, "marts.fct_claims", "claim_id",
                               "is_denied_first_pass").set_index("deviation")
    claims, first_pass_denials = warehouse.execute("""
        select count(*), count(*) filter (where is_denied_first_pass) from marts.fct_claims
        where claim_id in (select case_id from marts.event_log where case_type = 'claim')""").fetchall()[0]
    row = rates.loc["unexpected adjudicated: denied"]
    assert row["cases_with"] + row["cases_without"] == claims
    # A first-pass denial is an "adjudicated: denied" event: none is without one.
    assert (row["outcome_with"], row["outcome_without"]) == (first_pass_denials, 0)


@pytest.mark.slow
def test_journeys_of_the_small_practice_happy_path_fits(warehouse):
    result = conformance(warehouse, "marts.event_log", JOURNEY, JOURNEY.case_filter)
    per_variant = {tuple(v): f for v, f in zip(result.per_variant["activities"], result.per_variant["fitness"],
                                                strict=True)}
    assert per_variant[(RR, FC, IS, IC, FAB, EV, FSH)] == 1.0
    assert result.per_variant.loc[0, "activities"] == (RR, FC, IS, IC, FAB, EV, FSH)  # the most frequent journey
