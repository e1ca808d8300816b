-- What the process explorer's filters offer for one case type (parameter: case_type), from marts.event_log_cases:
-- per dimension (payer, clinician, modality) each value with a label (payer and clinician names from the dims) and
-- its cases, most cases first; and the dimension 'case start' with the first and last day a case started.
with cases as (
    select * from marts.event_log_cases where case_type = $1
)

select 'payer' as dimension, cases.payer_id as value,
    coalesce(payers.payer_name || ' (' || cases.payer_id || ')', cases.payer_id) as label, count(*) as cases,
    null::date as first_day, null::date as last_day
from cases
left join marts.dim_payers as payers on payers.payer_id = cases.payer_id
where cases.payer_id is not null
group by all

union all

select 'clinician', cases.clinician_npi, coalesce(clinicians.clinician_name, cases.clinician_npi), count(*), null, null
from cases
left join marts.dim_clinicians as clinicians on clinicians.clinician_npi = cases.clinician_npi
where cases.clinician_npi is not null
group by all

union all

select 'modality', modality, modality, count(*), null, null
from cases
where modality is not null
group by all

union all

select 'case start', null, null, count(*), min(start_at)::date, max(start_at)::date
from cases

order by dimension, cases desc, value
