"""Extraction: landing-zone deliveries into the raw layer, through the data contracts."""
