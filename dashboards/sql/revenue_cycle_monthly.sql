-- The revenue-cycle measures by month of original submission (kpis.md), oldest first.
select *
from marts.kpi_revenue_cycle_monthly
order by month_start
