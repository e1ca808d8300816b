-- First-pass denials by month and reason (CARC with its text), beside the month's claims adjudicated
-- (marts.kpi_denial_reasons_monthly).
select
    month_start,
    denial_reason || ': ' || coalesce(denial_reason_description, 'unknown reason') as category,
    claims_adjudicated,
    first_pass_denials
from marts.kpi_denial_reasons_monthly
order by month_start, category
