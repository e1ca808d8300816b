-- One case type's directly-follows edges by the waiting time they hold (parameter: case_type), from
-- marts.mining_bottleneck_edges: total hours and their share of all waiting, cases, mean/median/p90 hours.
select source, target, frequency, cases, total_hours, share, mean_hours, median_hours, p90_hours
from marts.mining_bottleneck_edges
where case_type = $1
order by total_hours desc, source, target
