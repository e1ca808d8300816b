-- All the cases of one case type and their distinct patients (parameter: case_type), from marts.event_log_cases:
-- process_patients.sql without filters, without its pass over every event.
select count(*) as cases, count(distinct patient_mrn) as patients
from marts.event_log_cases
where case_type = $1
