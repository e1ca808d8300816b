-- PM patient_payments.csv: one row per payment_id, its latest version by updated_at (a corrected amount wins).
with

source as (
    {{ lantern.raw_source('pm_patient_payments') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

typed as (
    select
        practice_id,
        {{ lantern.blank_to_null("payment_id") }} as payment_id,
        {{ lantern.blank_to_null("patient_mrn") }} as patient_mrn,
        {{ lantern.blank_to_null("appointment_id") }} as appointment_id,
        {{ dbt.safe_cast(lantern.blank_to_null("received_at"), lantern.type_timestamptz()) }} as received_at,
        {{ dbt.safe_cast(lantern.blank_to_null("amount"), lantern.type_money()) }} as amount,
        lower({{ lantern.blank_to_null("method") }}) as payment_method,
        {{ dbt.safe_cast(lantern.blank_to_null("updated_at"), lantern.type_timestamptz()) }} as updated_at,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
),

versions as (
    {{ lantern.latest_version('typed', 'payment_id') }}
),

final as (
    select
        practice_id,
        payment_id,
        patient_mrn,
        appointment_id,
        received_at,
        amount,
        payment_method,
        updated_at,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
        and payment_id is not null
)

select * from final
