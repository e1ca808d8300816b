-- One row per claim (CLM01 = appointment_id): its history, money and outcome, every figure as
-- kpis.md defines it. Expected allowed is the median allowed of paid claims of the same CPT code,
-- payer and calendar year of service.
with

claims as (
    select * from {{ ref('int_claims_joined') }}
),

expected_allowed as (
    select * from {{ ref('int_expected_allowed_computed') }}
),

carcs as (
    select * from {{ ref('carc_codes') }}
),

final as (
    select
        claims.practice_id,
        cast(claims.claim_id as {{ dbt.type_string() }}) as claim_id,
        cast(claims.patient_mrn as {{ dbt.type_string() }}) as patient_mrn,
        cast(claims.clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(claims.payer_id as {{ dbt.type_string() }}) as payer_id,
        cast(claims.payer_type as {{ dbt.type_string() }}) as payer_type,
        cast(claims.cpt_code as {{ dbt.type_string() }}) as cpt_code,
        cast(claims.modifiers as {{ dbt.type_string() }}) as modifiers,
        cast(claims.place_of_service as {{ dbt.type_string() }}) as place_of_service,
        cast(claims.diagnosis_codes as {{ dbt.type_string() }}) as diagnosis_codes,
        cast(claims.prior_auth_number as {{ dbt.type_string() }}) as prior_auth_number,
        cast(claims.date_of_service as date) as date_of_service,
        cast(claims.has_original_submission as {{ dbt.type_boolean() }}) as has_original_submission,
        cast(claims.submitted_at as {{ lantern.type_timestamptz() }}) as submitted_at,
        cast(claims.submitted_date as date) as submitted_date,
        cast(claims.submitted_month as date) as submitted_month,
        cast(claims.submission_count as {{ dbt.type_int() }}) as submission_count,
        cast(claims.is_resubmitted as {{ dbt.type_boolean() }}) as is_resubmitted,
        cast(claims.resubmission_count as {{ dbt.type_int() }}) as resubmission_count,
        cast(claims.first_resubmitted_at as {{ lantern.type_timestamptz() }}) as first_resubmitted_at,
        cast(claims.is_voided as {{ dbt.type_boolean() }}) as is_voided,
        cast(claims.voided_at as {{ lantern.type_timestamptz() }}) as voided_at,
        cast(claims.has_277ca_rejection as {{ dbt.type_boolean() }}) as has_277ca_rejection,
        cast(claims.charge as {{ lantern.type_money() }}) as charge,
        cast(claims.payer_paid as {{ lantern.type_money() }}) as payer_paid,
        cast(claims.patient_responsibility as {{ lantern.type_money() }}) as patient_responsibility,
        cast(claims.patient_paid as {{ lantern.type_money() }}) as patient_paid,
        cast(claims.contractual_adjustment as {{ lantern.type_money() }}) as contractual_adjustment,
        cast(claims.allowed as {{ lantern.type_money() }}) as allowed,
        cast(claims.co_oa_pi_adjustment as {{ lantern.type_money() }}) as co_oa_pi_adjustment,
        cast(claims.pr_adjustment as {{ lantern.type_money() }}) as pr_adjustment,
        cast(expected_allowed.expected_allowed as {{ lantern.type_money() }}) as expected_allowed,
        cast(claims.is_adjudicated as {{ dbt.type_boolean() }}) as is_adjudicated,
        cast(claims.adjudication_count as {{ dbt.type_int() }}) as adjudication_count,
        cast(claims.first_adjudication_date as date) as first_adjudication_date,
        cast(claims.last_adjudication_date as date) as last_adjudication_date,
        cast(claims.first_paid_date as date) as first_paid_date,
        cast(claims.is_denied_first_pass as {{ dbt.type_boolean() }}) as is_denied_first_pass,
        cast(claims.first_denial_reason_code as {{ dbt.type_string() }}) as first_denial_reason,
        cast(carcs.description as {{ dbt.type_string() }}) as first_denial_reason_description,
        cast(claims.is_first_pass_resolved as {{ dbt.type_boolean() }}) as is_first_pass_resolved,
        cast(claims.is_resubmitted_after_denial as {{ dbt.type_boolean() }}) as is_resubmitted_after_denial,
        cast(claims.is_recovered_by_resubmission as {{ dbt.type_boolean() }}) as is_recovered_by_resubmission,
        cast(claims.is_finally_denied as {{ dbt.type_boolean() }}) as is_finally_denied,
        cast(claims.claim_lag_days as {{ dbt.type_int() }}) as claim_lag_days,
        cast(claims.days_to_payment as {{ dbt.type_int() }}) as days_to_payment,
        cast(claims.as_of_date as date) as as_of_date
    from claims
    left join expected_allowed
        on claims.practice_id = expected_allowed.practice_id
        and claims.cpt_code = expected_allowed.cpt_code
        and claims.payer_id = expected_allowed.payer_id
        and extract(year from claims.date_of_service) = expected_allowed.service_year
    left join carcs
        on claims.first_denial_reason_code = carcs.carc_code
)

select * from final
