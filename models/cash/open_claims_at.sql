-- The claims open at the origin (the first parameter, a date): originally submitted by then, not paid by
-- then, not voided by then. Only facts dated on or before the origin are read, so a past origin sees what
-- finance saw that day. Its state: 'pending' (not adjudicated by the origin), 'denied' (its first
-- adjudication was a denial) or 'unpaid' (adjudicated without a denial, and the payer paid nothing).
select
    claim_id,
    payer_id,
    coalesce(payer_type, 'unknown') as segment,
    cpt_code,
    month(date_of_service) as service_month,
    submitted_date,
    case
        when first_adjudication_date is null or first_adjudication_date > ? then 'pending'
        when is_denied_first_pass then 'denied'
        else 'unpaid'
    end as state
from $claims
where
    has_original_submission
    and submitted_date <= ?
    and (first_paid_date is null or first_paid_date > ?)
    and not (is_voided and cast(voided_at as date) <= ?)
    and payer_id is not null
order by claim_id
