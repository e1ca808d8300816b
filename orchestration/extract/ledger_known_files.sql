-- The files already loaded, with the content they had: a file whose path and sha256 are both known is skipped.
select _source_file, _file_sha256
from raw.ledger
where source = $source
