-- 837P service lines (2400 loops).
with

source as (
    {{ lantern.raw_source('x12_claim_lines') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

final as (
    select
        practice_id,
        {{ dbt.concat(['claim_key', "':'", dbt.safe_cast('line_number', dbt.type_string())]) }} as claim_line_key,
        claim_key,
        line_number,
        procedure_code,
        modifiers,
        charge,
        units,
        place_of_service,
        service_date,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
)

select * from final
