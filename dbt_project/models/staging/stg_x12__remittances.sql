-- 835 transactions: one payment (or notice) from one payer, with its BPR16 payment date.
with

source as (
    {{ lantern.raw_source('x12_remittances') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

final as (
    select
        practice_id,
        remittance_key,
        payer_id,
        payer_name,
        payment_amount,
        credit_debit as credit_debit_flag,
        payment_method,
        payment_date,
        trace_number,
        payee_npi,
        transaction_control as transaction_control_number,
        interchange_control as interchange_control_number,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
)

select * from final
