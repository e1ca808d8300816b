"""The delivery sensor: each new delivery folder becomes a partition and a run request, once."""

from __future__ import annotations

from dagster import DagsterInstance, SensorResult, SkipReason, build_sensor_context

from orchestration.extract.sensors import new_deliveries_sensor
from orchestration.resources import LandingZoneResource


def _evaluate(instance, landing):
    context = build_sensor_context(instance=instance, resources={"landing": LandingZoneResource(path=str(landing))})
    return new_deliveries_sensor(context)


def test_new_delivery_folders_become_partitions_and_runs(tmp_path):
    for source, delivery in (("pm", "2025-02-01"), ("payer", "2025-02-01"), ("ehr", "2025-03-01")):
        (tmp_path / source / delivery).mkdir(parents=True)
    instance = DagsterInstance.ephemeral()
    result = _evaluate(instance, tmp_path)
    assert isinstance(result, SensorResult)
    assert [r.partition_key for r in result.run_requests] == ["2025-02-01", "2025-03-01"]
    assert list(result.dynamic_partitions_requests[0].partition_keys) == ["2025-02-01", "2025-03-01"]

    instance.add_dynamic_partitions("deliveries", ["2025-02-01", "2025-03-01"])
    assert isinstance(_evaluate(instance, tmp_path), SkipReason)
    (tmp_path / "payer" / "2025-04-01").mkdir()
    again = _evaluate(instance, tmp_path)
    assert [r.partition_key for r in again.run_requests] == ["2025-04-01"]
