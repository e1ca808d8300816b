-- One row per claim (CLM01 = appointment_id, from the 837s or the 835s) with its whole history
-- and money (kpis.md): the original submission, the adjudications' sums, patient paid (the sum of
-- patient_payments.amount with its appointment_id), allowed (charge - contractual adjustment),
-- the patient (through the appointment), the payer's type, claim lag, days to payment, and
-- whether it is finally denied: payer paid and patient responsibility both 0, at least 120 days
-- between its last adjudication and the as-of date, and not voided.
with

submitted as (
    select * from {{ ref('int_claims_submitted') }}
),

adjudicated as (
    select * from {{ ref('int_claim_adjudications_summarized') }}
),

patient_payments as (
    select * from {{ ref('stg_pm__patient_payments') }}
),

appointments as (
    select * from {{ ref('stg_pm__appointments') }}
),

payers as (
    select * from {{ ref('stg_pm__payers') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

claim_ids as (
    select practice_id, claim_id from submitted
    union
    select practice_id, claim_id from adjudicated
),

patient_paid as (
    select
        practice_id,
        appointment_id as claim_id,
        sum(amount) as patient_paid,
        count(*) as patient_payment_count
    from patient_payments
    where appointment_id is not null
    group by practice_id, appointment_id
),

joined as (
    select
        claim_ids.practice_id,
        claim_ids.claim_id,
        appointments.patient_mrn,
        coalesce(submitted.rendering_npi, appointments.clinician_npi) as clinician_npi,
        submitted.payer_id,
        payers.payer_type,
        coalesce(submitted.cpt_code, appointments.cpt_code) as cpt_code,
        submitted.modifiers,
        submitted.place_of_service,
        submitted.diagnosis_codes,
        submitted.prior_auth_number,
        submitted.date_of_service,
        submitted.has_original_submission,
        submitted.original_claim_key,
        submitted.submitted_at,
        submitted.submitted_date,
        submitted.submitted_month,
        coalesce(submitted.submission_count, 0) as submission_count,
        coalesce(submitted.is_resubmitted, false) as is_resubmitted,
        coalesce(submitted.resubmission_count, 0) as resubmission_count,
        submitted.first_resubmitted_at,
        coalesce(submitted.is_voided, false) as is_voided,
        submitted.voided_at,
        coalesce(submitted.has_277ca_rejection, false) as has_277ca_rejection,
        submitted.charge,
        coalesce(adjudicated.payer_paid, 0) as payer_paid,
        coalesce(adjudicated.patient_responsibility, 0) as patient_responsibility,
        coalesce(patient_paid.patient_paid, 0) as patient_paid,
        coalesce(adjudicated.contractual_adjustment, 0) as contractual_adjustment,
        coalesce(adjudicated.co_oa_pi_adjustment, 0) as co_oa_pi_adjustment,
        coalesce(adjudicated.pr_adjustment, 0) as pr_adjustment,
        coalesce(adjudicated.adjudication_count, 0) as adjudication_count,
        coalesce(adjudicated.is_adjudicated, false) as is_adjudicated,
        adjudicated.first_adjudication_date,
        adjudicated.last_adjudication_date,
        adjudicated.first_paid_date,
        adjudicated.is_first_adjudication_reversal,
        coalesce(adjudicated.is_denied_first_pass, false) as is_denied_first_pass,
        adjudicated.first_denial_reason_code,
        as_of.as_of_date
    from claim_ids
    left join submitted
        on claim_ids.practice_id = submitted.practice_id
        and claim_ids.claim_id = submitted.claim_id
    left join adjudicated
        on claim_ids.practice_id = adjudicated.practice_id
        and claim_ids.claim_id = adjudicated.claim_id
    left join patient_paid
        on claim_ids.practice_id = patient_paid.practice_id
        and claim_ids.claim_id = patient_paid.claim_id
    left join appointments
        on claim_ids.practice_id = appointments.practice_id
        and claim_ids.claim_id = appointments.appointment_id
    left join payers
        on submitted.practice_id = payers.practice_id
        and submitted.payer_id = payers.payer_id
    inner join as_of
        on claim_ids.practice_id = as_of.practice_id
),

final as (
    select
        practice_id,
        claim_id,
        patient_mrn,
        clinician_npi,
        payer_id,
        payer_type,
        cpt_code,
        modifiers,
        place_of_service,
        diagnosis_codes,
        prior_auth_number,
        date_of_service,
        has_original_submission,
        original_claim_key,
        submitted_at,
        submitted_date,
        submitted_month,
        submission_count,
        is_resubmitted,
        resubmission_count,
        first_resubmitted_at,
        is_voided,
        voided_at,
        has_277ca_rejection,
        charge,
        payer_paid,
        patient_responsibility,
        patient_paid,
        contractual_adjustment,
        charge - contractual_adjustment as allowed,
        co_oa_pi_adjustment,
        pr_adjustment,
        adjudication_count,
        is_adjudicated,
        first_adjudication_date,
        last_adjudication_date,
        first_paid_date,
        is_denied_first_pass,
        first_denial_reason_code,
        is_denied_first_pass and is_resubmitted as is_resubmitted_after_denial,
        is_denied_first_pass and is_resubmitted and payer_paid > 0 as is_recovered_by_resubmission,
        is_adjudicated and not is_denied_first_pass and not is_resubmitted as is_first_pass_resolved,
        adjudication_count > 0
        and payer_paid = 0
        and patient_responsibility = 0
        and {{ dbt.datediff('last_adjudication_date', 'as_of_date', 'day') }}
            >= {{ var('finally_denied_after_days') }}
        and not is_voided as is_finally_denied,
        {{ dbt.datediff('date_of_service', 'submitted_date', 'day') }} as claim_lag_days,
        {{ dbt.datediff('submitted_date', 'first_paid_date', 'day') }} as days_to_payment,
        as_of_date
    from joined
)

select * from final
