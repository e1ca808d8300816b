-- PHQ-9 and GAD-7 outcomes per clinician and instrument (marts.kpi_outcomes_clinician, already suppressed under
-- 11 patients), with the clinician's name; most patients first, suppressed clinicians last. Parameter: a
-- clinician's NPI to keep only their row (a clinician viewer), or null for every clinician.
select
    o.instrument,
    o.clinician_npi,
    coalesce(c.clinician_name, o.clinician_npi) as clinician_name,
    c.credential,
    o.is_suppressed,
    o.patients_seen,
    o.share_measurable,
    o.reliable_improvement_rate,
    o.response_rate,
    o.remission_rate
from marts.kpi_outcomes_clinician as o
left join marts.dim_clinicians as c using (clinician_npi)
where $1::varchar is null or o.clinician_npi = $1::varchar
order by o.instrument, o.is_suppressed, o.patients_seen desc nulls last, clinician_name
