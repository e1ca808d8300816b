-- Measurement-based care outcomes per patient and instrument (kpis.md): baseline (first score from
-- 14 days before to 30 days after the first completed session), latest (last score at least 28
-- days after the baseline), measurable (both exist), reliable improvement (baseline - latest >= 6
-- for PHQ-9, >= 4 for GAD-7), and, for baselines of 10 or more only, response (latest <= 0.5 x
-- baseline) and remission (latest < 5). Thresholds come from the outcome_instruments seed.
with

scores as (
    select * from {{ ref('int_outcome_scores_selected') }}
),

cohorts as (
    select * from {{ ref('int_patient_cohorts_assigned') }}
),

instruments as (
    select * from {{ ref('outcome_instruments') }}
),

evaluated as (
    select
        scores.practice_id,
        scores.patient_mrn,
        scores.instrument,
        cohorts.clinician_npi,
        cohorts.first_session_at,
        cohorts.is_adolescent,
        cohorts.has_anxiety_disorder,
        scores.baseline_at,
        scores.baseline_score,
        scores.latest_at,
        scores.latest_score,
        scores.is_measurable,
        case when scores.is_measurable then scores.baseline_score - scores.latest_score end as score_change,
        case
            when scores.is_measurable
                then scores.baseline_score - scores.latest_score >= instruments.reliable_change_points
        end as is_reliably_improved,
        case
            when scores.is_measurable and scores.baseline_score >= instruments.severity_threshold
                then scores.latest_score <= instruments.response_ratio * scores.baseline_score
        end as is_response,
        case
            when scores.is_measurable and scores.baseline_score >= instruments.severity_threshold
                then scores.latest_score < instruments.remission_below
        end as is_remission
    from scores
    inner join cohorts
        on scores.practice_id = cohorts.practice_id
        and scores.patient_mrn = cohorts.patient_mrn
    inner join instruments
        on scores.instrument = instruments.instrument
),

final as (
    select
        practice_id,
        cast(patient_mrn as {{ dbt.type_string() }}) as patient_mrn,
        cast(instrument as {{ dbt.type_string() }}) as instrument,
        cast(clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(first_session_at as {{ lantern.type_timestamptz() }}) as first_session_at,
        cast(is_adolescent as {{ dbt.type_boolean() }}) as is_adolescent,
        cast(has_anxiety_disorder as {{ dbt.type_boolean() }}) as has_anxiety_disorder,
        cast(baseline_at as {{ lantern.type_timestamptz() }}) as baseline_at,
        cast(baseline_score as {{ lantern.type_double() }}) as baseline_score,
        cast(latest_at as {{ lantern.type_timestamptz() }}) as latest_at,
        cast(latest_score as {{ lantern.type_double() }}) as latest_score,
        cast(score_change as {{ lantern.type_double() }}) as score_change,
        cast(is_measurable as {{ dbt.type_boolean() }}) as is_measurable,
        cast(is_reliably_improved as {{ dbt.type_boolean() }}) as is_reliably_improved,
        cast(is_response as {{ dbt.type_boolean() }}) as is_response,
        cast(is_remission as {{ dbt.type_boolean() }}) as is_remission
    from evaluated
)

select * from final
