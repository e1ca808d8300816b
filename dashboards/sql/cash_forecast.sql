-- The 13-week cash forecast: every method, segment and week (marts.cash_forecast).
select *
from marts.cash_forecast
order by method, segment, week_start
