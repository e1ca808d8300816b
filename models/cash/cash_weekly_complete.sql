-- The practice's weekly cash per segment (payer types, patient, total), complete weeks only: the forecast's
-- history and the backtest's actuals.
select
    week_start,
    segment,
    cash
from $cash_weekly
where is_complete_week
order by week_start, segment
