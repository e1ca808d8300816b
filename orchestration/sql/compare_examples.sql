-- A few rows of $table that the $first warehouse holds and the $second does not, for the message.
select * from $first.$table $where
except all
select * from $second.$table $where
order by all
limit $limit
