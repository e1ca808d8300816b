-- Up to three examples per rule: where the record was and why it was set aside.
select source, rule, file, location, reason
from (
    select
        source_system as source,
        rule_name as rule,
        _source_file as file,
        location,
        reason,
        row_number() over (partition by source_system, rule_name order by _delivery, _source_file, _position) as n
    from staging.stg_loader__quarantined_records
)
where n <= 3
order by source, rule, n
