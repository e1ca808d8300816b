-- The billing work queue: unbilled sessions (ranked by expected loss) and the newest month's claims, each with
-- its denial risk, reasons and fixes (marts.claim_denial_risk). Parameter: a clinician's NPI to keep only their
-- sessions (a clinician viewer), or null for every clinician's.
select
    r.work_queue_rank,
    r.claim_id,
    r.is_billed,
    r.date_of_service,
    coalesce(p.payer_name, r.payer_id) as payer,
    r.cpt_code,
    r.clinician_npi,
    coalesce(d.clinician_name, r.clinician_npi) as clinician,
    r.denial_probability,
    r.risk_band,
    r.expected_loss,
    r.reason_1,
    r.fix_1,
    r.reason_2,
    r.fix_2,
    r.reason_3,
    r.fix_3,
    array_to_string(r.missing_elements, ', ') as missing_documentation
from marts.claim_denial_risk as r
left join marts.dim_payers as p using (payer_id)
left join marts.dim_clinicians as d using (clinician_npi)
where (not r.is_billed
        or r.date_of_service >= (select max(date_of_service) from marts.claim_denial_risk) - interval 30 day)
    and ($1::varchar is null or r.clinician_npi = $1::varchar)
order by r.work_queue_rank nulls last, r.expected_loss desc nulls last
