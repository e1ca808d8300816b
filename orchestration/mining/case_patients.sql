-- Each case's patient, for the XES export's trace attribute `patient`: the MRN its events name (a referral
-- that never became a patient names none; a case names at most one, the largest if the log ever had two).
select
    case_id,
    max(patient_mrn) as patient
from $relation
group by case_id
having max(patient_mrn) is not null
