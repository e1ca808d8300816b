-- Baseline and latest score per patient and instrument (kpis.md, outcomes): the baseline is the
-- first score from 14 days before to 30 days after the patient's first completed session; the
-- latest is the last score at least 28 days after the baseline. Every patient with a completed
-- session gets a row for every instrument; a patient without both scores is not measurable.
with

cohorts as (
    select * from {{ ref('int_patient_cohorts_assigned') }}
),

scores as (
    select * from {{ ref('int_scores_resolved') }}
),

instruments as (
    select * from {{ ref('outcome_instruments') }}
),

patient_instruments as (
    select
        cohorts.practice_id,
        cohorts.patient_mrn,
        cohorts.first_session_at,
        instruments.instrument
    from cohorts
    cross join instruments
),

baseline_candidates as (
    select
        patient_instruments.practice_id,
        patient_instruments.patient_mrn,
        patient_instruments.instrument,
        scores.observation_id,
        scores.effective_at,
        scores.score,
        row_number() over (
            partition by patient_instruments.practice_id, patient_instruments.patient_mrn, patient_instruments.instrument
            order by scores.effective_at, scores.observation_id
        ) as baseline_rank
    from patient_instruments
    inner join scores
        on patient_instruments.practice_id = scores.practice_id
        and patient_instruments.patient_mrn = scores.patient_mrn
        and patient_instruments.instrument = scores.instrument
        and scores.effective_at >= {{ dbt.dateadd('day', -14, 'patient_instruments.first_session_at') }}
        and scores.effective_at <= {{ dbt.dateadd('day', 30, 'patient_instruments.first_session_at') }}
),

baselines as (
    select * from baseline_candidates
    where baseline_rank = 1
),

latest_candidates as (
    select
        baselines.practice_id,
        baselines.patient_mrn,
        baselines.instrument,
        scores.observation_id,
        scores.effective_at,
        scores.score,
        row_number() over (
            partition by baselines.practice_id, baselines.patient_mrn, baselines.instrument
            order by scores.effective_at desc, scores.observation_id desc
        ) as latest_rank
    from baselines
    inner join scores
        on baselines.practice_id = scores.practice_id
        and baselines.patient_mrn = scores.patient_mrn
        and baselines.instrument = scores.instrument
        and scores.effective_at >= {{ dbt.dateadd('day', 28, 'baselines.effective_at') }}
),

latests as (
    select * from latest_candidates
    where latest_rank = 1
),

final as (
    select
        patient_instruments.practice_id,
        patient_instruments.patient_mrn,
        patient_instruments.instrument,
        patient_instruments.first_session_at,
        baselines.observation_id as baseline_observation_id,
        baselines.effective_at as baseline_at,
        baselines.score as baseline_score,
        latests.observation_id as latest_observation_id,
        latests.effective_at as latest_at,
        latests.score as latest_score,
        baselines.observation_id is not null and latests.observation_id is not null as is_measurable
    from patient_instruments
    left join baselines
        on patient_instruments.practice_id = baselines.practice_id
        and patient_instruments.patient_mrn = baselines.patient_mrn
        and patient_instruments.instrument = baselines.instrument
    left join latests
        on patient_instruments.practice_id = latests.practice_id
        and patient_instruments.patient_mrn = latests.patient_mrn
        and patient_instruments.instrument = latests.instrument
)

select * from final
