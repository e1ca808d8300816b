-- The leadership question (kpis.md), one row per clinician: over the clinician's adolescent
-- patients with an anxiety disorder (a patient belongs to the clinician who rendered their first
-- completed session; adolescent = 13 to 17 at it; anxiety = any ICD-10-CM code under F40, F41 or
-- F93.0 recorded for them):
--   patients seen; GAD-7 reliable improvement rate (reliably improved / measurable) and share
--   measurable (measurable / patients seen); note completeness (the clinician's final notes for
--   these patients that pass the documentation rulebook / those of them whose CPT code the
--   rulebook lists, from note_documentation); initial denial rate of the clinician's claims for
--   these patients; median wait for first session of these patients (from the referral that
--   brought them in).
-- A group of fewer than 11 patients is suppressed (the CMS cell-size rule): every measure null,
-- is_suppressed true.
with

clinicians as (
    select * from {{ ref('dim_clinicians') }}
),

outcomes as (
    select * from {{ ref('kpi_outcomes_patient') }}
),

cohorts as (
    select * from {{ ref('int_patient_cohorts_assigned') }}
),

claims as (
    select * from {{ ref('fct_claims') }}
),

referrals as (
    select * from {{ ref('fct_referrals') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

note_checks as (
    select * from {{ ref('note_documentation') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

cohort_patients as (
    select
        practice_id,
        patient_mrn,
        clinician_npi,
        first_session_appointment_id
    from cohorts
    where is_adolescent
        and has_anxiety_disorder
),

patients_seen as (
    select
        practice_id,
        clinician_npi,
        count(*) as patients_seen
    from cohort_patients
    group by practice_id, clinician_npi
),

gad7 as (
    select
        cohort_patients.practice_id,
        cohort_patients.clinician_npi,
        sum(case when outcomes.is_measurable then 1 else 0 end) as measurable_patients,
        sum(case when outcomes.is_reliably_improved then 1 else 0 end) as reliably_improved_patients
    from cohort_patients
    inner join outcomes
        on cohort_patients.practice_id = outcomes.practice_id
        and cohort_patients.patient_mrn = outcomes.patient_mrn
        and outcomes.instrument = 'GAD-7'
    group by cohort_patients.practice_id, cohort_patients.clinician_npi
),

denials as (
    select
        cohort_patients.practice_id,
        cohort_patients.clinician_npi,
        sum(case when claims.is_adjudicated then 1 else 0 end) as claims_adjudicated,
        sum(case when claims.is_adjudicated and claims.is_denied_first_pass then 1 else 0 end)
            as first_pass_denials
    from cohort_patients
    inner join claims
        on cohort_patients.practice_id = claims.practice_id
        and cohort_patients.patient_mrn = claims.patient_mrn
        and cohort_patients.clinician_npi = claims.clinician_npi
    group by cohort_patients.practice_id, cohort_patients.clinician_npi
),

-- The clinician's own sessions with these patients that have a final note, and whether it passes.
notes as (
    select
        cohort_patients.practice_id,
        cohort_patients.clinician_npi,
        sum(case when note_checks.passes_rulebook is not null then 1 else 0 end) as notes_checked,
        sum(case when note_checks.passes_rulebook then 1 else 0 end) as notes_passing
    from cohort_patients
    inner join sessions
        on cohort_patients.practice_id = sessions.practice_id
        and cohort_patients.patient_mrn = sessions.patient_mrn
        and cohort_patients.clinician_npi = sessions.clinician_npi
    inner join note_checks
        on sessions.practice_id = note_checks.practice_id
        and sessions.appointment_id = note_checks.appointment_id
    group by cohort_patients.practice_id, cohort_patients.clinician_npi
),

waits as (
    select
        cohort_patients.practice_id,
        cohort_patients.clinician_npi,
        {{ lantern.median('referrals.wait_for_first_session_days') }} as wait_for_first_session_median_days
    from cohort_patients
    inner join referrals
        on cohort_patients.practice_id = referrals.practice_id
        and cohort_patients.first_session_appointment_id = referrals.first_session_appointment_id
    group by cohort_patients.practice_id, cohort_patients.clinician_npi
),

measured as (
    select
        clinicians.practice_id,
        clinicians.clinician_npi,
        clinicians.clinician_name,
        clinicians.credential,
        coalesce(patients_seen.patients_seen, 0) as patients_seen,
        coalesce(patients_seen.patients_seen, 0) < {{ var('min_cell_size') }} as is_suppressed,
        {{ lantern.ratio('gad7.measurable_patients', 'patients_seen.patients_seen') }} as gad7_share_measurable,
        {{ lantern.ratio('gad7.reliably_improved_patients', 'gad7.measurable_patients') }}
            as gad7_reliable_improvement_rate,
        {{ lantern.ratio('notes.notes_passing', 'notes.notes_checked') }} as note_completeness,
        {{ lantern.ratio('denials.first_pass_denials', 'denials.claims_adjudicated') }} as initial_denial_rate,
        waits.wait_for_first_session_median_days
    from clinicians
    left join patients_seen
        on clinicians.practice_id = patients_seen.practice_id
        and clinicians.clinician_npi = patients_seen.clinician_npi
    left join gad7
        on clinicians.practice_id = gad7.practice_id
        and clinicians.clinician_npi = gad7.clinician_npi
    left join notes
        on clinicians.practice_id = notes.practice_id
        and clinicians.clinician_npi = notes.clinician_npi
    left join denials
        on clinicians.practice_id = denials.practice_id
        and clinicians.clinician_npi = denials.clinician_npi
    left join waits
        on clinicians.practice_id = waits.practice_id
        and clinicians.clinician_npi = waits.clinician_npi
),

final as (
    select
        measured.practice_id,
        cast(measured.clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(measured.clinician_name as {{ dbt.type_string() }}) as clinician_name,
        cast(measured.credential as {{ dbt.type_string() }}) as credential,
        cast(measured.is_suppressed as {{ dbt.type_boolean() }}) as is_suppressed,
        cast(case when not measured.is_suppressed then measured.patients_seen end as {{ dbt.type_int() }})
            as patients_seen,
        cast(case when not measured.is_suppressed then measured.gad7_reliable_improvement_rate end
            as {{ lantern.type_double() }}) as gad7_reliable_improvement_rate,
        cast(case when not measured.is_suppressed then measured.gad7_share_measurable end
            as {{ lantern.type_double() }}) as gad7_share_measurable,
        cast(case when not measured.is_suppressed then measured.note_completeness end
            as {{ lantern.type_double() }}) as note_completeness,
        cast(case when not measured.is_suppressed then measured.initial_denial_rate end
            as {{ lantern.type_double() }}) as initial_denial_rate,
        cast(case when not measured.is_suppressed then measured.wait_for_first_session_median_days end
            as {{ lantern.type_double() }}) as wait_for_first_session_median_days,
        cast(as_of.as_of_date as date) as as_of_date
    from measured
    inner join as_of
        on measured.practice_id = as_of.practice_id
)

select * from final
