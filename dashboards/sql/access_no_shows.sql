-- No-show rate (kpis.md: no_show / (completed + no_show + late_cancelled)) of the appointments scheduled in a
-- range of months: one row per modality, one per weekday of the scheduled start in the practice's local time,
-- and one over them all (dimension 'all'). Parameters: the practice's IANA time zone, then the first and last
-- scheduled_month, both included. weekday_number is ISO (1 = Monday), null on the other rows.
with

appointments as (
    select
        coalesce(modality, 'unknown') as modality,
        cast(isodow(timezone(?, scheduled_start_at)) as integer) as weekday_number,
        appointment_status
    from marts.fct_sessions
    where scheduled_month between ? and ?
        and appointment_status in ('completed', 'no_show', 'late_cancelled')
),

grouped as (
    select
        case
            when grouping(modality) = 0 then 'modality'
            when grouping(weekday_number) = 0 then 'weekday'
            else 'all'
        end as dimension,
        case
            when grouping(modality) = 0 then modality
            -- 2024-01-07 is a Sunday: adding the ISO weekday number names the day.
            when grouping(weekday_number) = 0 then dayname(date '2024-01-07' + weekday_number)
            else 'all appointments'
        end as category,
        weekday_number,
        count(*) filter (where appointment_status = 'completed') as appointments_completed,
        count(*) filter (where appointment_status = 'no_show') as appointments_no_show,
        count(*) filter (where appointment_status = 'late_cancelled') as appointments_late_cancelled,
        count(*) as appointments_counted
    from appointments
    group by grouping sets ((modality), (weekday_number), ())
),

final as (
    select
        *,
        appointments_no_show * 1.0 / nullif(appointments_counted, 0) as no_show_rate
    from grouped
)

select * from final
order by dimension, weekday_number, category
