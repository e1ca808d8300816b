-- Adjustments per claim: one row per claim (CLM01), CAS group and CARC, netted over all the
-- claim's adjudications (a reversal's negative amounts cancel what it reverses), claim and
-- service level together. Contractual = group CO with reason 45 or 253 (kpis.md).
with

adjustments as (
    select * from {{ ref('stg_x12__adjustments') }}
),

adjudications as (
    select * from {{ ref('int_claim_adjudications_ordered') }}
),

carcs as (
    select * from {{ ref('carc_codes') }}
),

joined as (
    select
        adjudications.practice_id,
        adjudications.claim_id,
        adjustments.group_code,
        adjustments.reason_code,
        adjustments.amount,
        adjudications.payment_date
    from adjustments
    inner join adjudications
        on adjustments.practice_id = adjudications.practice_id
        and adjustments.claim_payment_key = adjudications.claim_payment_key
),

aggregated as (
    select
        practice_id,
        claim_id,
        group_code,
        reason_code,
        sum(amount) as adjustment_amount,
        count(*) as adjustment_count,
        min(payment_date) as first_adjusted_date
    from joined
    group by practice_id, claim_id, group_code, reason_code
),

final as (
    select
        aggregated.practice_id,
        aggregated.claim_id,
        aggregated.group_code,
        aggregated.reason_code,
        carcs.description as reason_description,
        {{ lantern.is_contractual_adjustment('aggregated.group_code', 'aggregated.reason_code') }}
            as is_contractual,
        aggregated.adjustment_amount,
        aggregated.adjustment_count,
        aggregated.first_adjusted_date
    from aggregated
    left join carcs
        on aggregated.reason_code = carcs.carc_code
)

select * from final
