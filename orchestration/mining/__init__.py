"""Process mining of the warehouse's event log (`marts.event_log`) as a Dagster asset: the process maps and
variants per case type as `marts.mining_*` tables, and the logs as XES files."""
