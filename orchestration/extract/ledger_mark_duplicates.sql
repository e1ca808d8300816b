-- A file whose bytes repeat another file's is a duplicate of the first copy by (delivery, path),
-- whatever order the deliveries were loaded in; its rows stay in raw and staging keeps one copy.
update raw.ledger as l
set duplicate_of = case when c.canonical <> l._source_file then c.canonical end
from (
    select _file_sha256, arg_min(_source_file, _delivery || '/' || _source_file) as canonical
    from raw.ledger
    group by _file_sha256
) as c
where l._file_sha256 = c._file_sha256
