-- The forecast's headline: per method, total cash's WAPE one and four weeks ahead, over 1-4 and 5-13, the 80%
-- interval's coverage over 1-4, and the first 4 weeks' forecast from the last complete week.
select
    a.method,
    a.is_chosen,
    max(a.origins) as origins,
    max(a.wape) filter (where a.horizons = '1') as wape_1,
    max(a.wape) filter (where a.horizons = '4') as wape_4,
    max(a.wape) filter (where a.horizons = '1-4') as wape_1_4,
    max(a.wape) filter (where a.horizons = '5-13') as wape_5_13,
    max(a.coverage80) filter (where a.horizons = '1-4') as coverage80_1_4,
    (select sum(f.forecast) from marts.cash_forecast as f
     where f.segment = 'total' and f.method = a.method and f.horizon_weeks <= 4) as next_4_weeks,
    (select min(f.origin) from marts.cash_forecast as f) as origin
from marts.cash_forecast_accuracy as a
where a.segment = 'total'
group by a.method, a.is_chosen
order by a.is_chosen desc, wape_1_4
