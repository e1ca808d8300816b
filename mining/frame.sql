-- The events as the pandas frame handed to pm4py: the schema's column names, case and activity as
-- text (pm4py wants strings), rows by case and then in the events' order, as pm4py expects them.
with events as (
$events
)
select
    cast(case_id as varchar) as $case_id,
    cast(activity as varchar) as $activity,
    ts as $timestamp,$start_timestamp
    event_index as $event_index
from events
order by case_id, $order_by
