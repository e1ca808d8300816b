"""Writers that turn the generator's internal records into landing-zone files (X12, FHIR, CSV)."""
