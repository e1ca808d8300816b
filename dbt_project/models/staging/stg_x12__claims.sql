-- 837P claims: one row per 2300 loop occurrence (an original, a replacement or a void of CLM01).
-- BHT04+BHT05 are the submitter's wall-clock time: made an instant in the practice's time zone.
with

source as (
    {{ lantern.raw_source('x12_claims') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

final as (
    select
        practice_id,
        claim_key,
        claim_id,
        trim(frequency_code) as frequency_code,
        place_of_service,
        total_charge,
        prior_auth as prior_auth_number,
        original_reference as original_payer_claim_control_number,
        diagnosis_codes,
        payer_id,
        payer_name,
        claim_filing_code,
        member_id,
        relationship as relationship_code,
        billing_npi,
        rendering_npi,
        {{ lantern.from_local_timestamp('submitted_at_local') }} as submitted_at,
        transaction_control as transaction_control_number,
        interchange_control as interchange_control_number,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
)

select * from final
