-- The directly-follows pairs of an event log, read from the table mining.dfg.prepare_pairs wrote
-- (activities as integer codes, decoded by its activities table); the filters keep whole cases.
pairs as (
    select source, target, micros
    from $pairs_table
    where true$case_filter
)
