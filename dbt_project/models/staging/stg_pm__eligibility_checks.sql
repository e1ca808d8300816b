-- PM eligibility_checks.csv: one row per check_id, its latest version by updated_at.
with

source as (
    {{ lantern.raw_source('pm_eligibility_checks') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

typed as (
    select
        practice_id,
        {{ lantern.blank_to_null("check_id") }} as eligibility_check_id,
        {{ lantern.blank_to_null("patient_mrn") }} as patient_mrn,
        {{ lantern.blank_to_null("payer_id") }} as payer_id,
        {{ dbt.safe_cast(lantern.blank_to_null("checked_at"), lantern.type_timestamptz()) }} as checked_at,
        lower({{ lantern.blank_to_null("result") }}) as eligibility_result,
        {{ dbt.safe_cast(lantern.blank_to_null("copay"), lantern.type_money()) }} as copay,
        {{ dbt.safe_cast(lantern.blank_to_null("deductible_remaining"), lantern.type_money()) }} as deductible_remaining,
        {{ dbt.safe_cast("lower(trim(auth_required))", dbt.type_boolean()) }} as is_auth_required,
        {{ dbt.safe_cast(lantern.blank_to_null("updated_at"), lantern.type_timestamptz()) }} as updated_at,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
),

versions as (
    {{ lantern.latest_version('typed', 'eligibility_check_id') }}
),

final as (
    select
        practice_id,
        eligibility_check_id,
        patient_mrn,
        payer_id,
        checked_at,
        eligibility_result,
        copay,
        deductible_remaining,
        is_auth_required,
        updated_at,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
        and eligibility_check_id is not null
)

select * from final
