-- One row per scored row with every feature of the denial model except the note's documentation
-- (fct_claim_features adds it from note_documentation): the claim's coding, the session against
-- its CPT code's minutes (kpis.md's rulebook), the pre-submission checks and the history, each as
-- of scored_at.
{%- set max_modifiers = 4 %}{# SV101-3 to SV101-6 #}
with

scored as (
    select * from {{ ref('int_feature_rows_listed') }}
),

checks as (
    select * from {{ ref('int_claim_checks_as_of') }}
),

history as (
    select * from {{ ref('int_claim_history_as_of') }}
),

cpt_codes as (
    select * from {{ ref('cpt_codes') }}
),

places as (
    select * from {{ ref('place_of_service_codes') }}
),

icd10_groups as (
    select * from {{ ref('icd10_groups') }}
),

-- The modifiers as a set, written in one order (the 837 writes them in any order).
modifier_items as (
    {% for position in range(1, max_modifiers + 1) %}
    select
        practice_id,
        claim_id,
        {{ dbt.split_part('modifiers', "','", position) }} as modifier
    from scored
    where modifiers is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

modifier_sets as (
    select
        practice_id,
        claim_id,
        {{ lantern.ordered_listagg('modifier', 'modifier', "','") }} as modifiers,
        max(case when modifier = '95' then 1 else 0 end) = 1 as has_modifier_95
    from modifier_items
    where modifier is not null
        and modifier <> ''
    group by practice_id, claim_id
),

-- The group of the longest icd10_groups prefix the first diagnosis starts with (F93.0 before F93).
diagnosis_matches as (
    select
        scored.practice_id,
        scored.claim_id,
        icd10_groups.icd10_group,
        row_number() over (
            partition by scored.practice_id, scored.claim_id
            order by {{ dbt.length(lantern.icd10_undotted('icd10_groups.icd10_prefix')) }} desc
        ) as match_rank
    from scored
    inner join icd10_groups
        on substring(
            {{ lantern.icd10_undotted('scored.first_diagnosis_code') }},
            1,
            {{ dbt.length(lantern.icd10_undotted('icd10_groups.icd10_prefix')) }}
        ) = {{ lantern.icd10_undotted('icd10_groups.icd10_prefix') }}
),

coded as (
    select
        scored.*,
        case
            when scored.is_billed then coalesce(modifier_sets.modifiers, '')
        end as modifier_set,
        case
            when scored.is_billed then coalesce(modifier_sets.has_modifier_95, false)
        end as has_modifier_95,
        case
            when scored.modality is not null then scored.modality = 'telehealth'
        end as is_telehealth,
        places.is_telehealth as is_telehealth_place,
        diagnosis_matches.icd10_group as diagnosis_group,
        cpt_codes.cpt_code is not null as is_known_cpt,
        cpt_codes.min_minutes as cpt_min_minutes,
        cpt_codes.max_minutes as cpt_max_minutes,
        -- a minute counts once completed: 37.5 minutes is a 90832's 37
        floor(scored.session_minutes) as whole_session_minutes
    from scored
    left join modifier_sets
        on scored.practice_id = modifier_sets.practice_id
        and scored.claim_id = modifier_sets.claim_id
    left join places
        on scored.place_of_service = places.place_of_service_code
    left join diagnosis_matches
        on scored.practice_id = diagnosis_matches.practice_id
        and scored.claim_id = diagnosis_matches.claim_id
        and diagnosis_matches.match_rank = 1
    left join cpt_codes
        on scored.cpt_code = cpt_codes.cpt_code
),

final as (
    select
        coded.practice_id,
        coded.claim_id,
        coded.is_billed,
        coded.scored_at,
        coded.date_of_service,
        cast({{ dbt.date_trunc('month', 'coded.date_of_service') }} as date) as service_month,
        coded.is_denied_first_pass,
        coded.is_adjudicated,
        coded.payer_id,
        coded.payer_type,
        coded.cpt_code,
        coded.modifier_set as modifiers,
        coded.place_of_service,
        coded.modality,
        coded.diagnosis_group,
        coded.clinician_npi,
        coded.patient_mrn,
        coded.has_modifier_95,
        coded.is_telehealth,
        -- kpis.md: a telehealth session needs place of service 02 or 10 and modifier 95; an
        -- in-person one neither (a telehealth place or 95 on it claims a visit that did not happen)
        case
            when coded.is_telehealth is null or coded.place_of_service is null then null
            when coded.is_telehealth then coalesce(coded.is_telehealth_place, false) and coded.has_modifier_95
            else not coalesce(coded.is_telehealth_place, false) and not coded.has_modifier_95
        end as pos_matches_modality,
        coded.session_minutes,
        coded.cpt_min_minutes,
        coded.cpt_max_minutes,
        case
            when coded.whole_session_minutes is null or not coded.is_known_cpt then null
            else coalesce(coded.whole_session_minutes >= coded.cpt_min_minutes, true)
                and coalesce(coded.whole_session_minutes <= coded.cpt_max_minutes, true)
        end as minutes_fit_cpt,
        checks.is_authorization_required,
        checks.has_authorization_on_file,
        checks.authorization_visits_remaining,
        checks.is_without_required_authorization,
        checks.is_eligibility_checked,
        checks.eligibility_result,
        checks.eligibility_age_days,
        checks.filing_lag_days,
        checks.timely_filing_days,
        checks.days_left_to_file,
        checks.treatment_plan_review_days,
        checks.is_note_signed_before_submission,
        checks.note_lag_hours,
        checks.signed_note_id,
        history.clinician_prior_claims,
        history.clinician_prior_denials,
        history.clinician_prior_denial_rate,
        history.payer_cpt_prior_claims,
        history.payer_cpt_prior_denials,
        history.payer_cpt_prior_denial_rate
    from coded
    left join checks
        on coded.practice_id = checks.practice_id
        and coded.claim_id = checks.claim_id
    left join history
        on coded.practice_id = history.practice_id
        and coded.claim_id = history.claim_id
)

select * from final
