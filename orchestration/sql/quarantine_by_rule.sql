-- Quarantined records per source and rule, most frequent first.
select source, rule, count(*) as records
from raw.quarantine
group by source, rule
order by records desc, source, rule
