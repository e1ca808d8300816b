-- Measurement-based care outcomes per clinician and instrument (kpis.md), over every patient who
-- belongs to the clinician (who rendered their first completed session): share measurable
-- (baseline and latest both exist / patients seen), reliable improvement rate (over measurable
-- patients), response and remission rates (over measurable patients with a baseline of 10 or
-- more). A group of fewer than 11 patients is suppressed: measures null, is_suppressed true.
with

outcomes as (
    select * from {{ ref('kpi_outcomes_patient') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

by_clinician as (
    select
        practice_id,
        clinician_npi,
        instrument,
        count(*) as patients_seen,
        sum(case when is_measurable then 1 else 0 end) as measurable_patients,
        sum(case when is_reliably_improved then 1 else 0 end) as reliably_improved_patients,
        count(is_response) as severe_measurable_patients,
        sum(case when is_response then 1 else 0 end) as responding_patients,
        sum(case when is_remission then 1 else 0 end) as remitted_patients
    from outcomes
    where clinician_npi is not null
    group by practice_id, clinician_npi, instrument
),

final as (
    select
        by_clinician.practice_id,
        cast(by_clinician.clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(by_clinician.instrument as {{ dbt.type_string() }}) as instrument,
        cast(by_clinician.patients_seen < {{ var('min_cell_size') }} as {{ dbt.type_boolean() }}) as is_suppressed,
        cast(
            case when by_clinician.patients_seen >= {{ var('min_cell_size') }} then by_clinician.patients_seen end
            as {{ dbt.type_int() }}
        ) as patients_seen,
        cast(
            case when by_clinician.patients_seen >= {{ var('min_cell_size') }}
                then {{ lantern.ratio('by_clinician.measurable_patients', 'by_clinician.patients_seen') }} end
            as {{ lantern.type_double() }}
        ) as share_measurable,
        cast(
            case when by_clinician.patients_seen >= {{ var('min_cell_size') }}
                then {{ lantern.ratio('by_clinician.reliably_improved_patients', 'by_clinician.measurable_patients') }} end
            as {{ lantern.type_double() }}
        ) as reliable_improvement_rate,
        cast(
            case when by_clinician.patients_seen >= {{ var('min_cell_size') }}
                then {{ lantern.ratio('by_clinician.responding_patients', 'by_clinician.severe_measurable_patients') }} end
            as {{ lantern.type_double() }}
        ) as response_rate,
        cast(
            case when by_clinician.patients_seen >= {{ var('min_cell_size') }}
                then {{ lantern.ratio('by_clinician.remitted_patients', 'by_clinician.severe_measurable_patients') }} end
            as {{ lantern.type_double() }}
        ) as remission_rate,
        cast(as_of.as_of_date as date) as as_of_date
    from by_clinician
    inner join as_of
        on by_clinician.practice_id = as_of.practice_id
)

select * from final
