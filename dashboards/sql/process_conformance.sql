-- One case type's conformance to its reference model (parameter: case_type) from marts.mining_conformance: the
-- model, the cases checked, the log's fitness and the percentage (0-100) of cases that fit it.
select model_name, model_tree, method, cases, log_fitness, average_trace_fitness, percentage_of_fitting_traces
from marts.mining_conformance
where case_type = $1
