"""The denial-risk model as Dagster assets: training a candidate version into the model store, a blocking check
on its test metrics that promotes it, and the scoring of every claim and unbilled session into
`marts.claim_denial_risk` with the promoted model."""
