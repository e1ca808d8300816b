-- One row per scored row (int_feature_rows_listed) with the denial history its clinician and its
-- payer x CPT pair had when it was scored: over claims with an original submission whose first
-- adjudication (the 835's BPR16 date) is on a day before scored_at's local date, how many there
-- were and how many of them were denied on first pass. An adjudication dated the same day as the
-- scoring, or later, was not known yet and does not count.
--
-- One window per grouping instead of a join per row: the adjudications (+1 claim, +1 denial when
-- denied) and the scored rows (+0) are put on one timeline per group and summed cumulatively. On a
-- day, the scored rows sort before the adjudications, so a same-day adjudication is left out.
{%- set groupings = {
    'clinician': ['clinician_npi'],
    'payer_cpt': ['payer_id', 'cpt_code'],
} %}
with

scored as (
    select * from {{ ref('int_feature_rows_listed') }}
),

claims as (
    select * from {{ ref('int_claims_joined') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

adjudicated as (
    select
        claims.practice_id,
        claims.clinician_npi,
        claims.payer_id,
        claims.cpt_code,
        claims.first_adjudication_date,
        case when claims.is_denied_first_pass then 1 else 0 end as is_denial
    from claims
    inner join as_of
        on claims.practice_id = as_of.practice_id
    where claims.has_original_submission
        and claims.is_adjudicated
        and claims.first_adjudication_date <= as_of.as_of_date
),

{% for name, keys in groupings.items() %}
{{ name }}_timeline as (
    select
        practice_id,
        {% for key in keys %}{{ key }}, {% endfor %}
        first_adjudication_date as event_date,
        1 as event_order,
        cast(null as {{ dbt.type_string() }}) as claim_id,
        1 as claims,
        is_denial as denials
    from adjudicated
    where {% for key in keys %}{{ key }} is not null{% if not loop.last %} and {% endif %}{% endfor %}

    union all

    select
        practice_id,
        {% for key in keys %}{{ key }}, {% endfor %}
        scored_date as event_date,
        0 as event_order,
        claim_id,
        0 as claims,
        0 as denials
    from scored
    where {% for key in keys %}{{ key }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
),

{{ name }}_counted as (
    select
        practice_id,
        claim_id,
        prior_claims as {{ name }}_prior_claims,
        prior_denials as {{ name }}_prior_denials
    from (
        select
            practice_id,
            claim_id,
            event_order,
            sum(claims) over cumulative as prior_claims,
            sum(denials) over cumulative as prior_denials
        from {{ name }}_timeline
        window cumulative as (
            partition by practice_id, {{ keys | join(', ') }}
            order by event_date, event_order
            rows between unbounded preceding and current row
        )
    ) as summed
    where event_order = 0
),

{% endfor %}
final as (
    select
        scored.practice_id,
        scored.claim_id,
        {% for name in groupings %}
        {{ name }}_counted.{{ name }}_prior_claims,
        {{ name }}_counted.{{ name }}_prior_denials,
        case when {{ name }}_counted.{{ name }}_prior_claims > 0
            then cast({{ name }}_counted.{{ name }}_prior_denials as {{ lantern.type_double() }})
                / {{ name }}_counted.{{ name }}_prior_claims
        end as {{ name }}_prior_denial_rate{% if not loop.last %},{% endif %}
        {% endfor %}
    from scored
    {% for name in groupings %}
    left join {{ name }}_counted
        on scored.practice_id = {{ name }}_counted.practice_id
        and scored.claim_id = {{ name }}_counted.claim_id
    {% endfor %}
)

select * from final
