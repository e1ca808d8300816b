-- PM payers.csv: one row per payer_id, its latest version by updated_at.
with

source as (
    {{ lantern.raw_source('pm_payers') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

typed as (
    select
        practice_id,
        {{ lantern.blank_to_null("payer_id") }} as payer_id,
        {{ lantern.blank_to_null("payer_name") }} as payer_name,
        lower({{ lantern.blank_to_null("payer_type") }}) as payer_type,
        {{ dbt.safe_cast(lantern.blank_to_null("updated_at"), lantern.type_timestamptz()) }} as updated_at,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
),

versions as (
    {{ lantern.latest_version('typed', 'payer_id') }}
),

final as (
    select
        practice_id,
        payer_id,
        payer_name,
        payer_type,
        updated_at,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
        and payer_id is not null
)

select * from final
