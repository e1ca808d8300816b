-- The denial model's chance of a first-pass denial for the claims it did not learn from: those of its test
-- months and those not yet adjudicated ('new'). A claim it trained or was calibrated on is left out: its score
-- would carry the outcome the backtest is to forecast.
select
    claim_id,
    denial_probability
from $risk
where split in ('test', 'new')
order by claim_id
