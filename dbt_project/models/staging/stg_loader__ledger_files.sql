-- Every file of every delivery the loader has seen: loaded, duplicate or quarantined.
with

source as (
    {{ lantern.raw_source('ledger') }}
),

final as (
    select
        practice_id,
        _source_file as ledger_file_key,
        source as source_system,
        kind as file_kind,
        bytes as file_bytes,
        status as load_status,
        {{ lantern.blank_to_null('duplicate_of') }} as duplicate_of,
        rows_read,
        rows_loaded,
        rows_quarantined,
        rows_skipped,
        _delivery,
        _source_file,
        _file_sha256,
        _position
    from source
)

select * from final
