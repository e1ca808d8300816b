-- Rows of one mining table, for the asset's metadata.
select count(*) from $table
