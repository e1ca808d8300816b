-- The days each payer paid on (its payment runs), as known at the origin (the first parameter): the first
-- payments of the claims, over the two years before it.
select distinct
    payer_id,
    first_paid_date as run_date
from $claims
where
    payer_id is not null
    and first_paid_date <= ?
    and first_paid_date > ? - interval 730 day
order by payer_id, run_date
