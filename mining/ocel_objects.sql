-- The objects of the OCEL export: every object an exported event touches, with its attributes.
-- A claim's and a referral's attributes (payer_id, payer_type, clinician_npi, cpt_code, modality)
-- are those of the first event of its own case (the case's: for a claim fct_claims', for a journey
-- int_referral_journeys_bounded's), none when its case is not exported; an appointment's
-- (clinician_npi, cpt_code, modality) those of the first event touching it; a payment's source
-- ('payer' for an 835 payment, with its payer_id and payer_type; 'patient' for a patient's).
-- "First" is in time, then case and the event's place in it.
with

events as (
$events
),

e2o as (
$e2o
),

touches as (
    select
        e2o.oid,
        e2o.object_type,
        e2o.type_rank,
        e2o.qualifier,
        events.activity,
        events.payer_id,
        events.payer_type,
        events.clinician_npi,
        events.cpt_code,
        events.modality,
        row_number() over (
            partition by e2o.oid
            order by e2o.qualifier = 'case' desc, e2o.ts, e2o.case_type, e2o.case_id, e2o.event_index
        ) as touch_number
    from e2o
    inner join events
        on e2o.event_id = events.event_id
),

firsts as (
    select * from touches
    where touch_number = 1
)

select
    oid,
    object_type,
    case
        when object_type in ('claim', 'referral') and qualifier = 'case' then payer_id
        when object_type = 'payment' and activity <> 'patient paid' then payer_id
    end as payer_id,
    case
        when object_type in ('claim', 'referral') and qualifier = 'case' then payer_type
        when object_type = 'payment' and activity <> 'patient paid' then payer_type
    end as payer_type,
    case
        when (object_type in ('claim', 'referral') and qualifier = 'case') or object_type = 'appointment'
            then clinician_npi
    end as clinician_npi,
    case
        when (object_type in ('claim', 'referral') and qualifier = 'case') or object_type = 'appointment'
            then cpt_code
    end as cpt_code,
    case
        when (object_type in ('claim', 'referral') and qualifier = 'case') or object_type = 'appointment'
            then modality
    end as modality,
    case
        when object_type = 'payment' and activity = 'patient paid' then 'patient'
        when object_type = 'payment' then 'payer'
    end as payment_source
from firsts
order by type_rank, oid
