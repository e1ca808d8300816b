-- The mining tables, emptied: each run replaces their contents (one row set per case type).
create schema if not exists marts;

create or replace table marts.mining_dfg (
    case_type varchar not null,
    source varchar not null,
    target varchar not null,
    frequency bigint not null,
    mean_hours double,
    median_hours double,
    p90_hours double
);

create or replace table marts.mining_start_end (
    case_type varchar not null,
    kind varchar not null,
    activity varchar not null,
    cases bigint not null,
    share double not null
);

create or replace table marts.mining_variants (
    case_type varchar not null,
    variant_rank bigint not null,
    variant varchar not null,
    activities varchar[] not null,
    events bigint not null,
    cases bigint not null,
    share double not null,
    median_throughput_hours double,
    mean_throughput_hours double,
    charged_total double,
    charged_per_case double,
    payer_paid_total double,
    payer_paid_per_case double,
    patient_paid_total double,
    patient_paid_per_case double,
    written_off_total double,
    written_off_per_case double,
    denial_rate double,
    median_days_to_payment double
);

create or replace table marts.mining_bottleneck_edges (
    case_type varchar not null,
    source varchar not null,
    target varchar not null,
    frequency bigint not null,
    cases bigint not null,
    total_hours double,
    share double,
    mean_hours double,
    median_hours double,
    p90_hours double
);

create or replace table marts.mining_bottleneck_activities (
    case_type varchar not null,
    activity varchar not null,
    frequency bigint not null,
    cases bigint not null,
    total_hours double,
    share double,
    mean_hours double,
    median_hours double,
    p90_hours double
);

create or replace table marts.mining_rework (
    case_type varchar not null,
    kind varchar not null,
    activity varchar,
    cases bigint not null,
    share double not null,
    rework_events bigint not null,
    median_throughput_hours_with double,
    median_throughput_hours_without double,
    throughput_hours_added double,
    charged_per_case_with double,
    charged_per_case_without double,
    payer_paid_per_case_with double,
    payer_paid_per_case_without double,
    patient_paid_per_case_with double,
    patient_paid_per_case_without double,
    written_off_per_case_with double,
    written_off_per_case_without double,
    median_days_to_cash_with double,
    median_days_to_cash_without double,
    days_to_cash_added double,
    staff_hours double,
    staff_cost double,
    minutes_per_rework double not null,
    hourly_rate double not null
);

create or replace table marts.mining_conformance (
    case_type varchar not null,
    model_name varchar not null,
    model_tree varchar not null,
    method varchar not null,
    cases bigint not null,
    log_fitness double,
    average_trace_fitness double,
    percentage_of_fitting_traces double
);

create or replace table marts.mining_conformance_cases (
    case_type varchar not null,
    case_id varchar not null,
    fitness double not null,
    is_fit boolean not null
);

create or replace table marts.mining_deviations (
    case_type varchar not null,
    source varchar not null,
    deviation varchar not null,
    move varchar,
    activity varchar,
    cases bigint not null,
    share double not null,
    occurrences bigint,
    denial_cases_with bigint,
    denied_with bigint,
    denial_rate_with double,
    denial_cases_without bigint,
    denied_without bigint,
    denial_rate_without double
);

create or replace table marts.mining_models (
    case_type varchar not null,
    model varchar not null,
    name varchar not null,
    tree varchar not null,
    noise_threshold double,
    fitness_method varchar not null,
    log_fitness double,
    percentage_of_fitting_traces double
);

create or replace table marts.mining_model_elements (
    case_type varchar not null,
    model varchar not null,
    diagram varchar not null,
    element varchar not null,
    id varchar,
    label varchar,
    kind varchar,
    source varchar,
    target varchar,
    initial_tokens integer,
    final_tokens integer,
    weight integer,
    is_silent boolean
);
