-- One row per claim with an original submission, with the payer rules it broke before it went out
-- (the practice's configuration, docs/practice-config.md): note unsigned at submission, eligibility
-- unchecked or not active, a required prior authorization missing, late filing; and how many.
with

flagged as (
    select * from {{ ref('int_claim_deviations_flagged') }}
),

final as (
    select
        practice_id,
        cast(claim_id as {{ dbt.type_string() }}) as claim_id,
        cast(patient_mrn as {{ dbt.type_string() }}) as patient_mrn,
        cast(payer_id as {{ dbt.type_string() }}) as payer_id,
        cast(payer_type as {{ dbt.type_string() }}) as payer_type,
        cast(clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(cpt_code as {{ dbt.type_string() }}) as cpt_code,
        cast(date_of_service as date) as date_of_service,
        cast(session_start_at as {{ lantern.type_timestamptz() }}) as session_start_at,
        cast(submitted_at as {{ lantern.type_timestamptz() }}) as submitted_at,
        cast(is_denied_first_pass as {{ dbt.type_boolean() }}) as is_denied_first_pass,
        cast(first_denial_reason as {{ dbt.type_string() }}) as first_denial_reason,
        cast(note_signed_at as {{ lantern.type_timestamptz() }}) as note_signed_at,
        cast(is_note_signed_after_submission as {{ dbt.type_boolean() }}) as is_note_signed_after_submission,
        cast(eligibility_checked_at as {{ lantern.type_timestamptz() }}) as eligibility_checked_at,
        cast(eligibility_result as {{ dbt.type_string() }}) as eligibility_result,
        cast(is_without_eligibility_check as {{ dbt.type_boolean() }}) as is_without_eligibility_check,
        cast(is_eligibility_not_active as {{ dbt.type_boolean() }}) as is_eligibility_not_active,
        cast(visit_number as {{ dbt.type_int() }}) as visit_number,
        cast(authorization_rule as {{ dbt.type_string() }}) as authorization_rule,
        cast(authorization_after_visits as {{ dbt.type_int() }}) as authorization_after_visits,
        cast(is_authorization_required as {{ dbt.type_boolean() }}) as is_authorization_required,
        cast(authorization_id as {{ dbt.type_string() }}) as authorization_id,
        cast(is_without_required_authorization as {{ dbt.type_boolean() }}) as is_without_required_authorization,
        cast(filing_lag_days as {{ dbt.type_int() }}) as filing_lag_days,
        cast(timely_filing_days as {{ dbt.type_int() }}) as timely_filing_days,
        cast(is_late_filing as {{ dbt.type_boolean() }}) as is_late_filing,
        cast(deviation_count as {{ dbt.type_int() }}) as deviation_count
    from flagged
)

select * from final
