-- 835 service lines: one row per SVC.
with

source as (
    {{ lantern.raw_source('x12_service_payments') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

final as (
    select
        practice_id,
        service_payment_key,
        claim_payment_key,
        procedure_code,
        modifiers,
        charge,
        paid,
        coalesce(units, 1) as units,
        service_date,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
)

select * from final
