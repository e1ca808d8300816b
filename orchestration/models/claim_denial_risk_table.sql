-- marts.claim_denial_risk, emptied: each scoring run replaces its rows (models.denial.score describes the columns).
create schema if not exists marts;

create or replace table marts.claim_denial_risk (
    claim_id varchar not null primary key,
    is_billed boolean not null,
    split varchar not null,
    model_version varchar not null,
    scored_at timestamptz,
    date_of_service date,
    payer_id varchar,
    cpt_code varchar,
    clinician_npi varchar,
    is_denied_first_pass boolean,
    denial_probability double not null,
    risk_band varchar not null,
    reason_1 varchar,
    fix_1 varchar,
    reason_2 varchar,
    fix_2 varchar,
    reason_3 varchar,
    fix_3 varchar,
    reasons struct(reason_group varchar, reason varchar, fix varchar, contribution double)[],
    missing_elements varchar[],
    expected_allowed decimal(18, 2),
    expected_loss double,
    work_queue_rank integer
);
