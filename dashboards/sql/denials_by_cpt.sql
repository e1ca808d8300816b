-- First-pass denials and claims adjudicated by month of original submission and CPT code.
select
    submitted_month as month_start,
    cpt_code as category,
    count(*) filter (where is_adjudicated) as claims_adjudicated,
    count(*) filter (where is_denied_first_pass) as first_pass_denials
from marts.fct_claims
where has_original_submission
group by all
order by month_start, category
