-- What the practice's own past says about payment, as known at the origin (the first parameter): claims
-- originally submitted in the window from the second parameter (included) to the third (excluded), old enough
-- at the origin for most payments to have come. Per claim: its payer, CPT code, whether its first
-- adjudication by the origin was a denial, and, if the payer paid it by the origin, the lag in days from
-- submission to the first payment and what the payer paid (only when its last adjudication is dated by the
-- origin, so a later adjustment is not read).
select
    claim_id,
    payer_id,
    cpt_code,
    coalesce(first_adjudication_date <= ? and is_denied_first_pass, false) as was_denied,
    case when first_paid_date <= ? then datediff('day', submitted_date, first_paid_date) end as paid_lag_days,
    case when first_paid_date <= ? and last_adjudication_date <= ? then payer_paid end as paid_amount
from $claims
where
    has_original_submission
    and payer_id is not null
    and submitted_date >= ?
    and submitted_date < ?
    and not (is_voided and cast(voided_at as date) <= ?)
order by claim_id
