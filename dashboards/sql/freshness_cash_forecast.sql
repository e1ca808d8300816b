-- The cash forecast's origin (the end of the last complete week it saw).
select
    'cash forecast' as asset,
    cast(min(origin) as varchar) as newest_data,
    cast(min(origin) as varchar) as as_of
from marts.cash_forecast
