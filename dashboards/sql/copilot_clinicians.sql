-- The practice's clinicians for the co-pilot's picker: NPI, name and credential, by name.
select clinician_npi, clinician_name, credential
from marts.dim_clinicians
order by clinician_name, clinician_npi
