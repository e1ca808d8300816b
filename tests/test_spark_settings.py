"""The Spark engine's pure parts: its configuration, the raw tables' DDL, the note mart's schema, the dbt phases."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.documentation.note_mart import SCHEMA
from orchestration.spark.dbt_build import phases
from orchestration.warehouse.dbt_invocation import DbtInvocation
from orchestration.spark.notes import spark_ddl
from orchestration.spark.raw_tables import raw_table_columns, register_raw_sql, spark_type
from orchestration.spark.settings import (LOG4J, SparkSettings, SparkSettingsError, cluster_settings, parse_spark_conf,
                                         spark_conf)


def test_the_configuration_keeps_the_catalog_and_tables_under_the_folder_and_instants_in_utc(tmp_path: Path) -> None:
    conf = spark_conf(SparkSettings.under(tmp_path / "spark"))
    metastore = (tmp_path / "spark" / "metastore").resolve()
    assert conf["spark.master"] == "local[2]"
    assert conf["spark.sql.warehouse.dir"] == str((tmp_path / "spark" / "warehouse").resolve())
    assert conf["spark.hadoop.javax.jdo.option.ConnectionURL"] == f"jdbc:derby:;databaseName={metastore / 'db'};create=true"
    assert conf["spark.driver.extraJavaOptions"] == \
        f"-Dderby.system.home={metastore} -Dlog4j2.configurationFile={LOG4J}"
    assert LOG4J.is_file()
    # local mode: Spark's ports on the loopback interface only
    assert (conf["spark.driver.bindAddress"], conf["spark.driver.host"]) == ("127.0.0.1", "127.0.0.1")
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert conf["spark.sql.ansi.enabled"] == "true"
    assert conf["spark.sql.parquet.outputTimestampType"] == "TIMESTAMP_MICROS"
    assert conf["spark.eventLog.enabled"] == "false" and conf["spark.ui.enabled"] == "false"


def test_a_cluster_master_and_extra_settings_override_the_defaults(tmp_path: Path) -> None:
    settings = SparkSettings.under(tmp_path, master="spark://head:7077", driver_memory="16g",
                                   extra={"spark.sql.shuffle.partitions": "400"})
    conf = spark_conf(settings)
    assert (conf["spark.master"], conf["spark.driver.memory"], conf["spark.sql.shuffle.partitions"]) == \
        ("spark://head:7077", "16g", "400")
    assert "spark.driver.bindAddress" not in conf  # a cluster's executors must reach the driver


def test_raw_columns_read_as_the_types_duckdb_wrote() -> None:
    assert [spark_type(t) for t in ("VARCHAR", "DATE", "TIMESTAMPTZ", "TIMESTAMP", "INTEGER", "BIGINT", "DOUBLE",
                                    "DECIMAL(18,2)")] == \
        ["string", "date", "timestamp", "timestamp_ntz", "int", "bigint", "double", "decimal(18,2)"]


def test_a_raw_table_is_an_external_parquet_table_over_its_folder(tmp_path: Path) -> None:
    columns = raw_table_columns()["fhir_practitioners"]
    assert [c.name for c in columns] == ["practice_id", "resource_id", "npi", "family_name", "given_name",
                                         "credential", "_delivery", "_source_file", "_file_sha256", "_position"]
    sql = register_raw_sql("fhir_practitioners", columns, tmp_path)
    assert "create table raw.fhir_practitioners (\n    `practice_id` string,\n    `resource_id` string," in sql
    assert "`_position` int\n)\nusing parquet\noptions (recursiveFileLookup 'true')\n" in sql
    assert sql.rstrip().endswith(f"location '{(tmp_path / 'fhir_practitioners').resolve().as_posix()}'")


def test_every_raw_table_the_loader_writes_is_registered() -> None:
    names = set(raw_table_columns())
    assert {"ledger", "quarantine", "practice_payer_rules", "x12_claims", "fhir_patients", "pm_appointments"} <= names
    assert len(names) == 25


def test_the_note_marts_schema_in_spark_ddl() -> None:
    ddl = spark_ddl(SCHEMA)
    assert ddl.startswith("`practice_id` string, `appointment_id` string, `note_id` string, `cpt_code` string, "
                          "`session_minutes` double, `has_time` boolean")
    assert "`missing_elements` array<string>" in ddl


def test_the_python_model_is_built_between_the_models_it_reads_and_those_that_read_it(tmp_path: Path) -> None:
    assert phases() == [
        ("build", ("--exclude", "note_documentation+")),
        ("test", ("--select", "note_documentation", "--indirect-selection", "cautious")),
        ("build", ("--select", "note_documentation+", "--exclude", "note_documentation")),
    ]
    arguments = DbtInvocation(project_dir=tmp_path / "p", target_path=tmp_path / "t", log_path=tmp_path / "l")\
        .arguments("build", "--select", "x")
    assert arguments[:2] == ["build", "--project-dir"]
    assert arguments[arguments.index("--target") + 1] == "spark"
    # Spark reads the Parquet raw layer, whose rows carry their practice_id
    assert arguments[arguments.index("--vars") + 1] == '{"as_of_date": null, "raw_has_practice_id": true}'
    assert arguments[-2:] == ["--select", "x"]


def test_without_java_spark_is_refused_with_what_to_install(tmp_path: Path) -> None:
    from orchestration.spark.session import SparkUnavailable, java_command

    with pytest.raises(SparkUnavailable, match=r"Spark needs Java 17 or newer and there is no java on PATH"):
        java_command({"PATH": str(tmp_path)})
    with pytest.raises(SparkUnavailable, match=r"JAVA_HOME is .*, which has no bin/java"):
        java_command({"JAVA_HOME": str(tmp_path), "PATH": ""})
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "java").write_text("#!/bin/sh\n")
    (tmp_path / "bin" / "java").chmod(0o755)
    assert java_command({"JAVA_HOME": str(tmp_path)}) == str(tmp_path / "bin" / "java")


def test_the_payer_rules_columns_spark_reads_are_those_the_loader_creates() -> None:
    import duckdb

    from orchestration.spark.raw_tables import PAYER_RULES_COLUMNS

    create = (Path(__file__).parent.parent / "orchestration" / "extract" / "practice_payer_rules_create.sql")
    with duckdb.connect() as con:
        con.execute(create.read_text())
        created = [(name, kind) for name, kind, *_ in con.execute("describe raw.practice_payer_rules").fetchall()]
    assert created == [(c.name, c.type) for c in PAYER_RULES_COLUMNS]


def test_the_command_line_s_master_and_settings_reach_the_session(tmp_path: Path) -> None:
    settings = cluster_settings(tmp_path / "spark", "k8s://https://10.0.0.1:443",
                                ["spark.executor.instances=8", "spark.kubernetes.namespace=lantern",
                                 "spark.executor.instances=12", "spark.hadoop.hive.metastore.uris=thrift://meta:9083"])
    conf = spark_conf(settings)
    assert conf["spark.master"] == "k8s://https://10.0.0.1:443"
    # the last of a repeated key wins, as with spark-submit's --conf; a value may itself hold '='
    assert (conf["spark.executor.instances"], conf["spark.kubernetes.namespace"]) == ("12", "lantern")
    assert conf["spark.hadoop.hive.metastore.uris"] == "thrift://meta:9083"
    assert parse_spark_conf(["spark.driver.extraClassPath=a=b"]) == {"spark.driver.extraClassPath": "a=b"}
    assert spark_conf(cluster_settings(tmp_path, None, []))["spark.master"] == "local[2]"


@pytest.mark.parametrize(("master", "conf", "message"), [
    ("mesos://head:5050", [], "--spark-master 'mesos://head:5050': expected local[N], spark://host:port"),
    (None, ["executor.memory=8g"], "--spark-conf 'executor.memory=8g': expected spark.<name>=<value>"),
    (None, ["spark.executor.memory"], "--spark-conf 'spark.executor.memory': expected spark.<name>=<value>"),
    (None, ["spark.sql.session.timeZone=America/Chicago"],
     "--spark-conf 'spark.sql.session.timeZone=America/Chicago': Lantern sets spark.sql.session.timeZone itself "
     "(instants are UTC inside the warehouse"),
    (None, ["spark.sql.warehouse.dir=s3a://bucket/w"], "put --home (or --network-home) on a volume the driver"),
])
def test_a_spark_option_lantern_cannot_use_is_refused_with_its_value(tmp_path: Path, master, conf, message) -> None:
    with pytest.raises(SparkSettingsError) as refused:
        cluster_settings(tmp_path, master, conf)
    assert message in str(refused.value)
