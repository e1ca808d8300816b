{{ config(meta={'dagster': {'ref': {'name': 'fct_claim_features'}}}) }}  -- shown in Dagster as a check of fct_claim_features
{#
    A row's documentation features are note_documentation's check of its session's note when that
    note was signed by scored_at (the missing count is the length of its missing_elements), and
    nothing otherwise.
#}
{%- set elements = ['time', 'risk', 'mental_status', 'intervention', 'response', 'plan', 'necessity', 'participants'] %}
with

features as (
    select * from {{ ref('fct_claim_features') }}
),

documentation as (
    select * from {{ ref('note_documentation') }}
)

select
    features.practice_id,
    features.claim_id
from features
left join documentation
    on features.practice_id = documentation.practice_id
    and features.claim_id = documentation.appointment_id
    and features.is_note_signed_before_submission
where (documentation.appointment_id is null) <> (features.doc_missing_count is null)
    or features.doc_missing_count <> cardinality(documentation.missing_elements)
    or features.doc_passes_rulebook is distinct from documentation.passes_rulebook
    {% for element in elements %}
    or features.doc_has_{{ element }} <> coalesce(documentation.has_{{ element }}, false)
    {% endfor %}
