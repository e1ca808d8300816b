"""The practice's configuration file (practice.toml): its reader, the demo practice's writer, the asset
that loads it into raw.practice_payer_rules, and the staging model's built-in fallback.

Every error names the file, the key as the file spells it and the reason; a missing file gives
the built-in rules and says so.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from connectors.practice_config import (
    BUILT_IN, PayerRule, PracticeConfigError, parse_practice_config, read_practice_config,
)
from orchestration.build import _root_cause
from orchestration.extract.practice_config import PracticeConfigResource, practice_payer_rules, write_payer_rules
from orchestration.project import DBT_PROJECT_DIR
from orchestration.resources import WarehouseResource
from synthetic import catalog
from synthetic.practice import make_payers
from synthetic.writers.practice_config import render_practice_toml

FILE = Path("/clinic/config/practice.toml")

EXAMPLE = """
[payer_rules.default]
timely_filing_days = 90
authorization = "none"
treatment_plan_review_days = 60

[payer_rules."SUM02"]
timely_filing_days = 180
authorization = "after_visits"
authorization_after_visits = 12

[payer_rules."CAR04"]
authorization = "first_visit"

[payer_rules."Blue Cross"]
treatment_plan_review_days = 30
"""


def parse(text: str):
    return parse_practice_config(text, FILE)


def error_of(text: str) -> PracticeConfigError:
    with pytest.raises(PracticeConfigError) as caught:
        parse(text)
    return caught.value


# ---- resolution ------------------------------------------------------------------------------------


def test_each_key_falls_back_to_the_default_table_then_built_in():
    config = parse(EXAMPLE)
    assert config.found and config.path == FILE
    assert config.default == PayerRule("*", 90, "none", None, 60)
    # Sorted by payer id; CAR04 sets only its rule: filing 90 and review 60 come from the default.
    assert config.payers == (
        PayerRule("Blue Cross", 90, "none", None, 30),
        PayerRule("CAR04", 90, "first_visit", None, 60),
        PayerRule("SUM02", 180, "after_visits", 12, 60),
    )
    assert config.rule_for("SUM02").authorization_after_visits == 12
    assert config.rule_for("MER03") == PayerRule("MER03", 90, "none", None, 60)  # no table: the default
    assert [r.payer_id for r in config.rules] == ["*", "Blue Cross", "CAR04", "SUM02"]


def test_a_payer_inherits_after_visits_and_its_number_from_the_default():
    config = parse('[payer_rules.default]\nauthorization = "after_visits"\nauthorization_after_visits = 8\n'
                   '[payer_rules."LSM05"]\ntimely_filing_days = 95\n'
                   '[payer_rules."PBH01"]\nauthorization = "none"\n')
    assert config.rule_for("LSM05") == PayerRule("LSM05", 95, "after_visits", 8, 90)
    assert config.rule_for("PBH01") == PayerRule("PBH01", 90, "none", None, 90)  # N does not apply to none


def test_an_empty_file_and_a_missing_default_table_give_the_built_in_rules():
    assert parse("").default == BUILT_IN
    assert parse('[payer_rules."X1"]\ntimely_filing_days = 30\n').rule_for("X1") == PayerRule("X1", 30, "none",
                                                                                             None, 90)


def test_the_built_in_rules():
    assert BUILT_IN == PayerRule("*", 90, "none", None, 90)


def test_a_missing_file_gives_the_built_in_rules_and_says_so(tmp_path: Path):
    config = read_practice_config(tmp_path / "config" / "practice.toml")
    assert not config.found
    assert config.default == BUILT_IN and config.payers == () and config.sha256 is None


def test_a_file_is_read_with_its_sha256(tmp_path: Path):
    path = tmp_path / "practice.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    config = read_practice_config(path)
    assert config.found and config.path == path
    assert config.sha256 == hashlib.sha256(EXAMPLE.encode()).hexdigest()
    assert config.rule_for("SUM02").timely_filing_days == 180


# ---- errors: file, key, reason ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "key", "reason"), [
    ('[payer_rules."BCBS"]\nfiling_days = 90\n', 'payer_rules."BCBS".filing_days',
     "unknown key (expected one of: timely_filing_days, authorization, authorization_after_visits, "
     "treatment_plan_review_days)"),
    ('[practice]\nname = "x"\n', "practice", "unknown key (expected: payer_rules)"),
    ('[payer_rules."BCBS"]\ntimely_filing_days = "90"\n', 'payer_rules."BCBS".timely_filing_days',
     "must be a whole number, got a string '90'"),
    ('[payer_rules."BCBS"]\ntimely_filing_days = 90.5\n', 'payer_rules."BCBS".timely_filing_days',
     "must be a whole number, got a float 90.5"),
    ('[payer_rules."BCBS"]\ntreatment_plan_review_days = true\n', 'payer_rules."BCBS".treatment_plan_review_days',
     "must be a whole number, got a boolean True"),
    ('[payer_rules.default]\ntimely_filing_days = -90\n', "payer_rules.default.timely_filing_days",
     "must be a positive whole number, got -90"),
    ('[payer_rules."BCBS"]\nauthorization = "after_visits"\nauthorization_after_visits = 0\n',
     'payer_rules."BCBS".authorization_after_visits', "must be a positive whole number, got 0"),
    ('[payer_rules."BCBS"]\nauthorization = "after_n"\n', 'payer_rules."BCBS".authorization',
     "unknown rule 'after_n' (expected one of: none, first_visit, after_visits)"),
    ('[payer_rules."BCBS"]\nauthorization = 12\n', 'payer_rules."BCBS".authorization',
     "must be a string, got an integer 12"),
    ('[payer_rules."BCBS"]\nauthorization = "after_visits"\n', 'payer_rules."BCBS".authorization_after_visits',
     "is required when authorization is 'after_visits'"),
    ('[payer_rules."BCBS"]\nauthorization = "first_visit"\nauthorization_after_visits = 6\n',
     'payer_rules."BCBS".authorization_after_visits',
     "applies only when authorization is 'after_visits' (here it is 'first_visit')"),
    ('[payer_rules.default]\nauthorization_after_visits = 6\n', "payer_rules.default.authorization_after_visits",
     "applies only when authorization is 'after_visits' (here it is 'none')"),
    ("payer_rules = 3\n", "payer_rules", "must be a table, got an integer"),
    ('[payer_rules]\nBCBS = "strict"\n', 'payer_rules."BCBS"', "must be a table, got a string"),
    ('[payer_rules."*"]\ntimely_filing_days = 30\n', 'payer_rules."*"',
     "'*' is reserved (the default is [payer_rules.default])"),
])
def test_every_error_names_the_file_the_key_and_the_reason(text: str, key: str, reason: str):
    error = error_of(text)
    assert (error.path, error.key, error.reason) == (FILE, key, reason)
    assert str(error) == f"{FILE}: {key}: {reason}"


def test_a_toml_syntax_error_names_the_file_and_where():
    error = error_of('[payer_rules."BCBS"]\ntimely_filing_days = \n')
    assert error.path == FILE and error.key is None
    assert error.reason.startswith("is not valid TOML: ") and "line 2" in error.reason
    assert str(error).startswith(f"{FILE}: is not valid TOML: ")


def test_a_file_that_is_not_utf8_or_not_a_file(tmp_path: Path):
    path = tmp_path / "practice.toml"
    path.write_bytes(b"# caf\xe9\n")
    with pytest.raises(PracticeConfigError, match=r"is not UTF-8 text \(byte 5\)"):
        read_practice_config(path)
    with pytest.raises(PracticeConfigError, match="is not a file"):
        read_practice_config(tmp_path)


# ---- the demo practice's file ----------------------------------------------------------------------


def test_the_demo_file_reads_back_as_the_payer_catalog():
    payers = make_payers(datetime(2023, 1, 1).date(), ZoneInfo("America/Chicago"))
    config = parse(render_practice_toml(payers))
    assert config.default == BUILT_IN
    rules = {"none": ("none", None), "first_visit": ("first_visit", None)}
    expected = tuple(sorted(
        (PayerRule(p["payer_id"], p["filing"], *rules.get(p["auth"][0], ("after_visits", p["auth"][1])),
                   p["plan_review"])
         for p in catalog.PAYERS), key=lambda r: r.payer_id))
    assert config.payers == expected  # self-pay has no rules
    # Spelled out for the catalog as it stands: SUM02 after 12 visits, LSM05 after 8, CAR04 and HEA07 every visit;
    # the commercial insurers review plans every 180 days, Medicaid and the EAP every 90 (the default).
    assert config.rule_for("SUM02") == PayerRule("SUM02", 90, "after_visits", 12, 180)
    assert config.rule_for("LSM05") == PayerRule("LSM05", 95, "after_visits", 8, 90)
    assert config.rule_for("CAR04") == PayerRule("CAR04", 120, "first_visit", None, 180)
    assert config.rule_for("HEA07") == PayerRule("HEA07", 90, "first_visit", None, 90)
    assert [r.payer_id for r in config.payers] == ["CAR04", "HEA07", "HMC06", "LSM05", "MER03", "PBH01", "SUM02"]


def test_the_generator_writes_the_demo_file_beside_the_landing_zone(small_practice):
    path = small_practice.landing.parent / "config" / "practice.toml"
    payers = make_payers(datetime(2023, 1, 1).date(), ZoneInfo("America/Chicago"))
    assert path.read_text(encoding="utf-8") == render_practice_toml(payers)
    assert read_practice_config(path).rule_for("SUM02").authorization == "after_visits"


# ---- loading ----------------------------------------------------------------------------------------


def _table(con) -> list[tuple]:
    return con.execute("select * from raw.practice_payer_rules order by payer_id").fetchall()


def test_write_payer_rules_replaces_the_table(tmp_path: Path):
    path = tmp_path / "practice.toml"
    path.write_text(EXAMPLE, encoding="utf-8")
    config = read_practice_config(path)
    with duckdb.connect() as con:
        assert write_payer_rules(con, read_practice_config(tmp_path / "missing.toml")) == 1
        assert _table(con) == [("*", 90, "none", None, 90, None, None)]
        assert write_payer_rules(con, config) == 4
        sha = config.sha256
        assert _table(con) == [
            ("*", 90, "none", None, 60, str(path), sha),
            ("Blue Cross", 90, "none", None, 30, str(path), sha),
            ("CAR04", 90, "first_visit", None, 60, str(path), sha),
            ("SUM02", 180, "after_visits", 12, 60, str(path), sha),
        ]


def test_the_asset_loads_the_file_and_a_missing_file_is_a_warning(tmp_path: Path):
    warehouse = tmp_path / "warehouse.duckdb"
    path = tmp_path / "config" / "practice.toml"
    resources = {"warehouse": WarehouseResource(path=str(warehouse)),
                 "practice_config": PracticeConfigResource(path=str(path))}
    instance = DagsterInstance.ephemeral()
    result = materialize([practice_payer_rules], resources=resources, instance=instance)
    assert result.success
    metadata = result.asset_materializations_for_node(practice_payer_rules.op.name)[0].metadata
    assert metadata["found"].value is False and metadata["rows"].value == 1
    warnings = [record.user_message for record in instance.all_logs(result.run_id)
                if record.level == logging.WARNING]
    assert warnings == [f"no practice configuration at {path}: the built-in payer rules apply "
                        f"(see docs/practice-config.md)"]
    path.parent.mkdir()
    path.write_text('[payer_rules."SUM02"]\ntimely_filing_days = 180\n', encoding="utf-8")
    assert materialize([practice_payer_rules], resources=resources).success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert [row[:5] for row in _table(con)] == [("*", 90, "none", None, 90), ("SUM02", 180, "none", None, 90)]


def test_the_asset_fails_on_a_bad_file_with_its_key_and_reason(tmp_path: Path):
    path = tmp_path / "practice.toml"
    path.write_text('[payer_rules."SUM02"]\nauthorization = "sometimes"\n', encoding="utf-8")
    resources = {"warehouse": WarehouseResource(path=str(tmp_path / "warehouse.duckdb")),
                 "practice_config": PracticeConfigResource(path=str(path))}
    result = materialize([practice_payer_rules], resources=resources, raise_on_error=False)
    assert not result.success
    assert _root_cause(result) == (f"{path}: payer_rules.\"SUM02\".authorization: unknown rule 'sometimes' "
                                   f"(expected one of: none, first_visit, after_visits)")


def test_the_staging_fallback_is_the_built_in_default():
    """Without raw.practice_payer_rules, stg_practice__payer_rules is the built-in default alone: its
    values are written in the model (dbt cannot import Python), so they are compared here."""
    sql = (DBT_PROJECT_DIR / "models" / "staging" / "stg_practice__payer_rules.sql").read_text()
    block = re.search(r"set built_in = \{(.*?)\}", sql, re.S).group(1)
    values = dict(re.findall(r"'(\w+)': '?(\w+)'?", block))
    assert values == {"timely_filing_days": str(BUILT_IN.timely_filing_days),
                      "authorization_rule": BUILT_IN.authorization,
                      "treatment_plan_review_days": str(BUILT_IN.treatment_plan_review_days)}
