-- Expected allowed (kpis.md): for a CPT code, payer and calendar year (of the date of service),
-- the median allowed of the claims of that code and payer that were paid (payer paid > 0).
-- The median interpolates linearly between ranks.
with

claims as (
    select * from {{ ref('int_claims_joined') }}
),

paid_claims as (
    select
        practice_id,
        cpt_code,
        payer_id,
        extract(year from date_of_service) as service_year,
        allowed
    from claims
    where payer_paid > 0
        and cpt_code is not null
        and payer_id is not null
        and date_of_service is not null
),

final as (
    select
        practice_id,
        cpt_code,
        payer_id,
        cast(service_year as {{ dbt.type_int() }}) as service_year,
        count(*) as paid_claims,
        {{ lantern.median('allowed', lantern.type_money()) }} as expected_allowed
    from paid_claims
    group by practice_id, cpt_code, payer_id, service_year
)

select * from final
