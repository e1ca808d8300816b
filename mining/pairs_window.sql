-- The directly-follows pairs of an event log, computed now: every event once as a source, with the
-- next event of its case as the target (none when it ends the case) and the time between them in
-- microseconds (the target's start minus the source's timestamp). Activities are their own codes.
events as (
$events
),

pairs as (
    select
        activity as source,
        lead(activity) over case_order as target,
        date_diff('microsecond', ts, lead(start_ts) over case_order) as micros
    from events
    window case_order as (partition by case_id order by $order_by)
)
