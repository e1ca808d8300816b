-- One row per claim (CLM01) that has at least one 835 CLP: its adjudication history in sums and
-- firsts (kpis.md). Payer paid = sum of CLP04, patient responsibility = sum of CLP05, over all
-- adjudications (reversals add their negative amounts). The first adjudication decides the
-- first-pass denial and its reason; the first paid date is the BPR16 of the first adjudication,
-- in order, with CLP04 > 0.
with

adjudications as (
    select * from {{ ref('int_claim_adjudications_ordered') }}
),

firsts as (
    select
        practice_id,
        claim_id,
        payment_date as first_adjudication_date,
        claim_status_code as first_claim_status_code,
        is_reversal as is_first_adjudication_reversal,
        is_denial as is_denied_first_pass,
        denial_reason_code as first_denial_reason_code
    from adjudications
    where is_first_adjudication
),

lasts as (
    select
        practice_id,
        claim_id,
        payment_date as last_adjudication_date,
        claim_status_code as last_claim_status_code
    from adjudications
    where is_last_adjudication
),

first_payments as (
    select
        practice_id,
        claim_id,
        payment_date as first_paid_date,
        row_number() over (partition by practice_id, claim_id order by adjudication_number) as paid_rank
    from adjudications
    where paid > 0
),

sums as (
    select
        practice_id,
        claim_id,
        count(*) as adjudication_count,
        sum(case when is_reversal then 0 else 1 end) as non_reversal_adjudication_count,
        sum(case when is_reversal then 1 else 0 end) as reversal_count,
        sum(case when is_denial then 1 else 0 end) as denial_count,
        sum(paid) as payer_paid,
        sum(patient_responsibility) as patient_responsibility,
        sum(contractual_adjustment) as contractual_adjustment,
        sum(co_oa_pi_adjustment) as co_oa_pi_adjustment,
        sum(pr_adjustment) as pr_adjustment
    from adjudications
    group by practice_id, claim_id
),

final as (
    select
        sums.practice_id,
        sums.claim_id,
        sums.adjudication_count,
        sums.non_reversal_adjudication_count,
        sums.non_reversal_adjudication_count > 0 as is_adjudicated,
        sums.reversal_count,
        sums.denial_count,
        firsts.first_adjudication_date,
        firsts.first_claim_status_code,
        firsts.is_first_adjudication_reversal,
        firsts.is_denied_first_pass,
        firsts.first_denial_reason_code,
        lasts.last_adjudication_date,
        lasts.last_claim_status_code,
        first_payments.first_paid_date,
        sums.payer_paid,
        sums.patient_responsibility,
        sums.contractual_adjustment,
        sums.co_oa_pi_adjustment,
        sums.pr_adjustment
    from sums
    left join firsts
        on sums.practice_id = firsts.practice_id
        and sums.claim_id = firsts.claim_id
    left join lasts
        on sums.practice_id = lasts.practice_id
        and sums.claim_id = lasts.claim_id
    left join first_payments
        on sums.practice_id = first_payments.practice_id
        and sums.claim_id = first_payments.claim_id
        and first_payments.paid_rank = 1
)

select * from final
