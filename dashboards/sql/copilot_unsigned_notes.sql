-- One clinician's completed sessions without a signed final progress note (marts.fct_sessions: is_completed and
-- not has_final_note) that started by the end of the warehouse's as-of date, oldest first. A note's age runs from
-- the session's end (the Encounter's period.end, which note lag counts from; else the session start plus the
-- scheduled minutes) to the as-of date's last second in the practice's time zone: in hours, in days, and whether
-- it is over 72 hours. Times are shown in the practice's local time.
-- Parameters: the practice's IANA time zone, the clinician's NPI.
with bounds as (
    select
        as_of.as_of_date,
        zone.practice_timezone,
        timezone(zone.practice_timezone, cast(as_of.as_of_date as timestamp) + interval 86399 second) as as_of_end_at
    from intermediate.int_as_of_date as as_of
    cross join (select cast(? as varchar) as practice_timezone) as zone
),

unsigned as (
    select
        sessions.appointment_id,
        sessions.patient_mrn,
        sessions.cpt_code,
        sessions.scheduled_start_at,
        sessions.session_start_at,
        sessions.session_minutes,
        coalesce(sessions.encounter_end_at,
                 sessions.session_start_at + to_minutes(cast(sessions.scheduled_minutes as bigint))) as session_end_at
    from marts.fct_sessions as sessions
    where sessions.clinician_npi = ?
        and sessions.is_completed
        and not sessions.has_final_note
)

select
    unsigned.appointment_id,
    unsigned.patient_mrn,
    unsigned.cpt_code,
    timezone(bounds.practice_timezone, unsigned.scheduled_start_at) as scheduled_start_local,
    timezone(bounds.practice_timezone, unsigned.session_start_at) as session_start_local,
    unsigned.session_minutes,
    (epoch(bounds.as_of_end_at) - epoch(unsigned.session_end_at)) / 3600.0 as age_hours,
    (epoch(bounds.as_of_end_at) - epoch(unsigned.session_end_at)) / 86400.0 as age_days,
    (epoch(bounds.as_of_end_at) - epoch(unsigned.session_end_at)) / 3600.0 > 72 as is_over_72_hours,
    bounds.as_of_date
from unsigned
cross join bounds
where unsigned.session_start_at <= bounds.as_of_end_at
order by unsigned.session_end_at, unsigned.appointment_id
