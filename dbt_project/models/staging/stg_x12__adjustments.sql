-- 835 CAS adjustments, claim and service level: one row per (group, reason, amount) triplet. Several triplets share a CAS segment, so the key adds the row's rank within its segment.
with

source as (
    {{ lantern.raw_source('x12_adjustments') }}
),

first_copies as (
    {{ lantern.first_file_copy('source', rows_per_position='many') }}
),

numbered as (
    select
        *,
        row_number() over (
            partition by practice_id, _file_sha256, _position
            order by level, group_code, reason_code, amount, service_payment_key
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
        ]) }} as adjustment_key,
        claim_payment_key,
        service_payment_key,
        level as adjustment_level,
        upper(trim(group_code)) as group_code,
        upper(trim(reason_code)) as reason_code,
        amount,
        quantity,
        _delivery,
        _source_file,
        _position
    from numbered
)

select * from final
