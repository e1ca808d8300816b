"""The mining asset: the process map and the variants of `marts.event_log`, per case type, as warehouse tables
(`marts.mining_dfg`, `marts.mining_start_end`, `marts.mining_variants`) and XES files.

The analyses are `mining.dfg.process_map` and `mining.variants.variants`, run in DuckDB on one case type
at a time: each case type gets a view of its own (`marts.mining_events_<case_type>`, since case ids are
unique only within a case type) and its directly-follows pairs prepared once
(`marts.mining_pairs_<case_type>`, see `mining.dfg.prepare_pairs`), which is what a dashboard's filtered
map reads (`case_type_log`). `mine_event_log` writes the results and is what the tests run. Each run replaces the tables'
contents. The XES file of a case type (pm4py's own exporter) holds the full log when it has fewer than
`FULL_LOG_MAX_EVENTS` events, with each case's patient as the trace attribute `patient`, else the
variant-collapsed log (one case per variant, with the variant's number of cases as the trace attribute `cases`).
Given the practice's secret (ExportsResource), every export is written a second time into
`<exports>/pseudonymised/` for the analyst role, with pseudonyms (mining.pseudonyms) for the case ids, patients,
object and event ids: an XES file from the same frame, the OCEL file from the document pm4py wrote
(mining.ocel.write_pseudonymised_ocel).
"""


import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template

import duckdb
import pandas as pd
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from mining.bottlenecks import Bottlenecks, bottlenecks
from mining.conformance import Conformance, case_fitness, conformance, deviation_outcomes
from mining.dfg import PreparedPairs, prepare_pairs, process_map
from mining.discovery import discover_inductive, fitness, model_elements, one_case_per_variant
from mining.events import check_relation, events_frame, relation_columns
from mining.schema import EVENT_LOG, PM4PY_ACTIVITY, PM4PY_CASE_ID, PM4PY_TIMESTAMP, EventLogSchema
from mining.ocel import OcelExport, write_ocel
from mining.pseudonyms import CASE_ID_KINDS, Pseudonymiser, pseudonymise_frame
from mining.reference_model import MODELS
from mining.rework import HOURLY_RATE, MINUTES_PER_REWORK, rework
from mining.variants import variant_counts, variants
from orchestration.resources import ExportsResource, WarehouseResource
from orchestration.transactions import registered, transaction

EVENT_LOG_RELATION = "marts.event_log"
EVENT_LOG_KEY = AssetKey(["marts", "event_log"])
CASE_TYPES = ("patient_journey", "claim")
REFERENCE_MODELS = {model.case_type: model for model in MODELS}
FULL_LOG_MAX_EVENTS = 300_000  # below this, the XES file holds every event; from it on, one case per variant
TOP_VARIANTS = 5
PATIENT_COLUMN = "patient_mrn"  # the event log's patient, a trace attribute of the full XES logs
XES_PATIENT = "case:patient"  # pm4py writes a case: column as the trace attribute after the colon
OCEL_FILE = "event_log.jsonocel"  # OCEL 2.0 JSON, the recent cases of both notions (mining.ocel.write_ocel)
TABLES = ("marts.mining_dfg", "marts.mining_start_end", "marts.mining_variants", "marts.mining_bottleneck_edges",
          "marts.mining_bottleneck_activities", "marts.mining_rework", "marts.mining_conformance",
          "marts.mining_conformance_cases", "marts.mining_deviations", "marts.mining_models",
          "marts.mining_model_elements")
# The inductive miner's noise threshold for the discovered model the dashboard draws beside the reference model:
# IMf keeps the behaviour of most cases and leaves out rare detours (pm4py's customary 0.2).
DISCOVERY_NOISE_THRESHOLD = 0.2
# A claim case's outcome for the deviations' denial rates: its first-pass denial (kpis.md), keyed by CLM01.
CLAIM_OUTCOMES = ("marts.fct_claims", "claim_id", "is_denied_first_pass")
FCT_CLAIMS_KEY = AssetKey(["marts", "fct_claims"])
CLAIM_DEVIATIONS_KEY = AssetKey(["marts", "fct_claim_deviations"])


@dataclass(frozen=True)
class CaseTypeLog:
    """One case type's log in the warehouse: a view of marts.event_log, and the pairs prepared from it."""

    case_type: str
    relation: str
    pairs: PreparedPairs


@dataclass
class CaseTypeMining:
    case_type: str
    dfg: pd.DataFrame
    start_end: pd.DataFrame
    variants: pd.DataFrame
    bottlenecks: Bottlenecks
    rework: pd.DataFrame
    conformance: Conformance
    conformance_cases: pd.DataFrame
    deviations: pd.DataFrame
    models: pd.DataFrame  # the discovered and the reference model: name, tree, fitness
    model_elements: pd.DataFrame  # their Petri nets and BPMN diagrams (mining.discovery.model_elements)
    events: int
    xes_path: Path | None = None
    xes_log: str = "none"  # "full", "variants" (one case per variant) or "none" (no cases)
    pseudonymised_xes_path: Path | None = None  # the analyst role's copy (pseudonymised_xes)


@dataclass
class MiningResult:
    by_case_type: list[CaseTypeMining]
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written
    ocel: OcelExport | None = None


def _sql(name: str) -> str:
    return resources.files("orchestration.mining").joinpath(name).read_text(encoding="utf-8")


def case_type_log(case_type: str) -> CaseTypeLog:
    """Where the mining asset leaves one case type's log and its prepared directly-follows pairs."""
    if case_type not in CASE_TYPES:
        raise ValueError(f"unknown case type {case_type!r}: one of {', '.join(CASE_TYPES)}")
    view = f"marts.mining_events_{case_type}"
    return CaseTypeLog(case_type, view, PreparedPairs(view, f"marts.mining_pairs_{case_type}",
                                                      f"marts.mining_pairs_{case_type}_activities"))


def prepare_case_type(con: duckdb.DuckDBPyConnection, case_type: str, relation: str = EVENT_LOG_RELATION,
                      schema: EventLogSchema = EVENT_LOG) -> CaseTypeLog:
    """Create the case type's view of the event log and store its directly-follows pairs (mining.dfg.prepare_pairs)."""
    log = case_type_log(case_type)
    con.execute(Template(_sql("case_type_view.sql")).substitute(
        view=log.relation, event_log=check_relation(relation), case_type=case_type))
    prepare_pairs(con, log.relation, log.pairs.pairs_table, schema)
    return log


def mine_case_type(con: duckdb.DuckDBPyConnection, case_type: str, relation: str = EVENT_LOG_RELATION,
                   schema: EventLogSchema = EVENT_LOG) -> CaseTypeMining:
    """The process map (DFG, start and end activities) and the variants (with money) of one case type."""
    log = prepare_case_type(con, case_type, relation, schema)
    mapped = process_map(con, log.relation, schema=schema, prepared=log.pairs)
    table = variants(con, log.relation, schema=schema, claim_outcomes=case_type == "claim")
    events = int((table["events"] * table["cases"]).sum()) if len(table) else 0
    waits = bottlenecks(con, log.relation, schema=schema)
    redone = rework(con, log.relation, schema=schema, minutes_per_rework=MINUTES_PER_REWORK, hourly_rate=HOURLY_RATE)
    redone = redone.assign(minutes_per_rework=MINUTES_PER_REWORK, hourly_rate=HOURLY_RATE)
    checked, per_case, deviations = check_conformance(con, log, schema)
    models, elements = draw_models(table, checked, schema)
    return CaseTypeMining(case_type, mapped.dfg, mapped.start_end, table, waits, redone, checked, per_case, deviations,
                          models, elements, events)


def draw_models(table: pd.DataFrame, checked: Conformance, schema: EventLogSchema = EVENT_LOG
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The model the inductive miner discovers on the variants (with the token-based fitness of the log on it) and
    the reference model (with its alignment fitness), as rows, and their diagrams as elements."""
    reference = checked.model.process_model()
    rows = [{"model": "reference", "name": checked.model.name, "tree": checked.model.tree, "noise_threshold": None,
             "fitness_method": checked.method, "log_fitness": checked.fitness.log_fitness,
             "percentage_of_fitting_traces": checked.fitness.percentage_of_fitting_traces}]
    elements = [model_elements(reference).assign(model="reference")]
    if len(table):
        counts = variant_counts(table)
        discovered = discover_inductive(counts, DISCOVERY_NOISE_THRESHOLD)
        replayed = fitness(counts, discovered.net, discovered.initial_marking, discovered.final_marking, schema=schema)
        rows.append({"model": "discovered", "name": f"inductive miner (IMf, noise {DISCOVERY_NOISE_THRESHOLD})",
                     "tree": discovered.tree, "noise_threshold": DISCOVERY_NOISE_THRESHOLD,
                     "fitness_method": replayed.method, "log_fitness": replayed.log_fitness,
                     "percentage_of_fitting_traces": replayed.percentage_of_fitting_traces})
        elements.append(model_elements(discovered).assign(model="discovered"))
    return pd.DataFrame(rows), pd.concat(elements, ignore_index=True)


def check_conformance(con: duckdb.DuckDBPyConnection, log: CaseTypeLog, schema: EventLogSchema = EVENT_LOG
                      ) -> tuple[Conformance, pd.DataFrame, pd.DataFrame]:
    """The case type's log against its reference model (mining.reference_model): the result, fitness per case,
    and the deviations, for claims with the first-pass denial rate of the cases with and without each."""
    model = REFERENCE_MODELS[log.case_type]
    checked = conformance(con, log.relation, model, schema=schema)
    per_case = case_fitness(con, log.relation, checked, schema)
    deviations = checked.deviations.assign(source="reference model")
    if log.case_type == "claim" and len(deviations):
        rates = deviation_outcomes(con, log.relation, checked, *CLAIM_OUTCOMES, schema=schema)
        rates = rates.rename(columns={"cases_with": "denial_cases_with", "outcome_with": "denied_with",
                                      "rate_with": "denial_rate_with", "cases_without": "denial_cases_without",
                                      "outcome_without": "denied_without", "rate_without": "denial_rate_without"})
        deviations = deviations.merge(rates, on="deviation", how="left")
    return checked, per_case, deviations


def case_patients(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str] | None:
    """Each case's patient (MRN), for a log with a patient_mrn column; None for one without."""
    if PATIENT_COLUMN not in relation_columns(con, relation):
        return None
    rows = con.execute(Template(_sql("case_patients.sql")).substitute(relation=check_relation(relation))).fetchall()
    return dict(rows)


def pseudonymised_xes(frame: pd.DataFrame, case_type: str, pseudonymiser: Pseudonymiser) -> pd.DataFrame:
    """A full log's XES frame (pm4py's column names) with pseudonyms for its case ids (a journey's referral, a
    claim's CLM01) and its patients."""
    return pseudonymise_frame(frame, pseudonymiser, {PM4PY_CASE_ID: CASE_ID_KINDS[case_type],
                                                     XES_PATIENT: "patient"}, drop=())


def export_xes(con: duckdb.DuckDBPyConnection, mined: CaseTypeMining, exports_dir: Path,
               schema: EventLogSchema = EVENT_LOG, pseudonymiser: Pseudonymiser | None = None,
               pseudonymised_dir: Path | None = None) -> CaseTypeMining:
    """Write the case type's log to `<exports_dir>/event_log_<case_type>.xes` with pm4py.write_xes: the full log
    under FULL_LOG_MAX_EVENTS events (with each case's patient, when the log names them), else the
    variant-collapsed log. Nothing is written for no cases. Given a pseudonymiser, the same log with pseudonyms
    (`pseudonymised_xes`) goes to the same name in `pseudonymised_dir`; a variant-collapsed log, whose case ids
    are variant numbers, is written there as it is."""
    import pm4py  # imported here: pm4py takes a few seconds to import

    if (pseudonymiser is None) != (pseudonymised_dir is None):
        raise ValueError("a pseudonymised XES needs both its folder and a pseudonymiser")
    path = exports_dir / f"event_log_{mined.case_type}.xes"
    hidden_path = pseudonymised_dir / path.name if pseudonymised_dir is not None else None
    if mined.variants.empty:
        for stale in (path, hidden_path):
            if stale is not None:
                stale.unlink(missing_ok=True)
        mined.xes_path, mined.xes_log = None, "none"
        return mined
    if mined.events < FULL_LOG_MAX_EVENTS:
        relation = case_type_log(mined.case_type).relation
        frame = events_frame(con, relation, schema)
        frame = frame[[schema.case_id, schema.activity, schema.timestamp]]
        patients = case_patients(con, relation)
        if patients is not None:
            frame[XES_PATIENT] = frame[schema.case_id].map(patients).astype("string")
        mined.xes_log = "full"
    else:
        counts = variant_counts(mined.variants)
        frame = one_case_per_variant(counts, schema)
        cases = dict(zip(frame[schema.case_id].unique(), counts.values(), strict=True))
        frame["case:cases"] = frame[schema.case_id].map(cases).astype("int64")
        mined.xes_log = "variants"
    frame = frame.rename(columns={schema.case_id: PM4PY_CASE_ID, schema.activity: PM4PY_ACTIVITY,
                                  schema.timestamp: PM4PY_TIMESTAMP})
    written = [(frame, path)]
    if pseudonymiser is not None:
        hidden = pseudonymised_xes(frame, mined.case_type, pseudonymiser) if mined.xes_log == "full" else frame
        written.append((hidden, hidden_path))
    for one, target in written:
        target.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # pm4py's advice to install a faster exporter
            pm4py.write_xes(one, str(target), case_id_key=PM4PY_CASE_ID, show_progress_bar=False)
    mined.xes_path, mined.pseudonymised_xes_path = path, hidden_path
    return mined


def write_tables(con: duckdb.DuckDBPyConnection, mined: list[CaseTypeMining]) -> dict[str, int]:
    """Replace the mining tables' contents with these case types' results, in one transaction; rows per table."""
    insert = Template(_sql("insert_rows.sql"))
    with transaction(con):
        con.execute(_sql("mining_tables.sql"))
        for one in mined:
            frames = {
                "marts.mining_dfg": one.dfg,
                "marts.mining_start_end": one.start_end,
                "marts.mining_variants": one.variants.assign(
                    activities=[list(acts) for acts in one.variants["activities"]]),
                "marts.mining_bottleneck_edges": one.bottlenecks.edges,
                "marts.mining_bottleneck_activities": one.bottlenecks.activities,
                "marts.mining_rework": one.rework,
                "marts.mining_conformance": pd.DataFrame([{
                    "model_name": one.conformance.model.name, "model_tree": one.conformance.model.tree,
                    "method": one.conformance.method, "cases": int(one.conformance.per_variant["cases"].sum()),
                    "log_fitness": one.conformance.fitness.log_fitness,
                    "average_trace_fitness": one.conformance.fitness.average_trace_fitness,
                    "percentage_of_fitting_traces": one.conformance.fitness.percentage_of_fitting_traces}]),
                "marts.mining_conformance_cases": one.conformance_cases,
                "marts.mining_deviations": one.deviations,
                "marts.mining_models": one.models,
                "marts.mining_model_elements": one.model_elements,
            }
            for table, frame in frames.items():
                if frame.empty:
                    continue
                with registered(con, "mining_rows", frame.assign(case_type=one.case_type)):
                    con.execute(insert.substitute(table=table))
        if "claim" in (one.case_type for one in mined):
            con.execute(_sql("rule_deviations.sql"))
    count = Template(_sql("count_rows.sql"))
    return {table: int(con.execute(count.substitute(table=table)).fetchone()[0]) for table in TABLES}


def mine_event_log(con: duckdb.DuckDBPyConnection, exports_dir: Path, relation: str = EVENT_LOG_RELATION,
                   case_types: tuple[str, ...] = CASE_TYPES, pseudonymiser: Pseudonymiser | None = None,
                   pseudonymised_dir: Path | None = None) -> MiningResult:
    """Mine every case type of the event log: the tables replaced, one XES file per case type and the OCEL file;
    given a pseudonymiser, their pseudonymised copies in `pseudonymised_dir` too."""
    mined = [export_xes(con, mine_case_type(con, case_type, relation), exports_dir,
                        pseudonymiser=pseudonymiser, pseudonymised_dir=pseudonymised_dir)
             for case_type in case_types]
    rows = write_tables(con, mined)
    hidden_ocel = pseudonymised_dir / OCEL_FILE if pseudonymised_dir is not None else None
    ocel = write_ocel(con, relation, exports_dir / OCEL_FILE, pseudonymised_path=hidden_ocel,
                      pseudonymiser=pseudonymiser)
    return MiningResult(mined, rows, ocel)


def top_variants_markdown(result: MiningResult, top: int = TOP_VARIANTS) -> str:
    """The most frequent variants of each case type as one markdown table."""
    lines = ["| case type | rank | variant | cases | share | median throughput (h) |",
             "| --- | ---: | --- | ---: | ---: | ---: |"]
    for one in result.by_case_type:
        for row in one.variants.head(top).itertuples(index=False):
            lines.append(f"| {one.case_type} | {row.variant_rank} | {row.variant} | {row.cases:,} | "
                         f"{row.share:.1%} | {row.median_throughput_hours:,.1f} |")
    return "\n".join(lines)


@asset(
    key=AssetKey(["mining", "event_log_mining"]),
    deps=[EVENT_LOG_KEY, FCT_CLAIMS_KEY, CLAIM_DEVIATIONS_KEY],
    group_name="mining",
    kinds={"duckdb", "python"},
    description="Process maps (directly-follows graph, start and end activities) and variants of marts.event_log "
                "per case type, into marts.mining_dfg, marts.mining_start_end and marts.mining_variants; one XES "
                "file per case type and an OCEL 2.0 file in the exports folder, and their copies with pseudonymous "
                "ids for the analyst role in its pseudonymised/ folder.",
)
def event_log_mining(context: AssetExecutionContext, warehouse: WarehouseResource,
                     exports: ExportsResource) -> MaterializeResult:
    pseudonymiser = exports.pseudonymiser()
    hidden_dir = exports.pseudonymised_dir if pseudonymiser is not None else None
    with warehouse.connect() as con:
        result = mine_event_log(con, Path(exports.exports_dir), pseudonymiser=pseudonymiser,
                                pseudonymised_dir=hidden_dir)
    metadata: dict[str, MetadataValue] = {
        f"rows_{name.removeprefix('marts.')}": MetadataValue.int(rows) for name, rows in result.rows.items()}
    metadata["top_variants"] = MetadataValue.md(top_variants_markdown(result))
    for one in result.by_case_type:
        metadata[f"xes_{one.case_type}"] = MetadataValue.text(
            f"{one.xes_path} ({one.xes_log} log, {one.events:,} events)" if one.xes_path else "no cases")
        context.log.info(f"{one.case_type}: {len(one.variants):,} variants, {len(one.dfg):,} edges, "
                         f"XES: {one.xes_log}")
    if result.ocel is not None:
        ocel = result.ocel
        metadata["ocel"] = MetadataValue.text(
            f"{ocel.path}: {ocel.events:,} events of the cases started {ocel.case_start_from} to {ocel.case_start_to}"
            f"{' (the whole log)' if ocel.full_log else ''}; objects "
            + ", ".join(f"{kind} {n:,}" for kind, n in ocel.objects.items()))
    metadata["pseudonymised_exports"] = MetadataValue.text(
        f"{hidden_dir} (XES and OCEL, ids pseudonymised with the practice secret)" if hidden_dir is not None
        else "none: no practice secret configured")
    return MaterializeResult(metadata=metadata)
