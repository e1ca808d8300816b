-- The warehouse's as-of date.
select as_of_date from intermediate.int_as_of_date
