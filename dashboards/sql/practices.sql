-- The practices of the warehouse (a row each in the as-of dates).
select practice_id from intermediate.int_as_of_date order by practice_id
