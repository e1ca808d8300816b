-- One row per payer id named by the PM payer list, an 837 (2010BB) or an 835 (payer id), with its
-- type from the PM system and the payer_types code set, and the payer rules of the practice's
-- configuration that apply to it (its own, else the default).
with

pm_payers as (
    select * from {{ ref('stg_pm__payers') }}
),

claims as (
    select * from {{ ref('stg_x12__claims') }}
),

remittances as (
    select * from {{ ref('stg_x12__remittances') }}
),

payer_types as (
    select * from {{ ref('payer_types') }}
),

payer_rules as (
    select * from {{ ref('int_payer_rules_resolved') }}
),

x12_names as (
    select practice_id, payer_id, payer_name from claims
    union all
    select practice_id, payer_id, payer_name from remittances
),

x12_payers as (
    select
        practice_id,
        payer_id,
        max(payer_name) as payer_name
    from x12_names
    where payer_id is not null
    group by practice_id, payer_id
),

payer_ids as (
    select practice_id, payer_id from pm_payers
    union
    select practice_id, payer_id from x12_payers
),

final as (
    select
        payer_ids.practice_id,
        cast(payer_ids.payer_id as {{ dbt.type_string() }}) as payer_id,
        cast(coalesce(pm_payers.payer_name, x12_payers.payer_name) as {{ dbt.type_string() }}) as payer_name,
        cast(pm_payers.payer_type as {{ dbt.type_string() }}) as payer_type,
        cast(payer_types.description as {{ dbt.type_string() }}) as payer_type_description,
        cast(payer_types.is_government as {{ dbt.type_boolean() }}) as is_government,
        cast(pm_payers.payer_id is not null as {{ dbt.type_boolean() }}) as is_in_pm,
        cast(payer_rules.timely_filing_days as {{ dbt.type_int() }}) as timely_filing_days,
        cast(payer_rules.authorization_rule as {{ dbt.type_string() }}) as authorization_rule,
        cast(payer_rules.authorization_after_visits as {{ dbt.type_int() }}) as authorization_after_visits,
        cast(payer_rules.treatment_plan_review_days as {{ dbt.type_int() }}) as treatment_plan_review_days,
        cast(payer_rules.has_own_rules as {{ dbt.type_boolean() }}) as has_own_payer_rules
    from payer_ids
    left join pm_payers
        on payer_ids.practice_id = pm_payers.practice_id
        and payer_ids.payer_id = pm_payers.payer_id
    left join x12_payers
        on payer_ids.practice_id = x12_payers.practice_id
        and payer_ids.payer_id = x12_payers.payer_id
    left join payer_types
        on pm_payers.payer_type = payer_types.payer_type
    left join payer_rules
        on payer_ids.practice_id = payer_rules.practice_id
        and payer_ids.payer_id = payer_rules.payer_id
    where payer_ids.payer_id is not null
)

select * from final
