-- The claim deviations the practice's payer rules define (marts.fct_claim_deviations: note signed
-- after the claim went out, no eligibility check, eligibility not active, no required authorization,
-- late filing), in the shape of marts.mining_deviations: the claims showing each, their share of
-- the claims submitted, and the first-pass denial rate of the adjudicated claims with and without it.
insert into marts.mining_deviations by name
with flags as (
    select
        deviations.claim_id,
        claims.is_adjudicated,
        deviations.is_denied_first_pass,
        unnest([
            'note signed after claim submission', 'session without eligibility check',
            'eligibility not active at the session', 'claim without required authorization', 'late filing'
        ]) as deviation,
        unnest([
            deviations.is_note_signed_after_submission, deviations.is_without_eligibility_check,
            deviations.is_eligibility_not_active, deviations.is_without_required_authorization,
            deviations.is_late_filing
        ]) as shown
    from marts.fct_claim_deviations as deviations
    inner join marts.fct_claims as claims using (claim_id)
),

rates as (
    select
        deviation,
        count(*) filter (where shown) as cases,
        count(*) filter (where shown) / count(*) as share,
        count(*) filter (where shown and is_adjudicated) as denial_cases_with,
        count(*) filter (where shown and is_adjudicated and is_denied_first_pass) as denied_with,
        count(*) filter (where not shown and is_adjudicated) as denial_cases_without,
        count(*) filter (where not shown and is_adjudicated and is_denied_first_pass) as denied_without
    from flags
    group by deviation
)

select
    'claim' as case_type,
    'payer rules' as source,
    deviation,
    null as move,
    null as activity,
    cases,
    share,
    cases as occurrences,
    denial_cases_with,
    denied_with,
    denied_with / nullif(denial_cases_with, 0) as denial_rate_with,
    denial_cases_without,
    denied_without,
    denied_without / nullif(denial_cases_without, 0) as denial_rate_without
from rates
where cases > 0
