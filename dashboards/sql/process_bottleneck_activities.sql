-- One case type's activities by the waiting time before them (their incoming edges; parameter: case_type), from
-- marts.mining_bottleneck_activities: total hours and their share of all waiting, cases, mean/median/p90 hours.
select activity, frequency, cases, total_hours, share, mean_hours, median_hours, p90_hours
from marts.mining_bottleneck_activities
where case_type = $1
order by total_hours desc, activity
