-- Clinician utilization (kpis.md): completed session hours / 26 billable hours a week (the seed's
-- benchmark week), per clinician per week (weeks start on Monday, in the practice's local time).
-- A session's hours are its Encounter's period, else its scheduled minutes. Every week from the
-- clinician's first to last completed session is listed, weeks without sessions at 0.
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

completed as (
    select
        practice_id,
        coalesce(encounter_clinician_npi, clinician_npi) as clinician_npi,
        cast({{ dbt.date_trunc('week', lantern.to_local_timestamp('session_start_at')) }} as date) as week_start,
        -- whole milliseconds: their sum is exact, where a sum of fractional hours as doubles depends on the
        -- order the rows come in, and with it on the order the deliveries were loaded
        cast(round(coalesce(session_minutes, scheduled_minutes) * 60000) as {{ dbt.type_bigint() }})
            as session_milliseconds
    from sessions
    where is_completed
        and coalesce(encounter_clinician_npi, clinician_npi) is not null
),

by_week as (
    select
        practice_id,
        clinician_npi,
        week_start,
        count(*) as completed_sessions,
        {{ lantern.ratio('sum(session_milliseconds)', 3600000) }} as completed_session_hours
    from completed
    group by practice_id, clinician_npi, week_start
),

bounds as (
    select
        practice_id,
        min(week_start) as first_week,
        max(week_start) as last_week
    from by_week
    group by practice_id
),

weeks as (
    {{ lantern.week_series('bounds', 'first_week', 'last_week') }}
),

clinician_spans as (
    select
        practice_id,
        clinician_npi,
        min(week_start) as first_week,
        max(week_start) as last_week
    from by_week
    group by practice_id, clinician_npi
),

clinician_weeks as (
    select
        clinician_spans.practice_id,
        clinician_spans.clinician_npi,
        weeks.week_start
    from clinician_spans
    inner join weeks
        on clinician_spans.practice_id = weeks.practice_id
        and weeks.week_start between clinician_spans.first_week and clinician_spans.last_week
),

final as (
    select
        clinician_weeks.practice_id,
        cast(clinician_weeks.clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(clinician_weeks.week_start as date) as week_start,
        cast(coalesce(by_week.completed_sessions, 0) as {{ dbt.type_int() }}) as completed_sessions,
        cast(coalesce(by_week.completed_session_hours, 0) as {{ lantern.type_double() }}) as completed_session_hours,
        cast({{ var('billable_hours_per_week') }} as {{ lantern.type_double() }}) as billable_hours_benchmark,
        cast(
            {{ lantern.ratio('coalesce(by_week.completed_session_hours, 0)', var('billable_hours_per_week')) }}
            as {{ lantern.type_double() }}
        ) as utilization
    from clinician_weeks
    left join by_week
        on clinician_weeks.practice_id = by_week.practice_id
        and clinician_weeks.clinician_npi = by_week.clinician_npi
        and clinician_weeks.week_start = by_week.week_start
)

select * from final
