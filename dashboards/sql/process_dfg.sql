-- One case type's process map edges (parameter: case_type) from marts.mining_dfg, the whole log unfiltered:
-- source, target, frequency, mean/median/p90 hours; most frequent first.
select source, target, frequency, mean_hours, median_hours, p90_hours
from marts.mining_dfg
where case_type = $1
order by frequency desc, source, target
