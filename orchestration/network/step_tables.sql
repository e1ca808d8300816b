-- The marts the steps after dbt wrote into a practice's warehouse: mining's (not its working pairs), the denial risk
-- and the cash forecast's.
select table_name
from duckdb_tables()
where schema_name = 'marts'
    and (table_name like 'mining\_%' escape '\' or table_name in (
        'claim_denial_risk', 'cash_forecast', 'cash_forecast_backtest', 'cash_forecast_accuracy'))
    and table_name not like 'mining\_pairs\_%' escape '\'
order by table_name
