-- How many months of the denial model's features have adjudicated claims (its labelled history).
select count(distinct service_month)
from marts.fct_claim_features
where is_adjudicated
