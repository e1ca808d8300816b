"""Run the contracts on candidate raw rows: what passes loads, what breaks a rule goes to quarantine.

Great Expectations validates each raw table's candidate rows (all files of the deliveries being
loaded at once) with its suite from `data_contracts.suites`, returning the failing rows' index;
a row that breaks several rules is quarantined once, naming every rule. X12 rows hang together
(a claim and its lines, an 835 and its claims), so a rejected parent takes its children along and
a rejected child takes its parent: a claim is loaded whole or not at all.
"""

from __future__ import annotations

import csv
import io
import logging
import sys
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from connectors.raw_tables import BY_NAME
from data_contracts.suites import SUITES, Rule

_ROW = "_row"


@dataclass
class TableOutcome:
    checked: int = 0
    quarantined: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


@dataclass
class ContractOutcome:
    tables: dict[str, pd.DataFrame]  # rows that passed, per raw table (only the raw table's columns)
    quarantine: list[dict]  # rows keyed by QUARANTINE.column_names
    per_table: dict[str, TableOutcome]


@contextmanager
def _without_pyspark() -> Iterator[None]:
    """GX imports PySpark when it is installed, for Spark data sources the contracts do not use. That import is not
    harmless: pyspark.sql.connect takes a `python -c` program for its own doctests and exits it with status 0
    ("Skipping doctests"). So GX is shown no PySpark while it is imported; the Spark build imports PySpark itself."""
    if "pyspark" in sys.modules:
        yield
        return
    sys.modules["pyspark"] = None  # an import of it raises ImportError, which GX expects when it is absent
    try:
        yield
    finally:
        del sys.modules["pyspark"]


@lru_cache(maxsize=1)
def _context():
    with _without_pyspark():
        import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


@lru_cache(maxsize=None)
def _suite(table: str):
    import great_expectations as gx

    suite = gx.ExpectationSuite(name=f"raw.{table}")
    for index, rule in enumerate(SUITES[table]):
        meta = {"rule_index": index}
        column = rule.checked_column
        if rule.kind == "not_null":
            suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column=column, meta=meta))
        elif rule.kind == "in_set":
            suite.add_expectation(gx.expectations.ExpectColumnValuesToBeInSet(
                column=column, value_set=[v for v in rule.params["value_set"] if v is not None], meta=meta))
        elif rule.kind == "regex":
            suite.add_expectation(gx.expectations.ExpectColumnValuesToMatchRegex(
                column=column, regex=rule.params["regex"], meta=meta))
        elif rule.kind == "derived":
            suite.add_expectation(gx.expectations.ExpectColumnValuesToBeInSet(column=column, value_set=[True],
                                                                              meta=meta))
        else:
            raise ValueError(f"unknown rule kind {rule.kind!r} in suite {table}")
    return _context().suites.add(suite)


def _check_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame GX sees: empty strings as missing (inputs.md: an empty CSV field is a missing value)."""
    check = frame.copy()
    for column in check.columns:
        if pd.api.types.is_object_dtype(check[column]) or pd.api.types.is_string_dtype(check[column]):
            check[column] = check[column].astype(object).where(check[column] != "", None)
    for rule in SUITES[table]:
        if rule.kind == "derived":
            check[rule.checked_column] = rule.derive(frame).astype(bool).to_numpy()
    check[_ROW] = range(len(check))
    return check


def _failing_rows(table: str, frame: pd.DataFrame) -> dict[int, list[Rule]]:
    """Row position -> the rules it breaks."""
    if frame.empty:
        return {}
    context = _context()
    name = f"raw_{table}"
    source = context.data_sources.add_or_update_pandas(name)
    asset = source.add_dataframe_asset(name=table) if table not in [a.name for a in source.assets] \
        else source.get_asset(table)
    batch_definition = asset.add_batch_definition_whole_dataframe("all") \
        if "all" not in [b.name for b in asset.batch_definitions] else asset.get_batch_definition("all")
    batch = batch_definition.get_batch(batch_parameters={"dataframe": _check_frame(table, frame)})
    result = batch.validate(_suite(table), result_format={
        "result_format": "COMPLETE", "unexpected_index_column_names": [_ROW], "return_unexpected_index_query": False,
    })
    failing: dict[int, list[Rule]] = defaultdict(list)
    rules = SUITES[table]
    for item in result.results:
        if item.success:
            continue
        rule = rules[item.expectation_config.meta["rule_index"]]
        for entry in item.result.get("unexpected_index_list") or []:
            failing[int(entry[_ROW])].append(rule)
    return failing


def _raw_text(row: dict, columns: tuple[str, ...]) -> str:
    values = ["" if row.get(c) is None else str(row.get(c)) for c in columns]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


# The X12 segment an X12 row's _position points at, named in its location as the reader names it
# (a remark's is an LQ or a MOA).
_SEGMENT_OF = {"x12_claims": "CLM", "x12_claim_lines": "LX", "x12_claim_payments": "CLP",
               "x12_service_payments": "SVC", "x12_adjustments": "CAS", "x12_provider_adjustments": "PLB",
               "x12_remittances": "ST", "x12_claim_acks": "TRN"}


def _key_column(table: str) -> str:
    """The column a person looks a row up by: a claim's id or a remittance's trace number rather than the key
    the X12 reader made of the file's sha256 and a segment number; else the table's first column."""
    names = BY_NAME[table].column_names
    if "claim_id" in names:
        return "claim_id"
    return "trace_number" if "trace_number" in names else BY_NAME[table].columns[0].name


def _quarantine_row(table: str, row: dict, reason: str, rule: str, key: str | None = None) -> dict:
    definition = BY_NAME[table]
    key_column = _key_column(table)
    return {
        "source": definition.source, "table_name": table,
        "location": (f"segment {row.get('_position')}{f' ({_SEGMENT_OF[table]})' if table in _SEGMENT_OF else ''}"
                     if definition.source == "payer" else f"line {row.get('_position')}"),
        "rule": rule, "reason": reason,
        "record_key": key if key is not None else "" if row.get(key_column) is None else str(row[key_column]),
        "raw_text": _raw_text(row, tuple(c.name for c in definition.columns))[:4000],
        "_delivery": row.get("_delivery"), "_source_file": row.get("_source_file"),
        "_file_sha256": row.get("_file_sha256"), "_position": row.get("_position"),
    }


# X12: which keys tie a table's rows to the record (claim, claim payment, remittance) they belong to.
_X12_PARENT = {
    "x12_claim_lines": ("claim_key", "x12_claims"),
    "x12_service_payments": ("claim_payment_key", "x12_claim_payments"),
    "x12_adjustments": ("claim_payment_key", "x12_claim_payments"),
    "x12_remarks": ("claim_payment_key", "x12_claim_payments"),
    "x12_claim_payments": ("remittance_key", "x12_remittances"),
    "x12_provider_adjustments": ("remittance_key", "x12_remittances"),
}


def _in_file(frame: pd.DataFrame, key: str) -> pd.Series:
    """A record key made unique across files: keys embed the file's sha256, which a re-sent copy repeats."""
    return frame["_source_file"].astype(str) + "|" + frame[key].astype(str)


def _x12_rollups(tables: dict[str, pd.DataFrame], unloaded_paid: Mapping[str, Decimal | None]) -> None:
    """Add what the X12 rules across rows compare: CLM02 vs its lines' charges, a claim's last date of service
    vs its creation date, CLP03 − CLP04 vs the CAS amounts, BPR02 vs CLP04 − PLB.

    BPR02 balances against the remittance's claims as sent: `unloaded_paid` ("<file>|<remittance_key>" ->
    amount) adds back the claim payments and PLBs the reader quarantined, so one bad claim payment does not
    make its remittance look unbalanced and take the good ones along; None (an amount that is not a number)
    leaves the balance unknown, and the rule does not reject on it.
    """
    def sums(child: str, key: str, value: str) -> pd.Series:
        frame = tables.get(child)
        if frame is None or frame.empty:
            return pd.Series(dtype=float)
        return frame[value].astype(float).groupby(_in_file(frame, key)).sum()

    def total(parent: pd.DataFrame, key: str, child: str, value: str) -> pd.Series:
        return _in_file(parent, key).map(sums(child, key, value)).fillna(0).astype(float)

    def latest(parent: pd.DataFrame, key: str, child: str, value: str) -> pd.Series:
        frame = tables.get(child)
        if frame is None or frame.empty:
            return pd.Series(pd.NaT, index=parent.index, dtype="datetime64[ns]")
        last = pd.to_datetime(frame[value], errors="coerce").groupby(_in_file(frame, key)).max()
        return pd.to_datetime(_in_file(parent, key).map(last))

    if "x12_claims" in tables:
        claims = tables["x12_claims"]
        claims["_line_charges"] = total(claims, "claim_key", "x12_claim_lines", "charge")
        claims["_last_service_date"] = latest(claims, "claim_key", "x12_claim_lines", "service_date")
    if "x12_claim_payments" in tables:
        payments = tables["x12_claim_payments"]
        payments["_charge_minus_paid"] = payments["charge"].astype(float) - payments["paid"].astype(float)
        payments["_adjustments"] = total(payments, "claim_payment_key", "x12_adjustments", "amount")
    if "x12_remittances" in tables:
        remits = tables["x12_remittances"]
        unloaded = _in_file(remits, "remittance_key").map(
            lambda key: float("nan") if key in unloaded_paid and unloaded_paid[key] is None
            else float(unloaded_paid.get(key) or 0))
        remits["_expected_payment"] = (total(remits, "remittance_key", "x12_claim_payments", "paid")
                                       - total(remits, "remittance_key", "x12_provider_adjustments", "amount")
                                       + unloaded.astype(float))


def apply_contracts(candidates: dict[str, list[dict]],
                    unloaded_paid: Mapping[str, Decimal | None] | None = None) -> ContractOutcome:
    """Validate candidate rows of raw tables (table -> rows as dicts); split them into loaded and quarantined.

    `unloaded_paid`: see `_x12_rollups` (the X12 reader's `unloaded_paid`, keyed "<file>|<remittance_key>").
    """
    tables = {name: pd.DataFrame(rows, columns=BY_NAME[name].column_names) for name, rows in candidates.items()}
    _x12_rollups(tables, unloaded_paid or {})
    per_table = {name: TableOutcome(checked=len(frame)) for name, frame in tables.items()}
    # table -> row position -> (rule, reason, the record key to show when not the row's own: its parent's)
    rejected: dict[str, dict[int, tuple[str, str, str | None]]] = defaultdict(dict)
    for name, frame in tables.items():
        if name in SUITES:
            for position, rules in _failing_rows(name, frame).items():
                rejected[name][position] = (rules[0].name, "; ".join(r.reason for r in rules), None)
    _cascade_x12(tables, rejected)

    quarantine: list[dict] = []
    passed: dict[str, pd.DataFrame] = {}
    for name, frame in tables.items():
        bad = rejected.get(name, {})
        outcome = per_table[name]
        records = frame.to_dict("records") if bad else []
        for position, (rule_name, reason, key) in sorted(bad.items()):
            quarantine.append(_quarantine_row(name, records[position], reason, rule_name, key))
            outcome.by_rule[rule_name] = outcome.by_rule.get(rule_name, 0) + 1
        outcome.quarantined = len(bad)
        keep = ~frame.index.isin(list(bad))
        passed[name] = frame.loc[keep, list(BY_NAME[name].column_names)].reset_index(drop=True)
    return ContractOutcome(tables=passed, quarantine=quarantine, per_table=per_table)


def _cascade_x12(tables: dict[str, pd.DataFrame],
                 rejected: dict[str, dict[int, tuple[str, str, str | None]]]) -> None:
    """A claim (or an 835) loads whole or not at all: spread rejections between parents and children."""
    changed = True
    while changed:
        changed = False
        for child, (key, parent) in _X12_PARENT.items():
            if child not in tables or parent not in tables:
                continue
            child_frame, parent_frame = tables[child], tables[parent]
            child_keys, parent_keys = _in_file(child_frame, key), _in_file(parent_frame, key)
            bad_child_keys = set(child_keys.loc[list(rejected[child])]) if rejected.get(child) else set()
            what = parent[4:-1].replace("_", " ")  # x12_claim_payments -> claim payment
            # A rejected child takes its parent, except an 835 keeps its good claims when one claim fails.
            if child not in ("x12_claim_payments", "x12_provider_adjustments"):
                for position in parent_frame.index[parent_keys.isin(bad_child_keys)]:
                    if position not in rejected[parent]:
                        rejected[parent][position] = (
                            "rejected_with_its_parts",
                            f"a part of this {what} broke a contract (see its other quarantine rows)", None)
                        changed = True
            bad_parent_keys = set(parent_keys.loc[list(rejected[parent])]) if rejected.get(parent) else set()
            label, bad_parents = _key_column(parent), list(rejected[parent])
            label_of = (dict(zip(parent_keys.loc[bad_parents], parent_frame.loc[bad_parents, label]))
                        if bad_parents and label in ("claim_id", "trace_number") else {})
            for position in child_frame.index[child_keys.isin(bad_parent_keys)]:
                if position not in rejected[child]:
                    which = label_of.get(child_keys.loc[position])
                    which = which if isinstance(which, str) and which else None
                    rejected[child][position] = ("rejected_with_its_parent",
                                                 f"its {what}{f' {which}' if which else ''} was quarantined", which)
                    changed = True
