-- The forecast run's rows (registered as forecast_rows, backtest_rows and accuracy_rows), columns matched by name.
insert into marts.cash_forecast by name select * from forecast_rows;
insert into marts.cash_forecast_backtest by name select * from backtest_rows;
insert into marts.cash_forecast_accuracy by name select * from accuracy_rows;
