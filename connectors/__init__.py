"""Pure readers and validators for the landing zone: FHIR NDJSON, X12 5010, PM CSV. No Dagster imports."""
