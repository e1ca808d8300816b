-- Files, records loaded and records quarantined per source, for the build summary.
select source, count(*) as files, sum(rows_loaded) as loaded, sum(rows_quarantined) as quarantined,
       count(duplicate_of) as duplicates
from raw.ledger
group by source
order by source
