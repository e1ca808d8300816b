-- A/R, days in A/R and the over-90 share, one row per day, oldest first.
select *
from marts.kpi_ar_daily
order by ar_date
