-- How many rows of $table one warehouse holds that the other does not, each way: multiset differences, so a row
-- held twice on one side and once on the other counts once. Doubles compare exactly, NaN equal to NaN.
select
    (select count(*) from (select * from lw.$table $where except all select * from rw.$table $where)) as left_only,
    (select count(*) from (select * from rw.$table $where except all select * from lw.$table $where)) as right_only
