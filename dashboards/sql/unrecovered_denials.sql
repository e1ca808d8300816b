-- Unrecovered denials per clinician per service year (the seed's revenue loss per provider), with the name.
select
    u.service_year,
    u.clinician_npi,
    coalesce(c.clinician_name, u.clinician_npi) as clinician,
    u.finally_denied_claims,
    u.finally_denied_charges,
    u.unrecovered_denials
from marts.kpi_unrecovered_denials as u
left join marts.dim_clinicians as c using (clinician_npi)
order by u.service_year, u.unrecovered_denials desc
