"""The denial-risk model: features as of each claim's submission (`marts.fct_claim_features`), a LightGBM
classifier with calibrated probabilities, its baselines and evaluation, reasons with fixes, a versioned
model store with a model card, and the scoring of every claim and unbilled session.

Modules: `dataset` (load, encode, split by month), `calibration`, `train`, `model` (a trained model:
booster, calibrator, encoding), `baselines`, `metrics`, `reasons`, `store`, `card`, `score`.
"""
