-- Every 835 CLP (an adjudication) with its place in its claim's history (kpis.md): ordered by the
-- 835's BPR16 date, then delivery, file name and position in the file. A CLP02 22 record reverses
-- an earlier payment (its amounts are negative and add). An adjudication is a denial when CLP02
-- is 4, or when CLP04 = 0 and CLP05 = 0 and it is not a reversal; its denial reason is the CARC of
-- its largest CO/OA/PI adjustment other than 45 and 253, claim and service level together.
with

claim_payments as (
    select * from {{ ref('stg_x12__claim_payments') }}
),

remittances as (
    select * from {{ ref('stg_x12__remittances') }}
),

adjustments as (
    select * from {{ ref('stg_x12__adjustments') }}
),

adjustment_totals as (
    select
        practice_id,
        claim_payment_key,
        sum(case when {{ lantern.is_contractual_adjustment('group_code', 'reason_code') }} then amount else 0 end)
            as contractual_adjustment,
        sum(case when group_code in ('CO', 'OA', 'PI') then amount else 0 end) as co_oa_pi_adjustment,
        sum(case when group_code = 'PR' then amount else 0 end) as pr_adjustment
    from adjustments
    group by practice_id, claim_payment_key
),

reason_candidates as (
    select
        practice_id,
        claim_payment_key,
        group_code,
        reason_code,
        amount,
        row_number() over (
            partition by practice_id, claim_payment_key
            order by amount desc, group_code, reason_code, adjustment_key
        ) as amount_rank
    from adjustments
    where {{ lantern.is_denial_reason_candidate('group_code', 'reason_code') }}
),

largest_reasons as (
    select * from reason_candidates
    where amount_rank = 1
),

flagged as (
    select
        claim_payments.practice_id,
        claim_payments.claim_payment_key,
        claim_payments.claim_id,
        claim_payments.remittance_key,
        remittances.payment_date,
        remittances.payer_id,
        claim_payments.claim_status_code,
        claim_payments.claim_status_code = '22' as is_reversal,
        claim_payments.claim_status_code = '4'
        or (
            claim_payments.paid = 0
            and claim_payments.patient_responsibility = 0
            and claim_payments.claim_status_code <> '22'
        ) as is_denial,
        claim_payments.charge,
        claim_payments.paid,
        claim_payments.patient_responsibility,
        coalesce(adjustment_totals.contractual_adjustment, 0) as contractual_adjustment,
        coalesce(adjustment_totals.co_oa_pi_adjustment, 0) as co_oa_pi_adjustment,
        coalesce(adjustment_totals.pr_adjustment, 0) as pr_adjustment,
        largest_reasons.group_code as largest_adjustment_group_code,
        largest_reasons.reason_code as largest_adjustment_reason_code,
        claim_payments.payer_claim_control_number,
        claim_payments.rendering_npi,
        claim_payments.service_date,
        claim_payments._delivery,
        claim_payments._source_file,
        claim_payments._position
    from claim_payments
    left join remittances
        on claim_payments.practice_id = remittances.practice_id
        and claim_payments.remittance_key = remittances.remittance_key
    left join adjustment_totals
        on claim_payments.practice_id = adjustment_totals.practice_id
        and claim_payments.claim_payment_key = adjustment_totals.claim_payment_key
    left join largest_reasons
        on claim_payments.practice_id = largest_reasons.practice_id
        and claim_payments.claim_payment_key = largest_reasons.claim_payment_key
),

ordered as (
    select
        flagged.*,
        row_number() over (
            partition by practice_id, claim_id
            order by payment_date nulls last, _delivery, _source_file, _position
        ) as adjudication_number,
        count(*) over (partition by practice_id, claim_id) as adjudication_count
    from flagged
),

final as (
    select
        practice_id,
        claim_payment_key,
        claim_id,
        adjudication_number,
        adjudication_number = 1 as is_first_adjudication,
        adjudication_number = adjudication_count as is_last_adjudication,
        remittance_key,
        payment_date,
        payer_id,
        claim_status_code,
        is_reversal,
        is_denial,
        case when is_denial then largest_adjustment_reason_code end as denial_reason_code,
        charge,
        paid,
        patient_responsibility,
        contractual_adjustment,
        co_oa_pi_adjustment,
        pr_adjustment,
        payer_claim_control_number,
        rendering_npi,
        service_date,
        _delivery,
        _source_file,
        _position
    from ordered
)

select * from final
