{{ config(meta={'dagster': {'ref': {'name': 'fct_claim_features'}}}) }}  -- shown in Dagster as a check of fct_claim_features
{#
    The denial model's checks of a billed claim are the deviations the conformance mart reports for
    it: the same authorization, eligibility, note-signature and filing facts, read the same way.
#}
with

features as (
    select * from {{ ref('fct_claim_features') }}
    where is_billed
),

deviations as (
    select * from {{ ref('fct_claim_deviations') }}
)

select
    features.practice_id,
    features.claim_id
from features
left join deviations
    on features.practice_id = deviations.practice_id
    and features.claim_id = deviations.claim_id
where deviations.claim_id is null
    or features.is_authorization_required is distinct from deviations.is_authorization_required
    or features.is_without_required_authorization is distinct from deviations.is_without_required_authorization
    or features.is_eligibility_checked = deviations.is_without_eligibility_check
    or features.eligibility_result <> coalesce(deviations.eligibility_result, 'none')
    or features.is_note_signed_before_submission = deviations.is_note_signed_after_submission
    or features.filing_lag_days is distinct from deviations.filing_lag_days
    or features.timely_filing_days is distinct from deviations.timely_filing_days
