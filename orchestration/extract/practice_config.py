"""The practice's configuration as an asset: `practice.toml`'s payer rules in `raw.practice_payer_rules`.

Not partitioned: the file is read whole at every run and the table replaced, one row per payer
table and `payer_id = '*'` for the default. A missing file is not an error: the built-in rules of
`connectors.practice_config` are loaded and the run says so (a warning, and `found` false in its
metadata). A file with a mistake fails the run with the file, key and reason.
"""


from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, ConfigurableResource, MaterializeResult, MetadataValue, asset

from connectors.practice_config import PracticeConfig, read_practice_config
from orchestration.resources import WarehouseResource
from orchestration.transactions import transaction

SQL = Path(__file__).with_name
PAYER_RULES_KEY = AssetKey(["raw", "practice_payer_rules"])


class PracticeConfigResource(ConfigurableResource):
    """Where the practice's configuration file is (`<home>/config/practice.toml` by default)."""

    path: str


def write_payer_rules(con: duckdb.DuckDBPyConnection, config: PracticeConfig) -> int:
    """Replace raw.practice_payer_rules with `config`'s rules, in one transaction; the rows written."""
    insert = SQL("practice_payer_rules_insert.sql").read_text()
    source_file = str(config.path) if config.found else None
    with transaction(con):
        con.execute(SQL("practice_payer_rules_create.sql").read_text())
        for rule in config.rules:
            con.execute(insert, {
                "payer_id": rule.payer_id, "timely_filing_days": rule.timely_filing_days,
                "authorization_rule": rule.authorization,
                "authorization_after_visits": rule.authorization_after_visits,
                "treatment_plan_review_days": rule.treatment_plan_review_days,
                "source_file": source_file, "file_sha256": config.sha256,
            })
    return len(config.rules)


@asset(key=PAYER_RULES_KEY, group_name="raw_practice", kinds={"duckdb"},
       description="Read the practice's configuration file (practice.toml) and replace its payer rules: "
                   "timely filing limit, prior-authorization rule, treatment-plan review interval.")
def practice_payer_rules(context: AssetExecutionContext, warehouse: WarehouseResource,
                         practice_config: PracticeConfigResource) -> MaterializeResult:
    config = read_practice_config(Path(practice_config.path))
    if not config.found:
        context.log.warning(f"no practice configuration at {config.path}: the built-in payer rules apply "
                            f"(see docs/practice-config.md)")
    with warehouse.connect() as con:
        rows = write_payer_rules(con, config)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(config.path)),
        "found": MetadataValue.bool(config.found),
        "rows": MetadataValue.int(rows),
        "payers": MetadataValue.text(", ".join(rule.payer_id for rule in config.payers) or "(default only)"),
    })
