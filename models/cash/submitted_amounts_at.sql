-- What the claims originally submitted each week up to the origin (the first parameter) are expected to pay:
-- per claim, its submission date, payer, payer type, CPT code and month of service (the amount comes from the
-- payment history, in Python).
select
    submitted_date,
    payer_id,
    coalesce(payer_type, 'unknown') as segment,
    cpt_code,
    month(date_of_service) as service_month
from $claims
where
    has_original_submission
    and payer_id is not null
    and submitted_date <= ?
order by submitted_date, claim_id
