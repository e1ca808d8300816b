-- Unrecovered denials (kpis.md): over finally denied claims, the sum of their expected allowed;
-- per rendering clinician per calendar year of service (the seed's "revenue loss per provider").
-- A finally denied claim whose CPT code, payer and year had no paid claim has no expected allowed:
-- it is counted, and adds nothing to the sum.
with

claims as (
    select * from {{ ref('fct_claims') }}
),

finally_denied as (
    select
        practice_id,
        clinician_npi,
        cast(extract(year from date_of_service) as {{ dbt.type_int() }}) as service_year,
        charge,
        expected_allowed
    from claims
    where is_finally_denied
        and clinician_npi is not null
        and date_of_service is not null
),

final as (
    select
        practice_id,
        cast(clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(service_year as {{ dbt.type_int() }}) as service_year,
        cast(count(*) as {{ dbt.type_int() }}) as finally_denied_claims,
        cast(count(expected_allowed) as {{ dbt.type_int() }}) as finally_denied_claims_with_expected_allowed,
        cast(sum(charge) as {{ lantern.type_money() }}) as finally_denied_charges,
        cast(coalesce(sum(expected_allowed), 0) as {{ lantern.type_money() }}) as unrecovered_denials
    from finally_denied
    group by practice_id, clinician_npi, service_year
)

select * from final
