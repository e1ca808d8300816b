-- Quarantined records per source, table and rule, most frequent first.
select
    source_system as source,
    table_name,
    rule_name as rule,
    count(*) as records
from staging.stg_loader__quarantined_records
group by all
order by records desc, source, rule
