-- One row for the referrals received in a range of months (parameters: first and last month_start, both
-- included): the funnel (received, first contacted, intake completed, first session held), the referral
-- conversion rate, time to first contact and wait for first session (median, p90), exactly as kpis.md and
-- marts.kpi_access_monthly define them, but over the whole range (a median of monthly medians is not a median).
with

referrals as (
    select *
    from marts.fct_referrals
    where received_month between ? and ?
),

final as (
    select
        count(*) as referrals_received,
        count(first_contact_at) as referrals_contacted,
        count(intake_completed_at) as referrals_intake_completed,
        count(first_session_appointment_id) as referrals_with_first_session,
        count(*) filter (where is_converted) as referrals_converted,
        count(*) filter (where is_lost) as referrals_lost,
        count(*) filter (where is_converted) * 1.0
        / nullif(count(*) filter (where is_converted or is_lost), 0) as referral_conversion_rate,
        quantile_cont(hours_to_first_contact, 0.5) as first_contact_median_hours,
        quantile_cont(hours_to_first_contact, 0.9) as first_contact_p90_hours,
        quantile_cont(wait_for_first_session_days, 0.5) as wait_for_first_session_median_days,
        quantile_cont(wait_for_first_session_days, 0.9) as wait_for_first_session_p90_days
    from referrals
)

select * from final
