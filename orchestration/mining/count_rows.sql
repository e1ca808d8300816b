-- Rows per mining table, for the asset's metadata.
select 'marts.mining_dfg' as name, count(*) as rows from marts.mining_dfg
union all
select 'marts.mining_start_end', count(*) from marts.mining_start_end
union all
select 'marts.mining_variants', count(*) from marts.mining_variants
