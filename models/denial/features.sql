-- The denial model's rows: every row of the feature mart (claims with an original submission and the
-- unbilled work queue), with the month that decides its split (scored_at's month, in UTC) and its label.
-- The columns are the mart's columns the model reads, quoted by models.denial.dataset.
select
    $columns,
    cast(date_trunc('month', timezone('UTC', scored_at)) as date) as split_month,
    case
        when is_billed and is_denied_first_pass is not null then cast(is_denied_first_pass as integer)
    end as label
from $relation
order by claim_id
