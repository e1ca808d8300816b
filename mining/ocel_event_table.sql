-- The events of the OCEL export with their attributes, in time order (then case and the event's
-- place in it, so that events at one instant keep the event log's order).
with

events as (
$events
)

select
    event_id,
    activity,
    ts,
    case_type,
    resource,
    resource_type,
    payer_id,
    payer_type,
    amount
from events
order by ts, case_type, case_id, event_index
