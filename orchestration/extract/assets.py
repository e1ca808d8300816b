"""Extraction assets: one partitioned multi-asset per source, one asset per raw table it fills.

Each delivery folder is a partition of `deliveries`; a run may cover a range of them at once
(single-run backfills), which is how `lantern build` loads a whole landing zone in one go.
The work is `orchestration.extract.loader.load_deliveries`; this module only wires it to Dagster.
"""


from pathlib import Path

from dagster import (
    AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetExecutionContext, AssetKey, AssetSpec,
    BackfillPolicy, DynamicPartitionsDefinition, MaterializeResult, MetadataValue, multi_asset,
)

from connectors.raw_tables import BY_NAME
from data_contracts.suites import SUITES
from orchestration.extract.loader import SOURCES, TABLES_OF_SOURCE, load_deliveries
from orchestration.resources import LandingZoneResource, WarehouseResource

deliveries = DynamicPartitionsDefinition(name="deliveries")

SOURCE_TITLES = {"ehr": "EHR (FHIR R4 bulk NDJSON)", "pm": "practice management (CSV)",
                 "payer": "payer files (X12 837P, 835, 277CA)"}


def raw_key(table: str) -> AssetKey:
    return AssetKey(["raw", table])


def _extract_assets(source: str):
    tables = TABLES_OF_SOURCE[source]
    specs = [AssetSpec(raw_key(t), description=BY_NAME[t].description, group_name=f"raw_{source}",
                       kinds={"duckdb"}, partitions_def=deliveries) for t in tables]
    checks = [AssetCheckSpec("contract", asset=raw_key(t),
                             description=f"the {t} expectation suite (data_contracts.suites); rows that break "
                                         f"it are quarantined") for t in tables if t in SUITES]

    @multi_asset(name=f"extract_{source}", specs=specs, check_specs=checks, partitions_def=deliveries,
                 backfill_policy=BackfillPolicy.single_run(), can_subset=False,
                 description=f"Read the {SOURCE_TITLES[source]} deliveries, apply the contracts, load raw tables.")
    def extract(context: AssetExecutionContext, warehouse: WarehouseResource, landing: LandingZoneResource):
        with warehouse.connect() as con:
            report = load_deliveries(con, Path(landing.path), source, context.partition_keys,
                                     mrn_system=landing.mrn_system)
        context.log.info(f"{source}: {report.files_loaded} files loaded, {report.files_unchanged} unchanged, "
                         f"{report.records_loaded} records loaded, {report.records_quarantined} quarantined")
        for table in tables:
            per_table = report.contract_checks.get(table)
            yield MaterializeResult(asset_key=raw_key(table), metadata={
                "rows_loaded": MetadataValue.int(report.rows_by_table.get(table, 0)),
                "rows_quarantined": MetadataValue.int(per_table.quarantined if per_table else 0),
                "deliveries": MetadataValue.text(", ".join(report.deliveries)),
            })
        for table in tables:
            if table not in SUITES:
                continue
            per_table = report.contract_checks.get(table)
            # What the reader rejected before the suite ran (bad JSON, a short CSV row) counts here too.
            by_rule = dict(report.read_rejects_by_table.get(table, {}))
            for rule, count in (per_table.by_rule if per_table else {}).items():
                by_rule[rule] = by_rule.get(rule, 0) + count
            quarantined = sum(by_rule.values())
            yield AssetCheckResult(
                asset_key=raw_key(table), check_name="contract", passed=quarantined == 0,
                severity=AssetCheckSeverity.WARN,
                metadata={"rows_checked": MetadataValue.int(per_table.checked if per_table else 0),
                          "rows_quarantined": MetadataValue.int(quarantined),
                          "by_rule": MetadataValue.json(by_rule)},
            )

    return extract


extract_assets = [_extract_assets(source) for source in SOURCES]
