-- The dated amounts that make a claim's A/R balance (kpis.md): + its charge on its original
-- submission date, - each adjudication's payer paid (CLP04) and CO/OA/PI adjustments on the
-- 835's BPR16 date, - each patient payment with its appointment_id on the date received (the
-- practice's local date). Patient responsibility (PR) is not subtracted: it stays in A/R until
-- the patient pays. Only claims with an original submission have a balance. A claim the practice
-- voided (frequency 8) is no longer a receivable: kpis.md is silent, and HFMA's MAP Keys count only
-- open claims, so the A/R mart writes it off on its void date (voided_date).
with

claims as (
    select * from {{ ref('int_claims_joined') }}
),

adjudications as (
    select * from {{ ref('int_claim_adjudications_ordered') }}
),

patient_payments as (
    select * from {{ ref('stg_pm__patient_payments') }}
),

submitted_claims as (
    select
        practice_id,
        claim_id,
        submitted_date,
        date_of_service,
        charge,
        {{ lantern.local_date('voided_at') }} as voided_date
    from claims
    where has_original_submission
),

charges as (
    select
        practice_id,
        claim_id,
        'charge' as transaction_type,
        submitted_date as transaction_date,
        charge as amount
    from submitted_claims
),

payer_payments as (
    select
        practice_id,
        claim_id,
        'payer_paid' as transaction_type,
        payment_date as transaction_date,
        -paid as amount
    from adjudications
    where paid <> 0
),

adjustments as (
    select
        practice_id,
        claim_id,
        'co_oa_pi_adjustment' as transaction_type,
        payment_date as transaction_date,
        -co_oa_pi_adjustment as amount
    from adjudications
    where co_oa_pi_adjustment <> 0
),

patient_paid as (
    select
        practice_id,
        appointment_id as claim_id,
        'patient_paid' as transaction_type,
        {{ lantern.local_date('received_at') }} as transaction_date,
        -amount as amount
    from patient_payments
    where appointment_id is not null
),

unioned as (
    select * from charges
    union all
    select * from payer_payments
    union all
    select * from adjustments
    union all
    select * from patient_paid
),

final as (
    select
        unioned.practice_id,
        unioned.claim_id,
        unioned.transaction_type,
        unioned.transaction_date,
        unioned.amount,
        submitted_claims.submitted_date,
        submitted_claims.date_of_service,
        submitted_claims.voided_date
    from unioned
    inner join submitted_claims
        on unioned.practice_id = submitted_claims.practice_id
        and unioned.claim_id = submitted_claims.claim_id
)

select * from final
