-- PHQ-9 and GAD-7 totals (FHIR Observation) with the patient's MRN and the instrument's name.
-- Scores entered in error, cancelled or not yet final are left out.
with

observations as (
    select * from {{ ref('stg_fhir__observations') }}
),

patients as (
    select * from {{ ref('stg_fhir__patients') }}
),

instruments as (
    select * from {{ ref('outcome_instruments') }}
),

final as (
    select
        observations.practice_id,
        observations.observation_id,
        patients.patient_mrn,
        instruments.instrument,
        observations.loinc_code,
        observations.encounter_id,
        observations.effective_at,
        observations.score
    from observations
    inner join instruments
        on observations.loinc_code = instruments.loinc_code
    left join patients
        on observations.practice_id = patients.practice_id
        and observations.patient_resource_id = patients.patient_resource_id
    where coalesce(observations.observation_status, 'final') in ('final', 'amended', 'corrected')
        and observations.score is not null
        and observations.effective_at is not null
)

select * from final
