-- What the claims originally submitted each week up to the origin (the first parameter) are expected to pay:
-- the claims counted per submission week (its Monday), weekday (0 = Monday), payer, payer type, CPT code and
-- month of service (each group's amount comes from the payment history, in Python).
select
    cast(date_trunc('week', submitted_date) as date) as week_start,
    isodow(submitted_date) - 1 as submitted_weekday,
    payer_id,
    coalesce(payer_type, 'unknown') as segment,
    cpt_code,
    month(date_of_service) as service_month,
    count(*) as claims
from $claims
where
    has_original_submission
    and payer_id is not null
    and submitted_date <= ?
group by all
order by all
