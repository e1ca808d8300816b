-- 277CA claim-level status (2200D): the clearinghouse's acceptance or rejection of a submitted claim.
with

source as (
    {{ lantern.raw_source('x12_claim_acks') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

final as (
    select
        practice_id,
        {{ dbt.concat(['_file_sha256', "':'", dbt.safe_cast('_position', dbt.type_string())]) }} as claim_ack_key,
        claim_id,
        upper(trim(status_category)) as status_category,
        status_code,
        entity_code,
        action_code,
        status_date,
        charge,
        payer_claim_control_number,
        service_date,
        payer_name,
        payer_id,
        transaction_control as transaction_control_number,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
)

select * from final
