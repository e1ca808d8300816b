"""Weekly cash series forecasts and their backtest (models.cash.series, models.cash.backtest), on series with a
known answer."""

import numpy as np
import pandas as pd
import pytest

from models.cash import backtest
from models.cash.series import business_days, prophet, seasonal_naive


def weekly(values, start="2023-01-02"):
    return pd.Series(np.asarray(values, dtype=float), index=pd.date_range(start, periods=len(values), freq="7D"))


def test_business_days_leave_out_federal_holidays():
    weeks = pd.DatetimeIndex(["2025-11-24", "2025-12-01", "2025-12-22", "2025-06-30"])
    # Thanksgiving Thu 11-27; none; Christmas Thu 12-25; Independence Day Fri 07-04
    assert business_days(weeks).tolist() == [4.0, 5.0, 4.0, 4.0]


def test_seasonal_naive_is_last_years_week_scaled_by_the_recent_trend():
    # 65 weeks: 100 a week except index 20 at 300; the last 13 weeks (52..64) are 110 each while the same 13
    # weeks a year before (0..12) were 100: trend 1.1.
    values = [100.0] * 65
    values[20] = 300.0
    values[52:] = [110.0] * 13
    history = weekly(values)
    result = seasonal_naive(history, horizon=3)
    # h = 1, 2, 3 (indices 65-67) twin indices 13, 14, 15 (100 each): 100 x 1.1
    assert result.forecast.tolist() == pytest.approx([110.0, 110.0, 110.0])
    assert result.week_start[0] == history.index[-1] + pd.Timedelta(weeks=1)
    # h = 8 twins index 20 (the 300 week); h = 49 twins index 61, in the recent 13 weeks (110)
    long = seasonal_naive(history, horizon=52)
    assert long.forecast[7] == pytest.approx(300.0 * 1.1)
    assert long.forecast[48] == pytest.approx(110.0 * 1.1)
    assert seasonal_naive(history, 1, residual_scale=10.0).hi95[0] == pytest.approx(110.0 + 1.959963984540054 * 10)
    with pytest.raises(ValueError, match="needs 65 weeks"):
        seasonal_naive(weekly([1.0] * 64), 1)


def test_accuracy_measures_worked_by_hand():
    actual, forecast = np.array([100.0, 200.0, 0.0]), np.array([110.0, 180.0, 10.0])
    # |errors| 10 + 20 + 10 = 40 over |actuals| 300
    assert backtest.wape(actual, forecast) == pytest.approx(40 / 300)
    # the zero actual is left out: (10/100 + 20/200) / 2
    assert backtest.mape(actual, forecast) == pytest.approx(0.1)
    assert backtest.bias(actual, forecast) == pytest.approx((10 - 20 + 10) / 300)
    # 100 in [90, 105] and 200 in [190, 210]; 0 is below [1, 5]
    assert backtest.coverage(actual, [90, 190, 1], [105, 210, 5]) == pytest.approx(2 / 3)
    # a row without an interval yet (NaN bounds) is left out
    assert backtest.coverage(actual, [90, np.nan, 1], [105, np.nan, 5]) == pytest.approx(1 / 2)
    assert np.isnan(backtest.coverage(actual, [np.nan] * 3, [np.nan] * 3))


def test_accuracy_scores_the_rows_of_a_horizon_band():
    # Two origins' seasonal-naive forecasts of a flat series: 4 weeks had happened after the first, 2 after the
    # second (models.cash.forecast.run keeps only the weeks that happened).
    history = weekly([100.0] * 70)
    frame = pd.concat([seasonal_naive(history.iloc[:origin + 1], 4).frame().assign(
        origin=history.index[origin], horizon_weeks=np.arange(1, 5), actual=100.0).head(weeks)
        for origin, weeks in ((65, 4), (67, 2))], ignore_index=True)
    assert frame.groupby("origin").size().tolist() == [4, 2]
    assert (frame["actual"] == 100.0).all() and np.allclose(frame["forecast"], 100.0)
    table = backtest.accuracy(frame, bands=((1, 4),))
    assert table.loc[0, "rows"] == 6 and table.loc[0, "wape"] == pytest.approx(0.0)


def test_prophet_recovers_a_seasonal_series_with_honest_intervals():
    rng = np.random.default_rng(0)
    weeks = pd.date_range("2021-01-04", periods=160, freq="7D")
    season = 1 + 0.15 * np.sin(2 * np.pi * weeks.dayofyear / 365.25)
    truth = 50_000 * season * business_days(weeks) / 5
    history = pd.Series(truth * (1 + rng.normal(0, 0.03, len(weeks))), index=weeks)
    result = prophet(history.iloc[:-13], 13)
    actual = history.iloc[-13:].to_numpy()
    assert backtest.wape(actual, result.forecast) < 0.06
    assert (result.lo95 <= result.lo80).all() and (result.lo80 <= result.forecast).all()
    assert (result.forecast <= result.hi80).all() and (result.hi80 <= result.hi95).all()


def test_intervals_come_from_the_errors_known_at_each_origin():
    from models.cash.intervals import MIN_ERRORS, with_past_error_intervals

    assert MIN_ERRORS == 8
    # One horizon (1 week), origins weekly from 2024-01-01; every forecast is 100 and the actuals of weeks
    # 1..10 are 90, 91, ..., 99 and then 110: relative errors -0.10, -0.09, ..., -0.01, +0.10.
    origins = pd.date_range("2024-01-01", periods=11, freq="7D")
    frame = pd.DataFrame({"origin": origins, "horizon_weeks": 1, "week_start": origins + pd.Timedelta(weeks=1),
                          "forecast": 100.0, "actual": [90.0 + i for i in range(10)] + [110.0]})
    for column in ("lo80", "hi80", "lo95", "hi95"):
        frame[column] = 0.0
    result = with_past_error_intervals(frame)
    # The origin at index k knows the errors of the rows whose target week started before its own week ended,
    # i.e. rows 0..k-1: fewer than 8 until k = 8.
    assert result.loc[:7, "lo80"].isna().all()
    # k = 8 knows the errors -0.10 ... -0.03 (8 values): 10% quantile = -0.10 + 0.7 * 0.01 = -0.093.
    assert result.loc[8, "lo80"] == pytest.approx(100 * (1 - 0.093))
    # 90% quantile of the same: -0.10 + 6.3 * 0.01 = -0.037.
    assert result.loc[8, "hi80"] == pytest.approx(100 * (1 - 0.037))
    # k = 10 knows the 10 errors -0.10 ... -0.01: its own +0.10 is not among them.
    assert result.loc[10, "hi95"] == pytest.approx(100 * (1 + (-0.10 + 0.975 * 9 * 0.01)))
