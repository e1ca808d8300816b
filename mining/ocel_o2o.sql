-- The object-to-object relations of the OCEL export: two objects are related when one event
-- touches both and their types are one of the pairs below (source -> target, qualifier).
with

events as (
$events
),

e2o as (
$e2o
),

pairs (source_type, target_type, qualifier) as (
    values
        ('claim', 'appointment', 'bills'),
        ('claim', 'patient', 'patient'),
        ('referral', 'patient', 'patient'),
        ('appointment', 'referral', 'referral'),
        ('appointment', 'patient', 'patient'),
        ('payment', 'claim', 'pays')
)

select distinct
    sources.oid as source_oid,
    targets.oid as target_oid,
    pairs.qualifier
from e2o as sources
inner join e2o as targets
    on sources.event_id = targets.event_id
inner join pairs
    on sources.object_type = pairs.source_type
    and targets.object_type = pairs.target_type
order by source_oid, target_oid
