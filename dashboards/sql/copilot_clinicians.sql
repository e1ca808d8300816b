-- The practice's clinicians for the co-pilot's picker: NPI, name and credential, by name. Parameter: a clinician's
-- NPI to list only them (a clinician viewer), or null for every clinician.
select clinician_npi, clinician_name, credential
from marts.dim_clinicians
where $1::varchar is null or clinician_npi = $1::varchar
order by clinician_name, clinician_npi
