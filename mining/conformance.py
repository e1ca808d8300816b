"""Conformance of an event log to a reference model (`mining.reference_model`): fitness per variant, per case and
overall, the deviations alignments find, and how often an outcome (a first-pass denial) comes with each deviation.

pm4py runs on the variant-collapsed log only (one trace per variant, weighted by its cases, as
`mining.discovery.fitness` does); cases get their variant's figures back in DuckDB (`conformance_cases.sql`,
`conformance_outcomes.sql`), the per-variant results handed in as registered Arrow tables.

Every variant is aligned, none sampled (no top-N cut is needed): the 50-clinician, 36-month demo practice has 381
claim variants (134,038 cases) and 576 journey variants (40,613 cases); pm4py's alignments of all of them take
0.9 s and 1.5 s, the tie-broken ones below 1.0 s and 2.4 s (token replay: 0.3 s and 0.4 s). The 8-clinician test
practice has 153 and 125 variants.

Deviations are read off alignments (whatever `method` gives the fitness figures), one kind per activity and move:
- "unexpected <activity>", a log move: the activity happened where the model does not allow it (an activity the
  model does not name, such as "adjudicated: denied", is always one);
- "skipped <activity>", a model move: the model needed the activity there and the case does not have it.
An activity done out of order shows as both: skipped where it was due, unexpected where it happened.

Reproducible alignments: several alignments of a trace can be equally good (the same number of moves), and
pm4py's search picks one by the order of Python sets keyed by memory addresses, which changes from run to run (on
the test practice, a quarter of the variants came out differently between two runs). So the deviations come from
pm4py's exact Dijkstra search with costs that break the ties (`align_variants`): the alignment has the fewest
moves, as pm4py's, and among those the one that puts the deviations on the activities written earliest in the
model. A note signed after the claim was submitted reads "skipped / unexpected note signed" (the note was late),
not "claim submitted" (the claim was early); a claim with no adjudication yet reads "skipped adjudicated: paid",
the first of the choice. With `method="alignments"` the fitness figures are pm4py's own alignments', and every
variant's number of moves is checked against them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import duckdb
import pandas as pd
import pyarrow as pa

from mining.discovery import Fitness, FitnessMethod, fitness
from mining.events import NO_FILTER, EventFilter, check_relation, events_query, quote
from mining.reference_model import ReferenceModel
from mining.schema import EVENT_LOG, EventLogSchema
from mining.variants import variant_counts, variants

if TYPE_CHECKING:
    from pm4py.objects.petri_net.obj import Marking, PetriNet

MoveKind = Literal["log", "model"]
Move = tuple[MoveKind, str]  # ("log", activity): unexpected activity; ("model", activity): skipped activity

# pm4py's standard costs (pm4py.objects.petri_net.utils.align_utils), which its fitness formula divides by.
MOVE_COST = 10_000
TAU_COST = 1
SYNC_COST = 0

# The names the per-variant tables are registered under while a query reads them.
_VARIANT_FITNESS = "conformance_variant_fitness"
_VARIANT_DEVIATIONS = "conformance_variant_deviations"

PER_VARIANT_COLUMNS = ["activities", "cases", "fitness", "is_fit", "moves", "deviations"]
VARIANT_DEVIATION_COLUMNS = ["activities", "deviation", "move", "activity", "occurrences"]
DEVIATION_COLUMNS = ["deviation", "move", "activity", "cases", "share", "occurrences"]


@dataclass(frozen=True)
class Conformance:
    """The conformance of one (filtered) event log to a reference model.

    - `fitness`: pm4py's log-level figures (`mining.discovery.Fitness`, by `method`): log fitness, average trace
      fitness and percentage of fitting traces, over cases.
    - `per_variant`: activities, cases, fitness (the variant's trace fitness by `method`), is_fit, moves (the
      number of log and model moves of its alignment: its cost in pm4py's standard costs / 10,000) and
      deviations (the kinds, sorted); most frequent variant first.
    - `variant_deviations`: one row per variant and deviation kind: activities, deviation, move ('log' or
      'model'), activity, occurrences (how many times the kind occurs in one case of the variant).
    - `deviations`: one row per deviation kind: deviation, move, activity, cases (cases showing it at least
      once), share (of all cases of the log), occurrences (over all cases); most cases first.
    """

    model: ReferenceModel
    filters: EventFilter
    method: FitnessMethod
    fitness: Fitness
    per_variant: pd.DataFrame
    variant_deviations: pd.DataFrame
    deviations: pd.DataFrame


def deviation(move: Move) -> str:
    """The name of a deviation kind: "unexpected <activity>" for a log move, "skipped <activity>" for a model move."""
    kind, activity = move
    return f"unexpected {activity}" if kind == "log" else f"skipped {activity}"


def _alignment(activities: Sequence[str], net: PetriNet, initial_marking: Marking, final_marking: Marking,
               model_cost: Mapping[object, int], sync_cost: Mapping[object, int], trace_cost: Sequence[int]) -> dict:
    """pm4py's Dijkstra alignment of one activity sequence under the given costs (exact integer arithmetic)."""
    from pm4py.algo.conformance.alignments.petri_net import algorithm as alignments
    from pm4py.objects.log.obj import Event, Trace

    trace = Trace([Event({"concept:name": activity}) for activity in activities])
    parameters = {
        alignments.Parameters.PARAM_TRACE_COST_FUNCTION: list(trace_cost),
        alignments.Parameters.PARAM_MODEL_COST_FUNCTION: dict(model_cost),
        alignments.Parameters.PARAM_SYNC_COST_FUNCTION: dict(sync_cost),
        alignments.Parameters.ENABLE_BEST_WORST_COST: False,
    }
    aligned = alignments.apply(trace, net, initial_marking, final_marking, parameters=parameters,
                               variant=alignments.Variants.VERSION_DIJKSTRA_NO_HEURISTICS)
    if aligned is None:
        raise ValueError(f"the model cannot reach its final marking: no alignment for {list(activities)}")
    return aligned


def _moves(aligned: dict) -> tuple[Move, ...]:
    from pm4py.objects.petri_net.utils.align_utils import SKIP

    moves: list[Move] = []
    for log_label, model_label in aligned["alignment"]:
        if model_label == SKIP:
            moves.append(("log", log_label))
        elif log_label == SKIP and model_label is not None:
            moves.append(("model", model_label))
    return tuple(moves)


def shortest_run(net: PetriNet, initial_marking: Marking, final_marking: Marking) -> int:
    """The least number of visible steps the model needs to finish: the empty trace's alignment cost in moves
    (pm4py's "best worst cost" / 10,000, which its fitness adds to the trace's length)."""
    model_cost = {t: MOVE_COST if t.label is not None else TAU_COST for t in net.transitions}
    sync_cost = {t: SYNC_COST for t in net.transitions if t.label is not None}
    return len(_moves(_alignment((), net, initial_marking, final_marking, model_cost, sync_cost, ())))


def align_variants(
    activity_sequences: Iterable[Sequence[str]],
    net: PetriNet,
    initial_marking: Marking,
    final_marking: Marking,
    priority: Sequence[str] = (),
) -> list[tuple[Move, ...]]:
    """One optimal alignment per activity sequence, as its log and model moves in order (synchronous and silent
    moves left out): optimal for pm4py's standard costs (fewest log and model moves), and among those the one
    that puts the deviations on the activities written earliest in `priority` (see the module's docstring).

    How: the costs are numbers in base b, b larger than any move count of an optimal alignment (the trace's
    length plus the model's shortest run, + 1). A log or model move costs one top digit (b ** 2R, R the
    activities ranked) plus its own digit: the log moves of the r-th activity of `priority` (from 0) b ** 2r,
    its model moves b ** (2r + 1), so an alignment's cost spells out its number of moves, then its moves on the
    last activity, ..., on the first; activities the net has and `priority` does not rank come last (by name);
    an activity the net does not have (always a log move) costs the top digit only; silent steps and
    synchronous moves cost nothing. pm4py's Dijkstra search, on Python integers, finds the least such cost
    exactly, so the result does not depend on the order pm4py happens to visit transitions in.
    """
    labels = {t.label for t in net.transitions if t.label is not None}
    ranked = list(dict.fromkeys([*(a for a in priority if a in labels), *sorted(labels - set(priority))]))
    digit = {activity: 2 * place for place, activity in enumerate(ranked)}
    steps = shortest_run(net, initial_marking, final_marking)
    sync_cost = {t: SYNC_COST for t in net.transitions if t.label is not None}

    result = []
    for activities in activity_sequences:
        base = len(activities) + steps + 1
        move = base ** (2 * len(ranked))
        model_cost = {t: move + base ** (digit[t.label] + 1) if t.label is not None else 0 for t in net.transitions}
        trace_cost = [move + base ** digit[a] if a in digit else move for a in activities]
        result.append(_moves(_alignment(tuple(activities), net, initial_marking, final_marking,
                                        model_cost, sync_cost, trace_cost)))
    return result


def alignment_fitness(moves: int, trace_length: int, shortest_run: int) -> float:
    """pm4py's alignment fitness of one trace: 1 - cost / best worst cost, in moves: 1 - moves / (trace length +
    the least number of visible steps the model needs to finish). 0 for an empty trace of a model that needs none."""
    worst = trace_length + shortest_run
    return 1.0 - moves / worst if worst > 0 else 0.0


def _empty_fitness(method: FitnessMethod) -> Fitness:
    per_variant = pd.DataFrame({"activities": pd.Series(dtype=object), "cases": pd.Series(dtype="int64"),
                                "trace_fitness": pd.Series(dtype="float64"), "is_fit": pd.Series(dtype=bool)})
    return Fitness(method, math.nan, math.nan, math.nan, per_variant)


def deviation_table(variant_deviations: pd.DataFrame, counts: Mapping[tuple[str, ...], int]) -> pd.DataFrame:
    """One row per deviation kind (DEVIATION_COLUMNS) from the per-variant deviations and each variant's cases."""
    all_cases = sum(counts.values())
    if variant_deviations.empty:
        return pd.DataFrame({"deviation": pd.Series(dtype=object), "move": pd.Series(dtype=object),
                             "activity": pd.Series(dtype=object), "cases": pd.Series(dtype="int64"),
                             "share": pd.Series(dtype="float64"), "occurrences": pd.Series(dtype="int64")})
    rows = variant_deviations.assign(cases=[int(counts[tuple(v)]) for v in variant_deviations["activities"]])
    rows["occurrences"] = rows["occurrences"] * rows["cases"]
    table = rows.groupby(["deviation", "move", "activity"], as_index=False)[["cases", "occurrences"]].sum()
    table["share"] = table["cases"] / all_cases
    table = table.sort_values(["cases", "deviation"], ascending=[False, True], kind="stable")
    return table[DEVIATION_COLUMNS].astype({"cases": "int64", "occurrences": "int64"}).reset_index(drop=True)


def conformance_of_variants(
    counts: Mapping[tuple[str, ...], int],
    model: ReferenceModel,
    method: FitnessMethod = "alignments",
    filters: EventFilter = NO_FILTER,
    schema: EventLogSchema = EVENT_LOG,
) -> Conformance:
    """Conformance of a variant-collapsed log (activity sequence -> cases, `mining.variants.variant_counts`) to a
    reference model: fitness by `method` (`mining.discovery.fitness`), deviations by alignments."""
    if method not in ("token_based", "alignments"):
        raise ValueError(f"unknown fitness method {method!r}: token_based or alignments")
    counts = {tuple(v): int(n) for v, n in counts.items()}
    net, initial, final = model.petri_net()
    if not counts:
        return Conformance(model, filters, method, _empty_fitness(method),
                           pd.DataFrame(columns=PER_VARIANT_COLUMNS), pd.DataFrame(columns=VARIANT_DEVIATION_COLUMNS),
                           deviation_table(pd.DataFrame(columns=VARIANT_DEVIATION_COLUMNS), counts))
    figures = fitness(counts, net, initial, final, method, schema)
    aligned = align_variants(counts, net, initial, final, model.activities)

    per_variant = figures.per_variant.rename(columns={"trace_fitness": "fitness"})
    per_variant["moves"] = [len(moves) for moves in aligned]
    per_variant["deviations"] = [tuple(sorted({deviation(m) for m in moves})) for moves in aligned]
    if method == "alignments":
        # The tie-broken alignments must be as good as pm4py's own: same fitness for every variant.
        steps = shortest_run(net, initial, final)
        ours = [alignment_fitness(len(m), len(v), steps) for m, v in zip(aligned, counts, strict=True)]
        if any(not math.isclose(a, b, abs_tol=1e-12) for a, b in zip(ours, per_variant["fitness"], strict=True)):
            raise RuntimeError("tie-broken alignments disagree with pm4py's fitness")

    # One row per variant and deviation kind: a kind is one move on one activity, so the Counter groups them.
    rows = [(list(activities), deviation(move), move[0], move[1], n)
            for activities, moves in zip(counts, aligned, strict=True)
            for move, n in sorted(Counter(moves).items())]
    variant_deviations = pd.DataFrame(rows, columns=VARIANT_DEVIATION_COLUMNS)
    per_variant = per_variant.sort_values("cases", ascending=False, kind="stable").reset_index(drop=True)
    return Conformance(model, filters, method, figures, per_variant[PER_VARIANT_COLUMNS], variant_deviations,
                       deviation_table(variant_deviations, counts))


def conformance(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    model: ReferenceModel,
    filters: EventFilter = NO_FILTER,
    schema: EventLogSchema = EVENT_LOG,
    method: FitnessMethod = "alignments",
) -> Conformance:
    """Conformance of a warehouse event log (its cases kept by `filters`; for Lantern's log, `model.case_filter`
    picks the model's case type) to a reference model: the variants from SQL, then `conformance_of_variants`."""
    counts = variant_counts(variants(con, events_relation, filters, schema, money=()))
    return conformance_of_variants(counts, model, method, filters, schema)


def _variant_fitness_table(result: Conformance) -> pa.Table:
    per_variant = result.per_variant
    return pa.table({
        "activities": pa.array([list(v) for v in per_variant["activities"]], type=pa.list_(pa.string())),
        "fitness": pa.array(per_variant["fitness"].astype(float), type=pa.float64()),
        "is_fit": pa.array(per_variant["is_fit"].astype(bool), type=pa.bool_()),
    })


def _variant_deviations_table(result: Conformance) -> pa.Table:
    rows = result.variant_deviations
    return pa.table({
        "activities": pa.array([list(v) for v in rows["activities"]], type=pa.list_(pa.string())),
        "deviation": pa.array(rows["deviation"].tolist(), type=pa.string()),
    })


def _query(con: duckdb.DuckDBPyConnection, sql: str, parameters: list[object],
           tables: Mapping[str, pa.Table]) -> pd.DataFrame:
    for name, table in tables.items():
        con.register(name, table)
    try:
        return con.execute(sql, parameters).df()
    finally:
        for name in tables:
            con.unregister(name)


def case_fitness(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    result: Conformance,
    schema: EventLogSchema = EVENT_LOG,
) -> pd.DataFrame:
    """Fitness per case (`conformance_cases.sql`): case_id, fitness (its variant's trace fitness), is_fit, one row
    per case of the log under the result's filters, by case_id. Every case's variant must be in the result (the
    same log and filters): a case whose variant is missing is an error, not a silent gap."""
    query = events_query(con, events_relation, schema, result.filters)
    frame = _query(con, query.render("conformance_cases.sql"), query.parameters,
                   {_VARIANT_FITNESS: _variant_fitness_table(result)})
    unknown = frame["fitness"].isna()
    if unknown.any():
        raise ValueError(f"{int(unknown.sum())} cases of {events_relation} have a variant the conformance result "
                         f"does not hold (e.g. case {frame.loc[unknown, 'case_id'].iloc[0]!r}): another log or filter?")
    return frame.astype({"fitness": "float64", "is_fit": bool})


def deviation_outcomes(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    result: Conformance,
    outcomes_relation: str,
    key_column: str,
    flag_column: str,
    schema: EventLogSchema = EVENT_LOG,
) -> pd.DataFrame:
    """How often an outcome comes with each deviation (`conformance_outcomes.sql`), e.g. first-pass denials:
    `outcomes_relation` = marts.fct_claims, `key_column` = claim_id (the claim case's case_id), `flag_column` =
    is_denied_first_pass.

    The cases compared are those of the log (under the result's filters) whose key is in the outcome relation
    with a non-null flag (a key with several rows has the outcome when any row has it). One row per deviation
    kind shown by at least one of them: deviation; cases_with, outcome_with, rate_with (cases showing the
    deviation, how many of them have the outcome, the share that do); cases_without, outcome_without,
    rate_without (the same for the compared cases not showing it, fit ones included; rate NaN when there are
    none); most cases first.
    """
    query = events_query(con, events_relation, schema, result.filters)
    sql = query.render("conformance_outcomes.sql", outcomes=check_relation(outcomes_relation),
                       key=quote(key_column), flag=quote(flag_column))
    frame = _query(con, sql, query.parameters, {_VARIANT_DEVIATIONS: _variant_deviations_table(result)})
    return frame.astype({"cases_with": "int64", "outcome_with": "int64", "cases_without": "int64",
                         "outcome_without": "int64", "rate_with": "float64", "rate_without": "float64"})
