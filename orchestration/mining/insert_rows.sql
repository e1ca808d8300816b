-- Append a frame's rows (registered as mining_rows) to a mining table, matching columns by name.
insert into $table by name
select * from mining_rows
