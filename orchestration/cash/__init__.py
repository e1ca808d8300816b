"""The cash forecast's asset (issue 6): `marts/cash_forecast`, with its backtest and accuracy tables."""
