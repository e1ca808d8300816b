-- One case type's start and end activities (parameter: case_type) from marts.mining_start_end, the whole log
-- unfiltered: kind ('start' or 'end'), activity, the cases it starts or ends and their share.
select kind, activity, cases, share
from marts.mining_start_end
where case_type = $1
order by kind desc, cases desc, activity
