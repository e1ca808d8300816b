-- One case type's variants (parameter: case_type) from marts.mining_variants, most frequent first, with their
-- money, and the distinct patients who follow each (marts.event_log_cases, whose variant is the same activities
-- joined with ' > '), for the CMS cell-size rule.
with patients as (
    select variant, count(distinct patient_mrn) as patients
    from marts.event_log_cases
    where case_type = $1
    group by variant
)

select
    variants.variant_rank,
    variants.variant,
    variants.events,
    variants.cases,
    coalesce(patients.patients, 0) as patients,
    variants.share,
    variants.median_throughput_hours,
    variants.mean_throughput_hours,
    variants.charged_total,
    variants.charged_per_case,
    variants.payer_paid_total,
    variants.payer_paid_per_case,
    variants.patient_paid_total,
    variants.patient_paid_per_case,
    variants.written_off_total,
    variants.written_off_per_case,
    variants.denial_rate,
    variants.median_days_to_payment
from marts.mining_variants as variants
left join patients on patients.variant = array_to_string(variants.activities, ' > ')
where variants.case_type = $1
order by variants.variant_rank
