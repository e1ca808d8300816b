-- One row per payer id named by the PM payer list, an 837 or an 835 (the payers of dim_payers),
-- with the payer rules that apply to it: its own table of practice.toml, else the default ('*').
with

rules as (
    select * from {{ ref('stg_practice__payer_rules') }}
),

pm_payers as (
    select * from {{ ref('stg_pm__payers') }}
),

claims as (
    select * from {{ ref('stg_x12__claims') }}
),

remittances as (
    select * from {{ ref('stg_x12__remittances') }}
),

payer_ids as (
    select practice_id, payer_id from pm_payers
    union
    select practice_id, payer_id from claims
    union
    select practice_id, payer_id from remittances
),

own_rules as (
    select * from rules
    where not is_default
),

default_rules as (
    select * from rules
    where is_default
),

final as (
    select
        payer_ids.practice_id,
        payer_ids.payer_id,
        case when own_rules.payer_id is not null
            then own_rules.timely_filing_days else default_rules.timely_filing_days
        end as timely_filing_days,
        case when own_rules.payer_id is not null
            then own_rules.authorization_rule else default_rules.authorization_rule
        end as authorization_rule,
        -- resolved per table when loaded: a payer's null here is its own, not a key it left out
        case when own_rules.payer_id is not null
            then own_rules.authorization_after_visits else default_rules.authorization_after_visits
        end as authorization_after_visits,
        case when own_rules.payer_id is not null
            then own_rules.treatment_plan_review_days else default_rules.treatment_plan_review_days
        end as treatment_plan_review_days,
        own_rules.payer_id is not null as has_own_rules
    from payer_ids
    left join own_rules
        on payer_ids.practice_id = own_rules.practice_id
        and payer_ids.payer_id = own_rules.payer_id
    left join default_rules
        on payer_ids.practice_id = default_rules.practice_id
    where payer_ids.payer_id is not null
)

select * from final
