-- Access and operations measures by calendar month (kpis.md), each by its own month:
--   referral conversion rate = referrals converted / referrals converted or lost, by month received;
--   time to first contact = hours from received_at to first_contact_at (median, p90), by month received;
--   wait for first session = days from received_at to the scheduled_start of the first completed
--     appointment carrying the referral_id (median, p90), by month received;
--   no-show rate = no_show / (completed + no_show + late_cancelled), by month of scheduled_start;
--   note lag = hours from the Encounter's period.end to its final DocumentReference's date (median,
--     p90, share within 24 h and within 72 h), by month of the Encounter's end, over Encounters
--     with a final note.
-- Medians and p90s interpolate linearly between ranks; durations are between instants.
with

referrals as (
    select * from {{ ref('fct_referrals') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

encounters as (
    select * from {{ ref('int_encounters_documented') }}
),

by_referral_month as (
    select
        practice_id,
        received_month as month_start,
        count(*) as referrals_received,
        sum(case when is_converted then 1 else 0 end) as referrals_converted,
        sum(case when is_lost then 1 else 0 end) as referrals_lost,
        {{ lantern.median('hours_to_first_contact') }} as first_contact_median_hours,
        {{ lantern.percentile_cont('hours_to_first_contact', 0.9) }} as first_contact_p90_hours,
        count(wait_for_first_session_days) as referrals_with_first_session,
        {{ lantern.median('wait_for_first_session_days') }} as wait_for_first_session_median_days,
        {{ lantern.percentile_cont('wait_for_first_session_days', 0.9) }} as wait_for_first_session_p90_days
    from referrals
    group by practice_id, received_month
),

by_appointment_month as (
    select
        practice_id,
        scheduled_month as month_start,
        sum(case when appointment_status = 'completed' then 1 else 0 end) as appointments_completed,
        sum(case when appointment_status = 'no_show' then 1 else 0 end) as appointments_no_show,
        sum(case when appointment_status = 'late_cancelled' then 1 else 0 end) as appointments_late_cancelled
    from sessions
    group by practice_id, scheduled_month
),

documented as (
    select
        practice_id,
        {{ lantern.local_month('period_end_at') }} as month_start,
        note_lag_hours
    from encounters
    where has_final_note
        and note_lag_hours is not null
),

by_note_month as (
    select
        practice_id,
        month_start,
        count(*) as notes_final,
        {{ lantern.median('note_lag_hours') }} as note_lag_median_hours,
        {{ lantern.percentile_cont('note_lag_hours', 0.9) }} as note_lag_p90_hours,
        {{ lantern.ratio('sum(case when note_lag_hours <= 24 then 1 else 0 end)', 'count(*)') }} as note_lag_share_within_24h,
        {{ lantern.ratio('sum(case when note_lag_hours <= 72 then 1 else 0 end)', 'count(*)') }} as note_lag_share_within_72h
    from documented
    group by practice_id, month_start
),

months as (
    select practice_id, month_start from by_referral_month
    union
    select practice_id, month_start from by_appointment_month
    union
    select practice_id, month_start from by_note_month
),

final as (
    select
        months.practice_id,
        cast(months.month_start as date) as month_start,
        cast(coalesce(by_referral_month.referrals_received, 0) as {{ dbt.type_int() }}) as referrals_received,
        cast(coalesce(by_referral_month.referrals_converted, 0) as {{ dbt.type_int() }}) as referrals_converted,
        cast(coalesce(by_referral_month.referrals_lost, 0) as {{ dbt.type_int() }}) as referrals_lost,
        cast(
            {{ lantern.ratio(
                'by_referral_month.referrals_converted',
                'by_referral_month.referrals_converted + by_referral_month.referrals_lost'
            ) }}
            as {{ lantern.type_double() }}
        ) as referral_conversion_rate,
        cast(by_referral_month.first_contact_median_hours as {{ lantern.type_double() }})
            as first_contact_median_hours,
        cast(by_referral_month.first_contact_p90_hours as {{ lantern.type_double() }}) as first_contact_p90_hours,
        cast(coalesce(by_referral_month.referrals_with_first_session, 0) as {{ dbt.type_int() }})
            as referrals_with_first_session,
        cast(by_referral_month.wait_for_first_session_median_days as {{ lantern.type_double() }})
            as wait_for_first_session_median_days,
        cast(by_referral_month.wait_for_first_session_p90_days as {{ lantern.type_double() }})
            as wait_for_first_session_p90_days,
        cast(coalesce(by_appointment_month.appointments_completed, 0) as {{ dbt.type_int() }})
            as appointments_completed,
        cast(coalesce(by_appointment_month.appointments_no_show, 0) as {{ dbt.type_int() }})
            as appointments_no_show,
        cast(coalesce(by_appointment_month.appointments_late_cancelled, 0) as {{ dbt.type_int() }})
            as appointments_late_cancelled,
        cast(
            {{ lantern.ratio(
                'by_appointment_month.appointments_no_show',
                'by_appointment_month.appointments_completed + by_appointment_month.appointments_no_show'
                ~ ' + by_appointment_month.appointments_late_cancelled'
            ) }}
            as {{ lantern.type_double() }}
        ) as no_show_rate,
        cast(coalesce(by_note_month.notes_final, 0) as {{ dbt.type_int() }}) as notes_final,
        cast(by_note_month.note_lag_median_hours as {{ lantern.type_double() }}) as note_lag_median_hours,
        cast(by_note_month.note_lag_p90_hours as {{ lantern.type_double() }}) as note_lag_p90_hours,
        cast(by_note_month.note_lag_share_within_24h as {{ lantern.type_double() }}) as note_lag_share_within_24h,
        cast(by_note_month.note_lag_share_within_72h as {{ lantern.type_double() }}) as note_lag_share_within_72h
    from months
    left join by_referral_month
        on months.practice_id = by_referral_month.practice_id
        and months.month_start = by_referral_month.month_start
    left join by_appointment_month
        on months.practice_id = by_appointment_month.practice_id
        and months.month_start = by_appointment_month.month_start
    left join by_note_month
        on months.practice_id = by_note_month.practice_id
        and months.month_start = by_note_month.month_start
    where months.month_start is not null
)

select * from final
