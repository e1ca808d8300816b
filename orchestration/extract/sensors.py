"""A sensor that turns new delivery folders into partitions and loads them."""


from pathlib import Path

from dagster import RunRequest, SensorEvaluationContext, SensorResult, SkipReason, define_asset_job, sensor

from orchestration.extract.assets import deliveries, extract_assets
from orchestration.extract.loader import delivery_names
from orchestration.resources import LandingZoneResource

extract_job = define_asset_job("extract_deliveries", selection=extract_assets)


@sensor(job=extract_job, minimum_interval_seconds=60,
        description="Adds a partition for each new delivery folder in the landing zone and loads it.")
def new_deliveries_sensor(context: SensorEvaluationContext, landing: LandingZoneResource):
    found = delivery_names(Path(landing.path))
    known = set(context.instance.get_dynamic_partitions(deliveries.name))
    new = [name for name in found if name not in known]
    if not new:
        return SkipReason(f"no new delivery in {landing.path}")
    return SensorResult(
        run_requests=[RunRequest(partition_key=name, run_key=f"delivery-{name}") for name in new],
        dynamic_partitions_requests=[deliveries.build_add_request(new)],
    )
