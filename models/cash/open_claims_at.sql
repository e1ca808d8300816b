-- The claims open at the origin (the first parameter, a date): originally submitted by then, not paid by
-- then, not voided by then. Only facts dated on or before the origin are read, so a past origin sees what
-- finance saw that day. is_denied_at_origin: its first adjudication, by the origin, was a denial.
select
    claim_id,
    payer_id,
    coalesce(payer_type, 'unknown') as segment,
    cpt_code,
    submitted_date,
    coalesce(first_adjudication_date <= ? and is_denied_first_pass, false) as is_denied_at_origin
from $claims
where
    has_original_submission
    and submitted_date <= ?
    and (first_paid_date is null or first_paid_date > ?)
    and not (is_voided and cast(voided_at as date) <= ?)
    and payer_id is not null
order by claim_id
