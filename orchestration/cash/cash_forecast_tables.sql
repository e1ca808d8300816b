-- marts.cash_forecast, marts.cash_forecast_backtest and marts.cash_forecast_accuracy, emptied: each forecast
-- run replaces their rows (models.cash.forecast describes the columns).
create schema if not exists marts;

create or replace table marts.cash_forecast (
    origin date not null,
    week_start date not null,
    horizon_weeks integer not null,
    segment varchar not null,
    method varchar not null,
    is_chosen boolean not null,
    forecast double not null,
    lo80 double,
    hi80 double,
    lo95 double,
    hi95 double,
    from_open_claims double,
    from_future_care double,
    from_patients double,
    primary key (week_start, segment, method)
);

create or replace table marts.cash_forecast_backtest (
    origin date not null,
    horizon_weeks integer not null,
    week_start date not null,
    segment varchar not null,
    method varchar not null,
    actual double not null,
    forecast double not null,
    lo80 double,
    hi80 double,
    lo95 double,
    hi95 double,
    primary key (origin, horizon_weeks, segment, method)
);

create or replace table marts.cash_forecast_accuracy (
    segment varchar not null,
    method varchar not null,
    horizons varchar not null,
    origins integer not null,
    "rows" integer not null,
    wape double,
    mape double,
    bias double,
    coverage80 double,
    coverage95 double,
    is_chosen boolean not null,
    primary key (segment, method, horizons)
);
