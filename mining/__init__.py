"""Process mining of intake-to-cash: event logs and pm4py discovery, performance, variants, conformance."""
