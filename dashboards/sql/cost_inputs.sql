-- One row: the practice's own numbers the cost-of-inaction calculator starts from, over the 12 months ending on
-- the as-of date (parameter: the practice's IANA time zone, for the local date of a resubmission).
--   finally denied claims written off in those months (last adjudication + 120 days, kpis.md's finally denied
--   and the event log's "claim written off"), their charges and their unrecovered denials (expected allowed);
--   claims first resubmitted (frequency 7) in those months: the rework;
--   the latest day of marts.kpi_ar_daily: A/R balance, charges of the last 90 days, days in A/R.
with

as_of as (
    select as_of_date, as_of_date - interval 1 year as window_start
    from intermediate.int_as_of_date
),

claims as (
    select * from marts.fct_claims
),

written_off as (
    select
        count(*) as finally_denied_claims,
        coalesce(sum(claims.charge), 0) as finally_denied_charges,
        coalesce(sum(claims.expected_allowed), 0) as unrecovered_denials
    from claims
    cross join as_of
    where claims.is_finally_denied
        and claims.last_adjudication_date + interval 120 day > as_of.window_start
        and claims.last_adjudication_date + interval 120 day <= as_of.as_of_date
),

resubmissions as (
    select cast(timezone(?, first_resubmitted_at) as date) as resubmitted_date
    from claims
    where first_resubmitted_at is not null
),

reworked as (
    select count(*) as claims_resubmitted
    from resubmissions
    cross join as_of
    where resubmissions.resubmitted_date > as_of.window_start
        and resubmissions.resubmitted_date <= as_of.as_of_date
),

latest_ar as (
    select ar_date, ar_balance, charges_last_90_days, days_in_ar
    from marts.kpi_ar_daily
    order by ar_date desc
    limit 1
),

final as (
    select
        as_of.as_of_date,
        cast(as_of.window_start as date) as window_start,
        written_off.finally_denied_claims,
        written_off.finally_denied_charges,
        written_off.unrecovered_denials,
        reworked.claims_resubmitted,
        latest_ar.ar_date,
        latest_ar.ar_balance,
        latest_ar.charges_last_90_days,
        latest_ar.days_in_ar
    from as_of
    cross join written_off
    cross join reworked
    left join latest_ar on true
)

select * from final
