"""Great Expectations suites for every raw table, and the quarantine rules for rows that fail them."""
