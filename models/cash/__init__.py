"""The cash forecast (issue 6): cash from claims already out (`open_claims`) and from care not yet billed."""
