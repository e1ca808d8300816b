-- The event-to-object relations of the OCEL export, read from the `events` CTE (ocel_events.sql):
-- one row per event and object it touches. An object's id is its type and its key ('claim:<CLM01>',
-- 'appointment:<appointment_id>': a claim and the appointment it bills share a key). The qualifier
-- says why the event touches it: 'case' for the object whose case the event is in the event log
-- (a journey's referral, a claim's claim), so both case notions can be rebuilt from the file;
-- 'remittance' for the 835 payment an adjudication came in, 'patient payment' for a patient's;
-- else the object's type.
select
    event_id, activity, ts, case_type, case_id, event_index,
    'patient' as object_type, 1 as type_rank, 'patient:' || patient_mrn as oid, 'patient' as qualifier
from events
where patient_mrn is not null
union all
select
    event_id, activity, ts, case_type, case_id, event_index,
    'referral', 2, 'referral:' || referral_id,
    case when case_type = 'patient_journey' then 'case' else 'referral' end
from events
where referral_id is not null
union all
select
    event_id, activity, ts, case_type, case_id, event_index,
    'appointment', 3, 'appointment:' || appointment_id, 'appointment'
from events
where appointment_id is not null
union all
select
    event_id, activity, ts, case_type, case_id, event_index,
    'claim', 4, 'claim:' || claim_id, 'case'
from events
where claim_id is not null
union all
select
    event_id, activity, ts, case_type, case_id, event_index,
    'payment', 5, 'payment:' || payment_id,
    case when activity = 'patient paid' then 'patient payment' else 'remittance' end
from events
where payment_id is not null
