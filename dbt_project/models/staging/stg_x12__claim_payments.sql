-- 835 claim payments: one row per CLP (an adjudication of CLM01; CLP02 22 reverses an earlier one).
with

source as (
    {{ lantern.raw_source('x12_claim_payments') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

final as (
    select
        practice_id,
        claim_payment_key,
        remittance_key,
        claim_id,
        trim(status_code) as claim_status_code,
        charge,
        paid,
        coalesce(patient_responsibility, 0) as patient_responsibility,
        claim_filing_code,
        payer_claim_control_number,
        place_of_service,
        frequency_code,
        rendering_npi,
        service_date,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
)

select * from final
