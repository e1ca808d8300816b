-- PM appointments.csv: one row per appointment_id, its latest version by updated_at (its status as of the newest delivery).
with

source as (
    {{ lantern.raw_source('pm_appointments') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

typed as (
    select
        practice_id,
        {{ lantern.blank_to_null("appointment_id") }} as appointment_id,
        {{ lantern.blank_to_null("patient_mrn") }} as patient_mrn,
        {{ lantern.blank_to_null("clinician_npi") }} as clinician_npi,
        {{ dbt.safe_cast(lantern.blank_to_null("booked_at"), lantern.type_timestamptz()) }} as booked_at,
        {{ dbt.safe_cast(lantern.blank_to_null("scheduled_start"), lantern.type_timestamptz()) }} as scheduled_start_at,
        {{ dbt.safe_cast(lantern.blank_to_null("scheduled_minutes"), dbt.type_int()) }} as scheduled_minutes,
        {{ lantern.blank_to_null("cpt_code") }} as cpt_code,
        lower({{ lantern.blank_to_null("modality") }}) as modality,
        lower({{ lantern.blank_to_null("status") }}) as appointment_status,
        {{ dbt.safe_cast(lantern.blank_to_null("status_at"), lantern.type_timestamptz()) }} as status_at,
        {{ lantern.blank_to_null("referral_id") }} as referral_id,
        {{ dbt.safe_cast(lantern.blank_to_null("updated_at"), lantern.type_timestamptz()) }} as updated_at,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
),

versions as (
    {{ lantern.latest_version('typed', 'appointment_id') }}
),

final as (
    select
        practice_id,
        appointment_id,
        patient_mrn,
        clinician_npi,
        booked_at,
        scheduled_start_at,
        scheduled_minutes,
        cpt_code,
        modality,
        appointment_status,
        status_at,
        referral_id,
        updated_at,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
        and appointment_id is not null
)

select * from final
