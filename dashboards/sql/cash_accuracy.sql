-- The forecast's backtest accuracy per segment, method and horizon (marts.cash_forecast_accuracy).
select *
from marts.cash_forecast_accuracy
order by segment, method, horizons
