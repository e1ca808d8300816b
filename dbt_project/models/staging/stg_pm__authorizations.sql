-- PM authorizations.csv: one row per auth_id, its latest version by updated_at.
with

source as (
    {{ lantern.raw_source('pm_authorizations') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

typed as (
    select
        practice_id,
        {{ lantern.blank_to_null("auth_id") }} as authorization_id,
        {{ lantern.blank_to_null("patient_mrn") }} as patient_mrn,
        {{ lantern.blank_to_null("payer_id") }} as payer_id,
        {{ dbt.safe_cast(lantern.blank_to_null("requested_at"), lantern.type_timestamptz()) }} as requested_at,
        {{ dbt.safe_cast(lantern.blank_to_null("decided_at"), lantern.type_timestamptz()) }} as decided_at,
        lower({{ lantern.blank_to_null("status") }}) as authorization_status,
        {{ dbt.safe_cast(lantern.blank_to_null("approved_visits"), dbt.type_int()) }} as approved_visits,
        {{ dbt.safe_cast(lantern.blank_to_null("start_date"), "date") }} as start_date,
        {{ dbt.safe_cast(lantern.blank_to_null("end_date"), "date") }} as end_date,
        {{ lantern.blank_to_null("auth_number") }} as auth_number,
        {{ dbt.safe_cast(lantern.blank_to_null("updated_at"), lantern.type_timestamptz()) }} as updated_at,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
),

versions as (
    {{ lantern.latest_version('typed', 'authorization_id') }}
),

final as (
    select
        practice_id,
        authorization_id,
        patient_mrn,
        payer_id,
        requested_at,
        decided_at,
        authorization_status,
        approved_visits,
        start_date,
        end_date,
        auth_number,
        updated_at,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
        and authorization_id is not null
)

select * from final
