-- 835 PLB provider-level adjustments, one row per reason/amount pair (positive reduces the payment). A PLB carries several pairs, so the key adds the row's rank within its segment.
with

source as (
    {{ lantern.raw_source('x12_provider_adjustments') }}
),

first_copies as (
    {{ lantern.first_file_copy('source', rows_per_position='many') }}
),

numbered as (
    select
        *,
        row_number() over (
            partition by practice_id, _file_sha256, _position
            order by reason_code, reference, amount
        ) as _row_in_segment
    from first_copies
    where _copy_rank = 1
),

final as (
    select
        practice_id,
        {{ dbt.concat([
            '_file_sha256', "':'",
            dbt.safe_cast('_position', dbt.type_string()), "':'",
            dbt.safe_cast('_row_in_segment', dbt.type_string())
        ]) }} as provider_adjustment_key,
        remittance_key,
        provider_id,
        fiscal_period_date,
        upper(trim(reason_code)) as reason_code,
        reference as adjustment_reference,
        amount,
        _delivery,
        _source_file,
        _position
    from numbered
)

select * from final
