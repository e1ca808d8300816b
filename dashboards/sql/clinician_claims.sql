-- One clinician's claims by month of original submission: adjudicated, first-pass denials, paid.
select
    submitted_month as month_start,
    count(*) filter (where is_adjudicated) as claims_adjudicated,
    count(*) filter (where is_denied_first_pass) as first_pass_denials,
    sum(payer_paid) as payer_paid,
    sum(patient_paid) as patient_paid
from marts.fct_claims
where clinician_npi = ? and has_original_submission
group by submitted_month
order by submitted_month
