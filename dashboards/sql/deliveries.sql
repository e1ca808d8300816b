-- Each delivery loaded, with its files and what they held: the data-health page's first table.
select
    l._delivery as delivery,
    l.source_system as source,
    count(*) as files,
    count(l.duplicate_of) as duplicate_files,
    sum(l.rows_read) as records_read,
    sum(l.rows_loaded) as records_loaded,
    sum(l.rows_quarantined) as records_quarantined
from staging.stg_loader__ledger_files as l
group by all
order by delivery desc, source
