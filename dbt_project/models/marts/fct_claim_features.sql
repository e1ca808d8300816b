-- The denial model's features: one row per claim with an original submission (scored at it) and
-- per completed session not billed by the as-of date (the work queue, scored at the as-of date's
-- end), every feature as of scored_at (issue 5): nothing a biller could not have read then. The
-- note's documentation (note_documentation) is read only for the note signed by scored_at, and a
-- treatment-plan review only once the note that documents it was signed.
{%- set elements = ['time', 'risk', 'mental_status', 'intervention', 'response', 'plan', 'necessity', 'participants'] %}
with

features as (
    select * from {{ ref('int_claim_features_assembled') }}
),

documentation as (
    select * from {{ ref('note_documentation') }}
),

cpt_codes as (
    select * from {{ ref('cpt_codes') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

-- Each patient's treatment-plan reviews: the intake (90791), which establishes the plan, and every
-- session whose note documents a review; known from the moment its note was signed.
plan_reviews as (
    select
        sessions.practice_id,
        sessions.patient_mrn,
        {{ lantern.local_date('sessions.session_start_at') }} as review_date,
        sessions.note_signed_at as known_at
    from sessions
    left join documentation
        on sessions.practice_id = documentation.practice_id
        and sessions.final_note_id = documentation.note_id
    where sessions.has_final_note
        and sessions.note_signed_at is not null
        and (sessions.cpt_code = '90791' or documentation.reviews_treatment_plan)
),

-- The last review on or before the date of service that a biller could read at scored_at.
last_plan_reviews as (
    select
        features.practice_id,
        features.claim_id,
        max(plan_reviews.review_date) as last_plan_review_date
    from features
    inner join plan_reviews
        on features.practice_id = plan_reviews.practice_id
        and features.patient_mrn = plan_reviews.patient_mrn
        and plan_reviews.review_date <= features.date_of_service
        and plan_reviews.known_at <= features.scored_at
    group by features.practice_id, features.claim_id
),

-- The signed note's rulebook check; a row without one reads no element as present.
documented as (
    select
        features.*,
        {% for element in elements %}
        coalesce(documentation.has_{{ element }}, false) as doc_has_{{ element }},
        {% endfor %}
        -- the required elements the note lacks, counted from the rulebook seed for the note's CPT
        -- code (the one note_documentation checked), as note_documentation.missing_elements lists them
        case when documentation.note_id is not null then
            {% for element in elements %}
            case when cpt_codes.requires_{{ element }} and not documentation.has_{{ element }} then 1 else 0 end
            {%- if not loop.last %} +{% endif %}
            {% endfor %}
        end as doc_missing_count,
        documentation.passes_rulebook as doc_passes_rulebook,
        {{ dbt.datediff('last_plan_reviews.last_plan_review_date', 'features.date_of_service', 'day') }}
            as days_since_plan_review
    from features
    left join documentation
        on features.practice_id = documentation.practice_id
        and features.signed_note_id = documentation.note_id
    left join cpt_codes
        on documentation.cpt_code = cpt_codes.cpt_code
    left join last_plan_reviews
        on features.practice_id = last_plan_reviews.practice_id
        and features.claim_id = last_plan_reviews.claim_id
),

final as (
    select
        practice_id,
        cast(claim_id as {{ dbt.type_string() }}) as claim_id,
        cast(is_billed as {{ dbt.type_boolean() }}) as is_billed,
        cast(scored_at as {{ lantern.type_timestamptz() }}) as scored_at,
        cast(date_of_service as date) as date_of_service,
        cast(service_month as date) as service_month,
        cast(is_denied_first_pass as {{ dbt.type_boolean() }}) as is_denied_first_pass,
        cast(is_adjudicated as {{ dbt.type_boolean() }}) as is_adjudicated,
        cast(payer_id as {{ dbt.type_string() }}) as payer_id,
        cast(payer_type as {{ dbt.type_string() }}) as payer_type,
        cast(cpt_code as {{ dbt.type_string() }}) as cpt_code,
        cast(modifiers as {{ dbt.type_string() }}) as modifiers,
        cast(place_of_service as {{ dbt.type_string() }}) as place_of_service,
        cast(modality as {{ dbt.type_string() }}) as modality,
        cast(diagnosis_group as {{ dbt.type_string() }}) as diagnosis_group,
        cast(clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(has_modifier_95 as {{ dbt.type_boolean() }}) as has_modifier_95,
        cast(is_telehealth as {{ dbt.type_boolean() }}) as is_telehealth,
        cast(pos_matches_modality as {{ dbt.type_boolean() }}) as pos_matches_modality,
        cast(session_minutes as {{ lantern.type_double() }}) as session_minutes,
        cast(cpt_min_minutes as {{ dbt.type_int() }}) as cpt_min_minutes,
        cast(cpt_max_minutes as {{ dbt.type_int() }}) as cpt_max_minutes,
        cast(minutes_fit_cpt as {{ dbt.type_boolean() }}) as minutes_fit_cpt,
        cast(is_authorization_required as {{ dbt.type_boolean() }}) as is_authorization_required,
        cast(has_authorization_on_file as {{ dbt.type_boolean() }}) as has_authorization_on_file,
        cast(authorization_visits_remaining as {{ dbt.type_int() }}) as authorization_visits_remaining,
        cast(is_without_required_authorization as {{ dbt.type_boolean() }}) as is_without_required_authorization,
        cast(is_eligibility_checked as {{ dbt.type_boolean() }}) as is_eligibility_checked,
        cast(eligibility_result as {{ dbt.type_string() }}) as eligibility_result,
        cast(eligibility_age_days as {{ lantern.type_double() }}) as eligibility_age_days,
        cast(filing_lag_days as {{ dbt.type_int() }}) as filing_lag_days,
        cast(timely_filing_days as {{ dbt.type_int() }}) as timely_filing_days,
        cast(days_left_to_file as {{ dbt.type_int() }}) as days_left_to_file,
        cast(is_note_signed_before_submission as {{ dbt.type_boolean() }}) as is_note_signed_before_submission,
        cast(note_lag_hours as {{ lantern.type_double() }}) as note_lag_hours,
        cast(clinician_prior_claims as {{ dbt.type_int() }}) as clinician_prior_claims,
        cast(clinician_prior_denials as {{ dbt.type_int() }}) as clinician_prior_denials,
        cast(clinician_prior_denial_rate as {{ lantern.type_double() }}) as clinician_prior_denial_rate,
        cast(payer_cpt_prior_claims as {{ dbt.type_int() }}) as payer_cpt_prior_claims,
        cast(payer_cpt_prior_denials as {{ dbt.type_int() }}) as payer_cpt_prior_denials,
        cast(payer_cpt_prior_denial_rate as {{ lantern.type_double() }}) as payer_cpt_prior_denial_rate,
        {% for element in elements %}
        cast(doc_has_{{ element }} as {{ dbt.type_boolean() }}) as doc_has_{{ element }},
        {% endfor %}
        cast(doc_missing_count as {{ dbt.type_int() }}) as doc_missing_count,
        cast(doc_passes_rulebook as {{ dbt.type_boolean() }}) as doc_passes_rulebook,
        cast(treatment_plan_review_days as {{ dbt.type_int() }}) as treatment_plan_review_days,
        cast(days_since_plan_review as {{ dbt.type_int() }}) as days_since_plan_review,
        -- an intake establishes the plan, so it is never overdue; no review on file is unknown
        cast(case
            when cpt_code = '90791' then false
            when days_since_plan_review is null then null
            else days_since_plan_review > treatment_plan_review_days
        end as {{ dbt.type_boolean() }}) as is_treatment_plan_overdue
    from documented
)

select * from final
