"""Process discovery with pm4py's inductive miner, on the variant-collapsed log, and fitness of a log against
a Petri net, for conformance work.

pm4py runs only on the variant-collapsed log (activity sequence -> number of cases, from the
warehouse's `variants` query), never on every event: the inductive miner is pm4py's own UVCL
variant (`IMUVCL`, or `IMFUVCL` with a noise threshold), which keeps the counts, so the model is
the one `pm4py.discover_petri_net_inductive` finds on the whole log. Fitness replays one trace per
variant and weights each by its number of cases, which gives pm4py's log-level figures for the
whole log.

Models are returned as data a dashboard can draw (places, transitions, arcs; BPMN nodes and flows),
with the pm4py objects kept for conformance checking.
"""

from __future__ import annotations

import hashlib
import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import duckdb
import pandas as pd

from mining.events import NO_FILTER, EventFilter
from mining.schema import EVENT_LOG, EventLogSchema
from mining.variants import variant_counts, variants

if TYPE_CHECKING:
    from pm4py.objects.bpmn.obj import BPMN
    from pm4py.objects.petri_net.obj import Marking, PetriNet

FitnessMethod = Literal["token_based", "alignments"]


@dataclass(frozen=True)
class ProcessModel:
    """A discovered model: the process tree (text), the Petri net and its BPMN as tables, and pm4py's objects."""

    tree: str
    places: pd.DataFrame  # place, initial_tokens, final_tokens
    transitions: pd.DataFrame  # transition, label (None when silent), is_silent
    arcs: pd.DataFrame  # source, target, weight (place -> transition or transition -> place)
    bpmn_nodes: pd.DataFrame  # node, name, kind (task, exclusive gateway, parallel gateway, start, end)
    bpmn_flows: pd.DataFrame  # source, target
    net: PetriNet
    initial_marking: Marking
    final_marking: Marking
    bpmn: BPMN | None = None  # pm4py's BPMN object, for its exporter


@dataclass(frozen=True)
class Fitness:
    """pm4py's log-level fitness figures for the whole log, and each variant's own."""

    method: FitnessMethod
    log_fitness: float
    average_trace_fitness: float
    percentage_of_fitting_traces: float
    per_variant: pd.DataFrame  # activities, cases, trace_fitness, is_fit


def discover_inductive(counts: Mapping[tuple[str, ...], int], noise_threshold: float = 0.0) -> ProcessModel:
    """The inductive miner (IMf when `noise_threshold` > 0) on a variant-collapsed log."""
    import pm4py
    from pm4py.algo.discovery.inductive.dtypes.im_ds import IMDataStructureUVCL
    from pm4py.algo.discovery.inductive.variants.im import IMUVCL
    from pm4py.algo.discovery.inductive.variants.imf import IMFUVCL
    from pm4py.objects.process_tree.utils.generic import fold, tree_sort

    if not counts:
        raise ValueError("no variants to discover a model from")
    # The parameters pm4py.discover_process_tree_inductive passes; multiprocessing off for a stable result.
    parameters = {"noise_threshold": noise_threshold, "multiprocessing": False, "disable_fallthroughs": False}
    miner = IMFUVCL(parameters) if noise_threshold > 0 else IMUVCL(parameters)
    tree = miner.apply(IMDataStructureUVCL(Counter(dict(counts))), parameters)
    tree = fold(tree)
    tree_sort(tree)
    net, initial, final = pm4py.convert_to_petri_net(tree)
    places, transitions, arcs = petri_net_tables(net, initial, final)
    bpmn = pm4py.convert_to_bpmn(tree)
    nodes, flows = bpmn_tables(bpmn)
    return ProcessModel(str(tree), places, transitions, arcs, nodes, flows, net, initial, final, bpmn)


def write_model(model: ProcessModel, pnml: Path, bpmn: Path) -> None:
    """Write the model with pm4py's exporters: the Petri net as PNML (ProM, WoPeD) and the BPMN as BPMN 2.0 XML
    (Camunda, bpmn.io). pm4py's BPMN layout needs the Graphviz binary, which Lantern does not install, so the
    BPMN diagram carries no positions: modelers lay it out on import; the dashboard draws the model itself."""
    import pm4py

    pm4py.write_pnml(model.net, model.initial_marking, model.final_marking, str(pnml))
    pm4py.write_bpmn(model.bpmn if model.bpmn is not None else pm4py.convert_to_bpmn(model.net, model.initial_marking,
                                                                                      model.final_marking), str(bpmn),
                     auto_layout=False)


def discover_process_model(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    filters: EventFilter = NO_FILTER,
    noise_threshold: float = 0.0,
    schema: EventLogSchema = EVENT_LOG,
) -> ProcessModel:
    """The inductive miner on a warehouse event log: its variants from SQL, then `discover_inductive`."""
    return discover_inductive(variant_counts(variants(con, events_relation, filters, schema, money=())),
                              noise_threshold)


def _element_ids(net: PetriNet) -> dict[object, str]:
    """Stable, readable ids for a net's places and transitions (pm4py names transitions with random uuids):
    a place keeps its name; a visible transition is its label; a silent one is `tau:<in places>><out places>`;
    a repeated id gets `#2`, `#3`, ..."""
    def around(t) -> tuple[str, str]:
        return (",".join(sorted(str(a.source.name) for a in t.in_arcs)),
                ",".join(sorted(str(a.target.name) for a in t.out_arcs)))

    candidates = [(str(p.name), ("", ""), p) for p in net.places]
    for t in net.transitions:
        ins, outs = around(t)
        candidates.append((t.label if t.label is not None else f"tau:{ins}>{outs}", (ins, outs), t))
    ids: dict[object, str] = {}
    seen: Counter[str] = Counter()
    for base, tie, element in sorted(candidates, key=lambda c: (c[0], c[1])):
        seen[base] += 1
        ids[element] = base if seen[base] == 1 else f"{base}#{seen[base]}"
    return ids


def petri_net_tables(
    net: PetriNet, initial: Marking, final: Marking
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A Petri net as three tables: places (with initial and final tokens), transitions, arcs."""
    ids = _element_ids(net)
    places = pd.DataFrame(
        sorted((ids[p], int(initial.get(p, 0)), int(final.get(p, 0))) for p in net.places),
        columns=["place", "initial_tokens", "final_tokens"],
    )
    transitions = pd.DataFrame(
        sorted(((ids[t], t.label, t.label is None) for t in net.transitions), key=lambda row: row[0]),
        columns=["transition", "label", "is_silent"],
    )
    arcs = pd.DataFrame(
        sorted((ids[a.source], ids[a.target], int(a.weight)) for a in net.arcs),
        columns=["source", "target", "weight"],
    )
    return places, transitions, arcs


MODEL_ELEMENT_COLUMNS = ["diagram", "element", "id", "label", "kind", "source", "target", "initial_tokens",
                         "final_tokens", "weight", "is_silent"]


def model_elements(model: ProcessModel) -> pd.DataFrame:
    """A model's Petri net and BPMN in one long table a dashboard draws from (MODEL_ELEMENT_COLUMNS): diagram
    'petri_net' (elements place, transition, arc) or 'bpmn' (elements node, flow); `id`, `label` and `kind` for
    places, transitions and nodes, `source` and `target` for arcs and flows."""
    frames = [
        model.places.rename(columns={"place": "id"}).assign(diagram="petri_net", element="place"),
        model.transitions.rename(columns={"transition": "id"}).assign(diagram="petri_net", element="transition"),
        model.arcs.assign(diagram="petri_net", element="arc"),
        model.bpmn_nodes.rename(columns={"node": "id", "name": "label"}).assign(diagram="bpmn", element="node"),
        model.bpmn_flows.assign(diagram="bpmn", element="flow"),
    ]
    table = pd.concat([frame for frame in frames if len(frame)], ignore_index=True)
    return table.reindex(columns=MODEL_ELEMENT_COLUMNS)


def _bpmn_ids(bpmn) -> dict[object, str]:
    """Stable ids for a BPMN diagram's nodes (pm4py gives each a random uuid, new at every build): a named node (a
    task, the start and end events) is its name; a gateway is its kind and a number, gateways numbered in the order
    of what surrounds them (Weisfeiler-Lehman refinement: each round, a node's signature takes in its neighbours'),
    so the same diagram gets the same ids; a repeated name gets `#2`, `#3`, ..."""
    nodes = list(bpmn.get_nodes())
    before: dict[object, list[object]] = {n: [] for n in nodes}
    after: dict[object, list[object]] = {n: [] for n in nodes}
    for flow in bpmn.get_flows():
        after[flow.get_source()].append(flow.get_target())
        before[flow.get_target()].append(flow.get_source())
    signature = {n: f"{type(n).__name__}:{n.get_name() or ''}" for n in nodes}
    for _ in nodes:
        refined = {n: hashlib.sha256("|".join([signature[n], *sorted(signature[m] for m in before[n]), ">",
                                               *sorted(signature[m] for m in after[n])]).encode()).hexdigest()
                   for n in nodes}
        settled = len(set(refined.values())) == len(set(signature.values()))
        signature = refined
        if settled:
            break
    ids: dict[object, str] = {}
    seen: Counter[str] = Counter()
    for node in sorted(nodes, key=lambda n: (type(n).__name__, n.get_name() or "", signature[n])):
        base = node.get_name() or type(node).__name__
        seen[base] += 1
        ids[node] = base if seen[base] == 1 and node.get_name() else f"{base}#{seen[base]}"
    return ids


def bpmn_tables(bpmn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A pm4py BPMN diagram as two tables: nodes (a stable id, name, kind; `_bpmn_ids`) and sequence flows
    (source, target)."""
    ids = _bpmn_ids(bpmn)
    nodes = sorted(bpmn.get_nodes(), key=lambda n: ids[n])
    table = pd.DataFrame(
        [(ids[n], n.get_name() or None, type(n).__name__) for n in nodes],
        columns=["node", "name", "kind"],
    )
    flows = pd.DataFrame(
        sorted((ids[f.get_source()], ids[f.get_target()]) for f in bpmn.get_flows()),
        columns=["source", "target"],
    )
    return table, flows


def one_case_per_variant(counts: Mapping[tuple[str, ...], int], schema: EventLogSchema = EVENT_LOG) -> pd.DataFrame:
    """The variant-collapsed log as an event frame pm4py reads: case `v000001` is the first variant, and so
    on (ids sort in variant order), events one second apart."""
    width = max(6, len(str(len(counts))))
    origin = datetime(2000, 1, 1)
    rows = [
        (f"v{number:0{width}d}", activity, origin + timedelta(seconds=position))
        for number, activities in enumerate(counts, start=1)
        for position, activity in enumerate(activities)
    ]
    frame = pd.DataFrame(rows, columns=[schema.case_id, schema.activity, schema.timestamp])
    frame[schema.case_id] = frame[schema.case_id].astype("string")
    frame[schema.activity] = frame[schema.activity].astype("string")
    return frame


def fitness(
    counts: Mapping[tuple[str, ...], int],
    net: PetriNet,
    initial_marking: Marking,
    final_marking: Marking,
    method: FitnessMethod = "token_based",
    schema: EventLogSchema = EVENT_LOG,
) -> Fitness:
    """Fitness of a variant-collapsed log (`mining.variants.variant_counts`, possibly of a filtered log or a
    stated sample) against a Petri net (a `ProcessModel`'s, or one drawn by hand), by token-based replay
    or alignments.

    Each variant is replayed once; the log-level figures are pm4py's formulas weighted by the cases:
    token-based log fitness 0.5 (1 - missing/consumed) + 0.5 (1 - remaining/produced), tokens summed
    over all cases; alignment log fitness 1 - sum(cost) / sum(best worst cost); the average trace
    fitness and the percentage of fitting traces are over cases. A variant made only of empty traces
    cannot be replayed by pm4py and must not be passed.
    """
    import pm4py

    if method not in ("token_based", "alignments"):
        raise ValueError(f"unknown fitness method {method!r}: token_based or alignments")
    variants_in_order = [tuple(v) for v in counts]
    if not variants_in_order or any(len(v) == 0 for v in variants_in_order):
        raise ValueError("fitness needs at least one non-empty variant")
    cases = [int(counts[v]) for v in variants_in_order]
    frame = one_case_per_variant(counts, schema)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)  # pm4py's alignments use numpy.matrix
        if method == "token_based":
            replayed = pm4py.conformance_diagnostics_token_based_replay(
                frame, net, initial_marking, final_marking, opt_parameters={"show_progress_bar": False},
                **schema.pm4py_keys())
        else:
            aligned = pm4py.conformance_diagnostics_alignments(
                frame, net, initial_marking, final_marking, multi_processing=False, show_progress_bar=False,
                **schema.pm4py_keys())
    if method == "token_based":
        total = {key: sum(r[key] * n for r, n in zip(replayed, cases, strict=True))
                 for key in ("missing_tokens", "consumed_tokens", "remaining_tokens", "produced_tokens")}
        log_fitness = 0.0
        if total["consumed_tokens"] > 0 and total["produced_tokens"] > 0:
            log_fitness = (0.5 * (1 - total["missing_tokens"] / total["consumed_tokens"])
                           + 0.5 * (1 - total["remaining_tokens"] / total["produced_tokens"]))
        per_trace = [(float(r["trace_fitness"]), bool(r["trace_is_fit"])) for r in replayed]
    else:
        cost = sum(a["cost"] * n for a, n in zip(aligned, cases, strict=True))
        bwc = sum(a["bwc"] * n for a, n in zip(aligned, cases, strict=True))
        log_fitness = 1.0 - cost / bwc if bwc > 0 else 0.0
        per_trace = [(float(a["fitness"]), a["fitness"] == 1.0) for a in aligned]
    per_variant = pd.DataFrame(
        [(v, n, f, fit) for v, n, (f, fit) in zip(variants_in_order, cases, per_trace, strict=True)],
        columns=["activities", "cases", "trace_fitness", "is_fit"],
    )
    all_cases = sum(cases)
    return Fitness(
        method=method,
        log_fitness=float(log_fitness),
        average_trace_fitness=float((per_variant["trace_fitness"] * per_variant["cases"]).sum() / all_cases),
        percentage_of_fitting_traces=float(100.0 * per_variant.loc[per_variant["is_fit"], "cases"].sum() / all_cases),
        per_variant=per_variant,
    )
