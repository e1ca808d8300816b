-- The mining step's headline, one row per case type: cases, variants and the most frequent
-- variant's share; fitness against the reference model; the edge holding the most waiting time;
-- and, for claims, the payer-rule deviation (something that can be fixed before the claim goes out,
-- unlike the model's deviations after submission, which include the denial itself) whose claims are
-- denied on first pass most often compared with the claims without it, with both rates.
with variants as (
    select case_type, sum(cases) as cases, count(*) as variants, max(share) as top_variant_share
    from marts.mining_variants
    group by case_type
),

bottleneck as (
    select case_type, source, target, share
    from marts.mining_bottleneck_edges
    qualify row_number() over (partition by case_type order by total_hours desc, source, target) = 1
),

deviation as (
    select case_type, deviation, denial_rate_with, denial_rate_without, share
    from marts.mining_deviations
    where source = 'payer rules' and denial_rate_with is not null
    qualify row_number() over (
        partition by case_type order by denial_rate_with - coalesce(denial_rate_without, 0) desc, deviation
    ) = 1
)

select
    variants.case_type,
    variants.cases,
    variants.variants,
    variants.top_variant_share,
    conformance.log_fitness,
    conformance.percentage_of_fitting_traces,
    bottleneck.source as bottleneck_source,
    bottleneck.target as bottleneck_target,
    bottleneck.share as bottleneck_share,
    deviation.deviation,
    deviation.share as deviation_share,
    deviation.denial_rate_with,
    deviation.denial_rate_without
from variants
left join marts.mining_conformance as conformance using (case_type)
left join bottleneck using (case_type)
left join deviation using (case_type)
order by variants.case_type
