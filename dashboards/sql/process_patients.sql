-- The cases of one case type that the process explorer's filters keep, and their distinct patients (for the CMS
-- cell-size rule). The filters mean what mining.events.EventFilter means, so these are the map's cases: a case's
-- start is its first event_at; a payer, clinician or modality keeps the cases with at least one event carrying
-- it. Parameters: case_type; the case start's lower bound (inclusive) and upper bound (exclusive), each a timestamp
-- or null; the payer ids, clinician NPIs and modalities (lists, empty for all).
with kept as (
    select case_id
    from marts.event_log
    where case_type = $1
    group by case_id
    having ($2::timestamp is null or min(event_at) >= $2::timestamp)
        and ($3::timestamp is null or min(event_at) < $3::timestamp)
        and (len($4::varchar[]) = 0 or bool_or(list_contains($4::varchar[], payer_id)))
        and (len($5::varchar[]) = 0 or bool_or(list_contains($5::varchar[], clinician_npi)))
        and (len($6::varchar[]) = 0 or bool_or(list_contains($6::varchar[], modality)))
)

select count(*) as cases, count(distinct cases.patient_mrn) as patients
from kept
inner join marts.event_log_cases as cases on cases.case_id = kept.case_id and cases.case_type = $1
