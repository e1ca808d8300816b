"""The demo practice: a seeded generator that writes a realistic landing zone and its ground truth."""
