"""How Lantern's Spark session is set up: pure data, turned into Spark configuration in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

LOG4J = Path(__file__).with_name("log4j2.properties")


@dataclass(frozen=True)
class SparkSettings:
    """Where Spark keeps the warehouse's tables and their catalog, and how big it may be.

    `master` is `local[N]` on one machine (N cores) or a cluster's URL (spark://, k8s://, yarn). The catalog is a Hive
    metastore in an embedded Derby database under `metastore_dir`, so the tables of one build are there for the next
    step and the next build; a cluster would point `extra` at its own metastore instead (docs/scaling.md).
    """

    warehouse_dir: Path
    metastore_dir: Path
    master: str = "local[2]"
    driver_memory: str = "4g"
    shuffle_partitions: int = 8
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def under(cls, folder: Path, **options) -> SparkSettings:
        """The settings for a Spark warehouse kept in `folder` (`<home>/spark` for a practice or a network)."""
        return cls(warehouse_dir=folder / "warehouse", metastore_dir=folder / "metastore", **options)


def spark_conf(settings: SparkSettings) -> dict[str, str]:
    """The Spark configuration for `settings`: the key to every value Lantern depends on is here."""
    metastore = settings.metastore_dir.resolve()
    conf = {
        "spark.master": settings.master,
        "spark.app.name": "lantern",
        "spark.driver.memory": settings.driver_memory,
        "spark.sql.warehouse.dir": str(settings.warehouse_dir.resolve()),
        "spark.sql.catalogImplementation": "hive",
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={metastore / 'db'};create=true",
        # Derby writes derby.log into the current directory unless told where its home is; Spark's log: errors.
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={metastore} -Dlog4j2.configurationFile={LOG4J}",
        "spark.sql.shuffle.partitions": str(settings.shuffle_partitions),
        # Instants are UTC inside the warehouse, as on DuckDB; the practice's zone is applied by the SQL.
        "spark.sql.session.timeZone": "UTC",
        # ANSI SQL (Spark 4's default, said here so that a cluster set otherwise does not change results): an
        # overflow or a bad cast is an error, not a silent null.
        "spark.sql.ansi.enabled": "true",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # No patient data leaves the machine: nothing is sent to a history server or an event log by default.
        "spark.eventLog.enabled": "false",
        # Instants as Parquet's UTC-adjusted microseconds (not the legacy INT96), which DuckDB reads as instants too.
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    }
    if settings.master.startswith("local"):
        # One machine: the driver's ports listen on the loopback interface only, not on the machine's network.
        conf["spark.driver.bindAddress"] = "127.0.0.1"
        conf["spark.driver.host"] = "127.0.0.1"
    conf.update(settings.extra)
    return conf


# spark-submit's master URLs (Spark 4 has no Mesos): one machine, a standalone cluster, Kubernetes, YARN.
MASTER_PREFIXES = ("local", "spark://", "k8s://", "yarn")


# Settings the warehouse's numbers or Lantern's reading of them depend on: not a cluster's to change.
FIXED = {
    "spark.sql.warehouse.dir": "the tables are read back from <home>/spark/warehouse: put --home (or --network-home) "
                               "on a volume the driver and the executors share",
    "spark.sql.session.timeZone": "instants are UTC inside the warehouse, as on DuckDB",
    "spark.sql.ansi.enabled": "a bad cast or an overflow must be an error, not a silent null",
    "spark.sql.parquet.outputTimestampType": "DuckDB reads TIMESTAMP_MICROS back as instants",
}


class SparkSettingsError(ValueError):
    """A Spark option on the command line that Lantern cannot use; the message names the option and the value."""


def parse_spark_conf(pairs: list[str]) -> dict[str, str]:
    """`--spark-conf KEY=VALUE` options, as spark-submit's `--conf` takes them, as a dict; the last of a repeated key
    wins, as in spark-submit."""
    conf = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        key = key.strip()
        if not separator or not key.startswith("spark.") or key == "spark.":
            raise SparkSettingsError(f"--spark-conf {pair!r}: expected spark.<name>=<value>, for example "
                                     "spark.executor.memory=8g")
        if key in FIXED:
            raise SparkSettingsError(f"--spark-conf {pair!r}: Lantern sets {key} itself ({FIXED[key]})")
        conf[key] = value
    return conf


def cluster_settings(folder: Path, master: str | None, conf: list[str]) -> SparkSettings:
    """The settings for a Spark warehouse kept in `folder`, with the command line's master URL and extra
    configuration; `local[2]` and the defaults when neither is given."""
    if master is not None and not master.startswith(MASTER_PREFIXES):
        raise SparkSettingsError(f"--spark-master {master!r}: expected local[N], spark://host:port, "
                                 "k8s://https://host:port or yarn")
    options = {"master": master} if master is not None else {}
    return SparkSettings.under(folder, extra=parse_spark_conf(conf), **options)
