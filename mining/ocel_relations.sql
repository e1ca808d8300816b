-- The event-to-object relations of the OCEL export (ocel_e2o.sql), in the events' order, then by
-- object type (patient, referral, appointment, claim, payment).
with

events as (
$events
),

e2o as (
$e2o
)

select
    event_id,
    activity,
    ts,
    oid,
    object_type,
    qualifier
from e2o
order by ts, case_type, case_id, event_index, type_rank
