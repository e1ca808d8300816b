-- First-pass denials and claims adjudicated by month of original submission and clinician.
select
    c.submitted_month as month_start,
    coalesce(d.clinician_name, c.clinician_npi) as category,
    count(*) filter (where c.is_adjudicated) as claims_adjudicated,
    count(*) filter (where c.is_denied_first_pass) as first_pass_denials
from marts.fct_claims as c
left join marts.dim_clinicians as d using (clinician_npi)
where c.has_original_submission
group by all
order by month_start, category
