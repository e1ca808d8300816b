-- How fresh each part of the warehouse is: the newest delivery and the as-of date, when the claims were last
-- scored and by which model, and the cash forecast's origin (the tables later steps write may be missing:
-- the page asks has_table first and runs the parts that exist).
select
    'warehouse (dbt)' as asset,
    cast(newest_delivery_date as varchar) as newest_data,
    cast(as_of_date as varchar) as as_of
from intermediate.int_as_of_date
