"""Every table a page shows, loaded from the warehouse behind `st.cache_data`: the pages hold no SQL and no
business logic. Each loader runs one `.sql` file of `dashboards/sql/` on a read-only connection to the
warehouse `lantern serve` names (LANTERN_WAREHOUSE), and takes the warehouse's path and its modification time
as arguments, so a rebuilt warehouse is read anew.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st
import yaml

from dashboards import audit
from dashboards.practice_scope import WarehouseSource, scoped_connect
from dashboards.process_map import event_filter, is_unfiltered, segment_filters
from mining.dfg import ProcessMap
from mining.events import relation_columns, relation_exists
from models.documentation.sentences import SentenceModel, default_model, stored_model
from orchestration import private_files
from orchestration.paths import ENV_HOME, ENV_WAREHOUSE, LanternPaths
from orchestration.warehouse_connection import ENV_WAREHOUSE_KEY, WarehouseKey, connect
from orchestration.project import DBT_PROJECT_DIR

CACHE_SECONDS = 600


class WarehouseMissing(RuntimeError):
    pass


def warehouse() -> tuple[str, float]:
    """The warehouse's path and modification time (the cache key of every loader)."""
    path = os.environ.get(ENV_WAREHOUSE, "")
    if not path or not Path(path).is_file():
        raise WarehouseMissing(f"no warehouse at {path or '(LANTERN_WAREHOUSE is not set)'}: run `lantern build` "
                               "first, then `lantern serve`")
    return path, Path(path).stat().st_mtime


def lantern_home() -> Path:
    """Lantern's home (LANTERN_HOME, which `lantern serve` sets): the model store, the accounts, the audit trail."""
    return Path(os.environ.get(ENV_HOME) or "data").resolve()


def _sql(name: str) -> str:
    return resources.files("dashboards").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def _connect(source: WarehouseSource | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse, holding one practice's rows only when the source names one
    (dashboards.practice_scope; a bare path is the whole warehouse); an encrypted one opened with the key
    `lantern serve` passes in LANTERN_WAREHOUSE_KEY (the server's own environment: never a file, never a cache
    key)."""
    if not isinstance(source, WarehouseSource):
        source = WarehouseSource(str(source))
    secret = os.environ.get(ENV_WAREHOUSE_KEY)
    key = WarehouseKey(secret) if secret else None
    if source.practice_id is None:
        return connect(source.path, key, read_only=True)
    return scoped_connect(source.path, key, source.practice_id)


def _query(source: WarehouseSource, name: str, params: tuple = ()) -> pd.DataFrame:
    with _connect(source) as con:
        return con.execute(_sql(name), list(params)).df()


def _has_table(source: WarehouseSource, schema: str, table: str) -> bool:
    with _connect(source) as con:
        return relation_exists(con, f"{schema}.{table}")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def revenue_cycle_monthly(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    return _query(source, "revenue_cycle_monthly")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def ar_daily(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    return _query(source, "ar_daily")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def unrecovered_denials(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    return _query(source, "unrecovered_denials")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def leadership(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    return _query(source, "leadership")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def clinician_claims(source: WarehouseSource, mtime: float, clinician_npi: str) -> pd.DataFrame:
    return _query(source, "clinician_claims", (clinician_npi,))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def denials_by(source: WarehouseSource, mtime: float, dimension: str) -> pd.DataFrame:
    """First-pass denials and claims adjudicated by month and one dimension (payer, CPT code, reason, clinician)."""
    return _query(source, f"denials_by_{dimension}")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def denied_claims(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    return _query(source, "denied_claims")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def work_queue(source: WarehouseSource, mtime: float, clinician_npi: str | None = None) -> pd.DataFrame | None:
    """The queue; only `clinician_npi`'s sessions when given (a clinician viewer)."""
    if not _has_table(source, "marts", "claim_denial_risk"):
        return None
    return _query(source, "work_queue", (clinician_npi,))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def cash_forecast(source: WarehouseSource, mtime: float) -> pd.DataFrame | None:
    if not _has_table(source, "marts", "cash_forecast"):
        return None
    return _query(source, "cash_forecast")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def cash_accuracy(source: WarehouseSource, mtime: float) -> pd.DataFrame | None:
    if not _has_table(source, "marts", "cash_forecast_accuracy"):
        return None
    return _query(source, "cash_accuracy")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def cash_weekly(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    return _query(source, "cash_weekly")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def deliveries(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    return _query(source, "deliveries")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def quarantine_by_rule(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    return _query(source, "quarantine_by_rule")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def quarantine_examples(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    return _query(source, "quarantine_examples")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def practices(path: str, mtime: float) -> list[str]:
    """The practices whose rows the warehouse holds: one for a practice's own, several for a network's; none for
    a warehouse built before rows had a practice (all of it is one practice's)."""
    with _connect(path) as con:
        if "practice_id" not in relation_columns(con, "intermediate.int_as_of_date"):
            return []
        return con.execute(_sql("practices")).df()["practice_id"].tolist()


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def as_of_date(source: WarehouseSource, mtime: float):
    return _query(source, "as_of_date")["as_of_date"].iloc[0]


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def freshness(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    """Per part of the warehouse: its newest data and its as-of date (the parts that exist)."""
    parts = [_query(source, "freshness")]
    for table in ("denial_risk", "cash_forecast"):
        name = "claim_denial_risk" if table == "denial_risk" else table
        if _has_table(source, "marts", name):
            parts.append(_query(source, f"freshness_{table}"))
    return pd.concat(parts, ignore_index=True)


def audit_trail() -> pd.DataFrame:
    """The audit trail's events, newest first (read anew whenever the file has grown)."""
    path = audit.audit_file(lantern_home())
    return _audit_events(str(path), path.stat().st_mtime_ns if path.is_file() else 0)


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _audit_events(path: str, mtime_ns: int) -> pd.DataFrame:
    return audit.read(Path(path))


def model_card(model_version: str | None) -> str | None:
    """The promoted denial model's card (markdown) from the model store under LANTERN_HOME, when it is there."""
    home = os.environ.get(ENV_HOME)
    if not home or not model_version:
        return None
    card = Path(home) / "models" / "denial" / model_version / "card.md"
    return card.read_text(encoding="utf-8") if card.is_file() else None


@cache
def practice_timezone() -> str:
    """The practice's IANA time zone: the dbt project's practice_timezone var, which every local month and date
    of the marts uses, so a weekday or a local date here falls on the same calendar."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"]["practice_timezone"]


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def access_monthly(source: WarehouseSource, mtime: float) -> pd.DataFrame:
    return _query(source, "access_months")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def access_referrals(source: WarehouseSource, mtime: float, first_month: date, last_month: date) -> pd.Series:
    """The referral funnel, conversion, time to first contact and wait over the months received first..last."""
    return _query(source, "access_referrals", (first_month, last_month)).iloc[0]


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def access_no_shows(source: WarehouseSource, mtime: float, first_month: date, last_month: date) -> pd.DataFrame:
    """No-show rate by modality and by weekday of the appointments scheduled in the months first..last."""
    return _query(source, "access_no_shows", (practice_timezone(), first_month, last_month))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def outcomes_clinicians(source: WarehouseSource, mtime: float, clinician_npi: str | None = None) -> pd.DataFrame:
    return _query(source, "outcomes_clinicians", (clinician_npi,))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def outcomes_groups(source: WarehouseSource, mtime: float, clinician_npi: str | None = None) -> pd.DataFrame:
    """Outcomes per group of patients: every patient's, or only `clinician_npi`'s (a clinician viewer)."""
    return _query(source, "outcomes_groups", (clinician_npi,))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def cost_inputs(source: WarehouseSource, mtime: float) -> pd.Series:
    """The practice's own numbers over the 12 months ending on the as-of date, for the cost-of-inaction page."""
    return _query(source, "cost_inputs", (practice_timezone(),)).iloc[0]


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def copilot_clinicians(source: WarehouseSource, mtime: float, clinician_npi: str | None = None) -> pd.DataFrame:
    return _query(source, "copilot_clinicians", (clinician_npi,))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def copilot_unsigned_notes(source: WarehouseSource, mtime: float, clinician_npi: str) -> pd.DataFrame:
    return _query(source, "copilot_unsigned_notes", (practice_timezone(), clinician_npi))


@st.cache_resource(show_spinner="Loading the documentation checker's sentence model (the first time only: a few "
                                "seconds)...")
def sentence_model() -> SentenceModel:
    """The checker's sentence model, from the model store under LANTERN_HOME (`lantern serve` stores it there
    before starting the app); trained in this process when there is no home."""
    home = os.environ.get(ENV_HOME)
    return stored_model(Path(home) / "models" / "documentation") if home else default_model()


def _bound(day: date | None, days: int = 0) -> datetime | None:
    return None if day is None else datetime.combine(day + timedelta(days=days), time())


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def process_mining_ready(source: WarehouseSource, mtime: float, case_type: str) -> bool:
    """Whether the mining step has run: it writes all its marts.mining_* tables in one transaction, so one of them
    stands for all; and the case type's prepared pairs, which the filtered maps read."""
    return _has_table(source, "marts", "mining_dfg") and _has_table(source, "marts", f"mining_pairs_{case_type}")


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def process_filter_options(source: WarehouseSource, mtime: float, case_type: str) -> pd.DataFrame:
    """dimension (payer, clinician, modality, case start), value, label, cases, most cases first; the case start
    row has first_day and last_day."""
    return _query(source, "process_filter_options", (case_type,))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def process_map_data(source: WarehouseSource, mtime: float, case_type: str, case_start_from: date | None = None,
                     case_start_to: date | None = None, payers: tuple[str, ...] = (),
                     clinicians: tuple[str, ...] = (), modalities: tuple[str, ...] = ()) -> ProcessMap:
    """The process map of the cases the filters keep: the warehouse's own tables unfiltered, else mining's
    process_map over the prepared pairs (one aggregation, tens of milliseconds on the demo)."""
    filters = event_filter(case_start_from, case_start_to, payers, clinicians, modalities)
    if is_unfiltered(filters):
        return ProcessMap(_query(source, "process_dfg", (case_type,)), _query(source, "process_start_end", (case_type,)))
    from mining.dfg import process_map
    from orchestration.mining.assets import case_type_log

    log = case_type_log(case_type)
    with _connect(source) as con:
        return process_map(con, log.relation, filters, prepared=log.pairs)


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def process_patients(source: WarehouseSource, mtime: float, case_type: str, case_start_from: date | None = None,
                     case_start_to: date | None = None, payers: tuple[str, ...] = (),
                     clinicians: tuple[str, ...] = (), modalities: tuple[str, ...] = ()) -> tuple[int, int]:
    """(cases, distinct patients) the filters keep, for the CMS cell-size rule."""
    if is_unfiltered(event_filter(case_start_from, case_start_to, payers, clinicians, modalities)):
        row = _query(source, "process_patients_all", (case_type,)).iloc[0]
        return int(row["cases"]), int(row["patients"])
    row = _query(source, "process_patients", (case_type, _bound(case_start_from), _bound(case_start_to, 1),
                                            list(payers), list(clinicians), list(modalities))).iloc[0]
    return int(row["cases"]), int(row["patients"])


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def process_compare(source: WarehouseSource, mtime: float, case_type: str, dimension: str, a: str, b: str,
                    case_start_from: date | None = None, case_start_to: date | None = None,
                    payers: tuple[str, ...] = (), clinicians: tuple[str, ...] = (),
                    modalities: tuple[str, ...] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """mining.compare's (summary, edges) of two segments: the page's filters with `dimension` set to `a`, then `b`."""
    from mining.compare import compare_segments
    from orchestration.mining.assets import case_type_log

    base = {"case_start_from": case_start_from, "case_start_to": case_start_to, "payers": payers,
            "clinicians": clinicians, "modalities": modalities}
    sides = [event_filter(**segment_filters(base, dimension, value)) for value in (a, b)]
    with _connect(source) as con:
        return compare_segments(con, case_type_log(case_type).relation, *sides, labels=(a, b))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def process_variants(source: WarehouseSource, mtime: float, case_type: str) -> pd.DataFrame:
    return _query(source, "process_variants", (case_type,))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def process_deviations(source: WarehouseSource, mtime: float, case_type: str) -> pd.DataFrame:
    return _query(source, "process_deviations", (case_type,))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def process_conformance(source: WarehouseSource, mtime: float, case_type: str) -> pd.DataFrame:
    return _query(source, "process_conformance", (case_type,))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def process_bottlenecks(source: WarehouseSource, mtime: float, case_type: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(edges, activities) by the waiting time they hold, largest first."""
    return (_query(source, "process_bottleneck_edges", (case_type,)),
            _query(source, "process_bottleneck_activities", (case_type,)))


def process_exports(pseudonymised: bool = False) -> list[tuple[str, Path]]:
    """The event-log files `lantern build` wrote into <LANTERN_HOME>/exports/ that are there: (what, path); with
    `pseudonymised` (the analyst role: dashboards.downloads), only their copies with pseudonyms, in
    <LANTERN_HOME>/exports/pseudonymised/."""
    from orchestration.mining.assets import CASE_TYPES, OCEL_FILE
    from orchestration.resources import PSEUDONYMISED_SUBDIR

    home = os.environ.get(ENV_HOME)
    if not home:
        return []
    exports = Path(home) / "exports"
    if pseudonymised:
        exports = exports / PSEUDONYMISED_SUBDIR
    files = [(f"XES, {case_type.replace('_', ' ')} cases", exports / f"event_log_{case_type}.xes")
             for case_type in CASE_TYPES]
    files.append(("OCEL 2.0 JSON, both case notions (cases started in the last 6 months)", exports / OCEL_FILE))
    return [(what, file) for what, file in files if file.is_file()]


def practice_secret() -> bytes:
    """The practice's secret key for the analysts' pseudonyms (dashboards.downloads.frame_for_role), from
    <LANTERN_HOME>/config/practice.secret; created there on first use, as the build does."""
    return private_files.practice_secret(LanternPaths.resolve(home=lantern_home()).practice_secret)
