-- What the practice's own past says about payment, as known at the origin (the first parameter): claims
-- originally submitted in the window from the seventh parameter (included) to the eighth (excluded). Per
-- claim: its age at the origin in days, its payer, CPT code, month of service, submission
-- weekday (0 = Monday), whether its first adjudication by the origin was a denial, the days from submission to
-- the first adjudication and to the first payment (null when not by the origin), and what the payer paid (only
-- when its last adjudication is dated by the origin, so a later adjustment is not read).
select
    claim_id,
    datediff('day', submitted_date, ?) as age_days,
    payer_id,
    cpt_code,
    month(date_of_service) as service_month,
    isodow(submitted_date) - 1 as submitted_weekday,
    coalesce(first_adjudication_date <= ? and is_denied_first_pass, false) as was_denied,
    case when first_adjudication_date <= ? then datediff('day', submitted_date, first_adjudication_date) end
        as adjudication_lag_days,
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
