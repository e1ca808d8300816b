-- What the loader rejected: rows, claims, transactions and whole files that broke a contract.
with

source as (
    {{ lantern.raw_source('quarantine') }}
),

final as (
    select
        practice_id,
        source as source_system,
        {{ lantern.blank_to_null('table_name') }} as table_name,
        location,
        rule as rule_name,
        reason,
        {{ lantern.blank_to_null('record_key') }} as record_key,
        raw_text,
        _delivery,
        _source_file,
        _file_sha256,
        _position
    from source
)

select * from final
