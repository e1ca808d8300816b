-- Access and operations measures by calendar month (marts.kpi_access_monthly), oldest first: referrals,
-- conversion, time to first contact, wait for first session (by month received) and no-shows (by month of
-- scheduled start).
select *
from marts.kpi_access_monthly
order by month_start
