-- Every 835 CLP with the event-log activity it is (the event_activities seed): a reversal (CLP02
-- 22); a denial as kpis.md defines it; a partial payment (CLP04 > 0 with a net positive CO/OA/PI
-- adjustment other than 45 and 253: the payer refused part of the allowed amount); a payment;
-- else an adjudication that assigned the amount to the patient (CLP04 <= 0, CLP05 not 0).
-- The first CLP with CLP05 > 0 is when the practice can bill the patient.
with

adjudications as (
    select * from {{ ref('int_claim_adjudications_ordered') }}
),

patient_billing as (
    select
        practice_id,
        claim_payment_key,
        row_number() over (partition by practice_id, claim_id order by adjudication_number) as billing_rank
    from adjudications
    where patient_responsibility > 0
),

classified as (
    select
        adjudications.*,
        co_oa_pi_adjustment - contractual_adjustment as other_co_oa_pi_adjustment,
        case
            when is_reversal then 'adjudication reversed'
            when is_denial then 'adjudicated: denied'
            when paid > 0 and co_oa_pi_adjustment - contractual_adjustment > 0 then 'adjudicated: partially paid'
            when paid > 0 then 'adjudicated: paid'
            else 'adjudicated: patient responsibility'
        end as activity
    from adjudications
),

final as (
    select
        classified.practice_id,
        classified.claim_payment_key,
        classified.claim_id,
        classified.adjudication_number,
        classified.remittance_key,
        classified.payment_date,
        classified.payer_id,
        classified.claim_status_code,
        classified.activity,
        classified.is_reversal,
        classified.is_denial,
        classified.paid,
        classified.patient_responsibility,
        classified.contractual_adjustment,
        classified.other_co_oa_pi_adjustment,
        coalesce(patient_billing.billing_rank = 1, false) as is_patient_billed
    from classified
    left join patient_billing
        on classified.practice_id = patient_billing.practice_id
        and classified.claim_payment_key = patient_billing.claim_payment_key
)

select * from final
