-- One row per clinician NPI named by any system: the EHR's Practitioner (name, credential), PM
-- appointments, and 837 rendering providers.
with

practitioners as (
    select * from {{ ref('stg_fhir__practitioners') }}
),

appointments as (
    select * from {{ ref('stg_pm__appointments') }}
),

claims as (
    select * from {{ ref('stg_x12__claims') }}
),

npis as (
    select practice_id, clinician_npi from practitioners
    union
    select practice_id, clinician_npi from appointments
    union
    select practice_id, rendering_npi as clinician_npi from claims
),

ranked_practitioners as (
    select
        practitioners.*,
        row_number() over (
            partition by practice_id, clinician_npi
            order by _delivery desc, _source_file desc, _position desc
        ) as practitioner_rank
    from practitioners
),

final as (
    select
        npis.practice_id,
        cast(npis.clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(ranked_practitioners.practitioner_resource_id as {{ dbt.type_string() }}) as practitioner_resource_id,
        cast(ranked_practitioners.family_name as {{ dbt.type_string() }}) as family_name,
        cast(ranked_practitioners.given_name as {{ dbt.type_string() }}) as given_name,
        cast(
            {{ dbt.concat([
                "coalesce(ranked_practitioners.given_name, '')", "' '",
                "coalesce(ranked_practitioners.family_name, '')"
            ]) }} as {{ dbt.type_string() }}
        ) as clinician_name,
        cast(ranked_practitioners.credential as {{ dbt.type_string() }}) as credential,
        cast(ranked_practitioners.practitioner_resource_id is not null as {{ dbt.type_boolean() }}) as is_in_ehr
    from npis
    left join ranked_practitioners
        on npis.practice_id = ranked_practitioners.practice_id
        and npis.clinician_npi = ranked_practitioners.clinician_npi
        and ranked_practitioners.practitioner_rank = 1
    where npis.clinician_npi is not null
)

select * from final
