-- When the claims were last scored, and by which model version.
select
    'denial risk (model ' || max(model_version) || ')' as asset,
    cast(max(scored_at) as varchar) as newest_data,
    cast(max(date_of_service) as varchar) as as_of
from marts.claim_denial_risk
