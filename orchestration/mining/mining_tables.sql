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
    written_off_per_case double
);
