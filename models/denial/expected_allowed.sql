-- The typical allowed amount per payer x CPT code, for the expected loss of a scored claim: the median allowed
-- (linear interpolation, rounded to the cent) of the paid claims (payer paid > 0) with a date of service from
-- the first parameter (included) to the second (excluded): the model's training and validation months. The
-- CPT code's median over all payers ('*|<cpt>') and the overall median ('*|*') are the fallbacks.
select
    coalesce(payer_id, '*') || '|' || coalesce(cpt_code, '*') as allowed_key,
    round(quantile_cont(allowed, 0.5), 2) as expected_allowed
from $claims
where
    payer_paid > 0
    and allowed is not null
    and date_of_service >= ?
    and date_of_service < ?
group by grouping sets ((payer_id, cpt_code), (cpt_code), ())
order by allowed_key
