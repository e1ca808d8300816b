-- The events every analysis reads: the event log's columns under fixed names (case_id, activity,
-- ts, start_ts, event_index, then any extra columns asked for), in no particular order; the
-- analyses order the events of a case by start_ts, ts, event_index (pm4py's order, see schema.py).
-- Events without a case, an activity or a timestamp are left out (pm4py's format_dataframe drops
-- them too); an interval event without a start time starts when it completes.
-- The filters keep or drop whole cases (see mining.events.EventFilter).
select
    $case_id as case_id,
    $activity as activity,
    $timestamp as ts,
    $start_timestamp as start_ts,
    $event_index as event_index$extra_columns
from $relation
where $case_id is not null
    and $activity is not null
    and $timestamp is not null$case_filter
