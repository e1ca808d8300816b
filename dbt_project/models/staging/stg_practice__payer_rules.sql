-- The practice's payer rules (practice.toml through the practice_payer_rules asset): one row per
-- payer table and payer_id '*' for the default, each key already resolved (the payer's own, else
-- the default's, else built in). When the asset has never run there is no table: the built-in
-- default alone, the same values as connectors.practice_config.BUILT_IN (a test compares them).
{% set built_in = {
    'timely_filing_days': 90,
    'authorization_rule': 'none',
    'treatment_plan_review_days': 90,
} -%}
{%- set rules_source = source('raw', 'practice_payer_rules') -%}
{%- set rules_table = adapter.get_relation(
    database=rules_source.database, schema=rules_source.schema, identifier=rules_source.identifier
) if execute else none -%}

with

{% if rules_table is not none or not execute -%}
source as (
    {{ lantern.raw_source('practice_payer_rules') }}
),
{%- else -%}
source as (
    select
        {{ lantern.practice_id_literal() }} as practice_id,
        '*' as payer_id,
        {{ built_in['timely_filing_days'] }} as timely_filing_days,
        '{{ built_in['authorization_rule'] }}' as authorization_rule,
        cast(null as {{ dbt.type_int() }}) as authorization_after_visits,
        {{ built_in['treatment_plan_review_days'] }} as treatment_plan_review_days,
        cast(null as {{ dbt.type_string() }}) as _source_file,
        cast(null as {{ dbt.type_string() }}) as _file_sha256
),
{%- endif %}

final as (
    select
        practice_id,
        cast(payer_id as {{ dbt.type_string() }}) as payer_id,
        cast(timely_filing_days as {{ dbt.type_int() }}) as timely_filing_days,
        cast(authorization_rule as {{ dbt.type_string() }}) as authorization_rule,
        cast(authorization_after_visits as {{ dbt.type_int() }}) as authorization_after_visits,
        cast(treatment_plan_review_days as {{ dbt.type_int() }}) as treatment_plan_review_days,
        payer_id = '*' as is_default,
        _source_file
    from source
)

select * from final
