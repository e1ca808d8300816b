-- The raw layer's tables this warehouse has (an empty landing zone's warehouse may lack some).
select table_name from duckdb_tables() where schema_name = 'raw'
