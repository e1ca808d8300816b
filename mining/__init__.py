"""Process mining of intake-to-cash: event logs and pm4py discovery, performance, variants, conformance.

- `schema`: the event log's column names and their pm4py keys (the one place that names them).
- `events`: the events query every analysis starts from (`events.sql`), its filters (`EventFilter`),
  and the pandas frame handed to pm4py.
- `dfg`: the process map, the directly-follows graph with frequency and times plus the start and
  end activities, computed in DuckDB (`process_map.sql`), equal to pm4py's.
- `variants`: variants with share, throughput time and money (`variants.sql`).
- `discovery`: pm4py's inductive miner on the variant-collapsed log, models as tables, and fitness.
- `xes` and `report`: any XES log through the same analyses, to CSV files and a report
  (`lantern mine --xes FILE --out DIR`).
"""
