-- The claims behind the denial numbers: every claim denied on first pass, newest first, with what became of it.
select
    c.claim_id,
    c.submitted_month as month_start,
    c.date_of_service,
    coalesce(p.payer_name, c.payer_id) as payer,
    c.cpt_code,
    coalesce(d.clinician_name, c.clinician_npi) as clinician,
    c.first_denial_reason || ': ' || coalesce(c.first_denial_reason_description, 'unknown reason') as reason,
    c.charge,
    c.is_resubmitted_after_denial,
    c.is_recovered_by_resubmission,
    c.is_finally_denied,
    c.payer_paid
from marts.fct_claims as c
left join marts.dim_payers as p using (payer_id)
left join marts.dim_clinicians as d using (clinician_npi)
where c.is_denied_first_pass
order by c.submitted_month desc, c.claim_id
