-- The practice's payer rules (practice.toml), replaced whole at every load: one row per payer table
-- of the file, and payer_id '*' for the default that every other payer follows.
create schema if not exists raw;
create or replace table raw.practice_payer_rules (
    payer_id varchar not null,
    timely_filing_days integer not null,
    authorization_rule varchar not null,
    authorization_after_visits integer,
    treatment_plan_review_days integer not null,
    _source_file varchar,
    _file_sha256 varchar
);
