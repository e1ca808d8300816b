-- Actual weekly cash per segment, complete weeks (marts.cash_weekly).
select week_start, segment, cash
from marts.cash_weekly
where is_complete_week
order by week_start, segment
