-- Every receipt of cash (issue 6: what reaches the bank), dated in the practice's local calendar:
-- each 835's BPR02 on its BPR16 date, negative when BPR03 says debit (provider-level adjustments
-- are in BPR02 already), and each patient payment on the local date it was received. Receipts
-- dated after the as-of date are not known yet. segment: the payer's type (PM payers.csv,
-- 'unknown' for a payer it does not list), or 'patient'.
with

remittances as (
    select * from {{ ref('stg_x12__remittances') }}
),

payers as (
    select * from {{ ref('stg_pm__payers') }}
),

patient_payments as (
    select * from {{ ref('stg_pm__patient_payments') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

from_payers as (
    select
        remittances.practice_id,
        remittances.remittance_key as receipt_id,
        '835' as receipt_source,
        coalesce(payers.payer_type, 'unknown') as segment,
        remittances.payer_id,
        remittances.payment_date as received_date,
        case when remittances.credit_debit_flag = 'D' then -1 else 1 end
            * remittances.payment_amount as amount
    from remittances
    left join payers
        on remittances.practice_id = payers.practice_id
        and remittances.payer_id = payers.payer_id
    where remittances.payment_date is not null
        and remittances.payment_amount is not null
),

from_patients as (
    select
        practice_id,
        payment_id as receipt_id,
        'patient_payment' as receipt_source,
        'patient' as segment,
        cast(null as {{ dbt.type_string() }}) as payer_id,
        {{ lantern.local_date('received_at') }} as received_date,
        amount
    from patient_payments
    where received_at is not null
        and amount is not null
),

receipts as (
    select * from from_payers
    union all
    select * from from_patients
),

final as (
    select
        receipts.practice_id,
        receipts.receipt_id,
        receipts.receipt_source,
        receipts.segment,
        receipts.payer_id,
        receipts.received_date,
        cast({{ dbt.date_trunc('week', 'receipts.received_date') }} as date) as week_start,
        receipts.amount
    from receipts
    inner join as_of
        on receipts.practice_id = as_of.practice_id
    where receipts.received_date <= as_of.as_of_date
)

select * from final
