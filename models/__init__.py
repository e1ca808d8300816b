"""Denial-risk (LightGBM) and cash-forecast (Prophet) models: training, evaluation, scoring, model cards."""
