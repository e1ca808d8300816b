-- The events of the OCEL export: the event log's events of the cases the filters keep, with the
-- objects each touches. A case is (case_type, case_id): a referral and a claim may share an id.
-- The filters keep or drop whole cases (see mining.ocel.ocel_from_event_log). Events without an
-- id, an activity or a timestamp are left out, as pm4py leaves them out of any log. A journey's
-- referral is its case; a claim event's referral is the one its appointment carries.
with

cases as (
    select case_type, case_id
    from $relation
    where event_at is not null
    group by case_type, case_id
    having true$case_filter
)

select
    events.event_id,
    events.case_type,
    events.case_id,
    events.activity,
    events.event_at as ts,
    events.event_order as event_index,
    events.resource,
    events.resource_type,
    events.patient_mrn,
    case when events.case_type = 'patient_journey' then events.case_id else events.referral_id end as referral_id,
    events.appointment_id,
    case when events.case_type = 'claim' then events.case_id end as claim_id,
    events.payment_id,
    events.payer_id,
    events.payer_type,
    events.clinician_npi,
    events.cpt_code,
    events.modality,
    cast(events.amount as double) as amount
from $relation as events
semi join cases
    on events.case_type = cases.case_type
    and events.case_id = cases.case_id
where events.event_id is not null
    and events.activity is not null
    and events.event_at is not null
