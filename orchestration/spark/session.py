"""Start and stop Lantern's Spark session (dbt-spark's `session` method then uses the same one)."""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from orchestration.spark.settings import SparkSettings, spark_conf


class SparkUnavailable(RuntimeError):
    pass


def java_command(env: dict[str, str]) -> str:
    """The java Spark will start: JAVA_HOME's, else the first on PATH. Spark 4 needs Java 17 or newer."""
    home = env.get("JAVA_HOME")
    if home:
        java = os.path.join(home, "bin", "java")
        if os.access(java, os.X_OK):
            return java
        raise SparkUnavailable(f"JAVA_HOME is {home}, which has no bin/java: Spark needs Java 17 or newer")
    found = shutil.which("java", path=env.get("PATH"))
    if found is None:
        raise SparkUnavailable("Spark needs Java 17 or newer and there is no java on PATH (nor JAVA_HOME): install "
                               "a JDK (Debian: openjdk-17-jre-headless) or use --engine duckdb")
    return found


@contextmanager
def spark_session(settings: SparkSettings) -> Iterator:
    """A Spark session with `settings`, stopped (and its JVM with it) on leaving."""
    java_command(dict(os.environ))
    with warnings.catch_warnings():
        # about pandas-on-Spark and pandas 3: Lantern hands Spark Arrow batches (mapInArrow), never pandas frames
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
        from pyspark.sql import SparkSession  # a JVM comes with it: imported only when Spark is used

    settings.metastore_dir.mkdir(parents=True, exist_ok=True)
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    # PySpark's workers must run this interpreter (the virtualenv's), whatever `python3` is on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    for key, value in spark_conf(settings).items():
        builder = builder.config(key, value)
    spark = builder.enableHiveSupport().getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        spark.stop()
