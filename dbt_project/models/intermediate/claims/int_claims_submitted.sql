-- One row per claim (CLM01) with its 837 history (kpis.md, "The claim and its history"):
-- the original submission is the earliest 837 that carries it with frequency code 1, by its
-- BHT04+BHT05 time (ties: delivery, file, position); a later 837 with frequency 7 is a
-- resubmission; frequency 8 voids the claim. The date of service is the earliest DTP*472 of its
-- service lines. Descriptive fields (charge, payer, rendering NPI, CPT ...) come from the original
-- submission, or from the earliest 837 of any frequency when no original was received.
with

claims as (
    select * from {{ ref('stg_x12__claims') }}
),

lines as (
    select * from {{ ref('stg_x12__claim_lines') }}
),

acks as (
    select * from {{ ref('stg_x12__claim_acks') }}
),

ranked as (
    select
        claims.*,
        row_number() over (
            partition by practice_id, claim_id
            order by
                case when frequency_code = '1' then 0 else 1 end,
                submitted_at,
                _delivery,
                _source_file,
                _position
        ) as reference_rank
    from claims
),

reference_submissions as (
    select * from ranked
    where reference_rank = 1
),

originals as (
    select
        practice_id,
        claim_id,
        claim_key as original_claim_key,
        submitted_at
    from reference_submissions
    where frequency_code = '1'
),

first_lines as (
    select
        practice_id,
        claim_key,
        procedure_code,
        modifiers,
        row_number() over (partition by practice_id, claim_key order by line_number, _position) as line_rank
    from lines
),

service_dates as (
    select
        claims.practice_id,
        claims.claim_id,
        min(lines.service_date) as date_of_service,
        count(distinct claims.claim_key) as submission_count
    from claims
    left join lines
        on claims.practice_id = lines.practice_id
        and claims.claim_key = lines.claim_key
    group by claims.practice_id, claims.claim_id
),

flagged_submissions as (
    select
        claims.practice_id,
        claims.claim_id,
        claims.frequency_code,
        claims.submitted_at,
        claims.frequency_code = '7'
        and (originals.submitted_at is null or claims.submitted_at > originals.submitted_at)
            as is_later_resubmission
    from claims
    left join originals
        on claims.practice_id = originals.practice_id
        and claims.claim_id = originals.claim_id
),

followups as (
    select
        practice_id,
        claim_id,
        sum(case when is_later_resubmission then 1 else 0 end) as resubmission_count,
        min(case when is_later_resubmission then submitted_at end) as first_resubmitted_at,
        sum(case when frequency_code = '8' then 1 else 0 end) as void_count,
        min(case when frequency_code = '8' then submitted_at end) as voided_at
    from flagged_submissions
    group by practice_id, claim_id
),

rejections as (
    select
        practice_id,
        claim_id,
        count(*) as rejection_count
    from acks
    where status_category in ('A3', 'A6', 'A7', 'A8')
    group by practice_id, claim_id
),

final as (
    select
        reference_submissions.practice_id,
        reference_submissions.claim_id,
        originals.original_claim_key,
        originals.original_claim_key is not null as has_original_submission,
        originals.submitted_at,
        {{ lantern.local_date('originals.submitted_at') }} as submitted_date,
        {{ lantern.local_month('originals.submitted_at') }} as submitted_month,
        service_dates.date_of_service,
        reference_submissions.total_charge as charge,
        reference_submissions.payer_id,
        reference_submissions.payer_name,
        reference_submissions.claim_filing_code,
        reference_submissions.member_id,
        reference_submissions.billing_npi,
        reference_submissions.rendering_npi,
        reference_submissions.place_of_service,
        reference_submissions.prior_auth_number,
        reference_submissions.diagnosis_codes,
        first_lines.procedure_code as cpt_code,
        first_lines.modifiers,
        service_dates.submission_count,
        coalesce(followups.resubmission_count, 0) > 0 as is_resubmitted,
        coalesce(followups.resubmission_count, 0) as resubmission_count,
        followups.first_resubmitted_at,
        coalesce(followups.void_count, 0) > 0 as is_voided,
        followups.voided_at,
        coalesce(rejections.rejection_count, 0) > 0 as has_277ca_rejection
    from reference_submissions
    left join originals
        on reference_submissions.practice_id = originals.practice_id
        and reference_submissions.claim_id = originals.claim_id
    left join first_lines
        on reference_submissions.practice_id = first_lines.practice_id
        and reference_submissions.claim_key = first_lines.claim_key
        and first_lines.line_rank = 1
    left join service_dates
        on reference_submissions.practice_id = service_dates.practice_id
        and reference_submissions.claim_id = service_dates.claim_id
    left join followups
        on reference_submissions.practice_id = followups.practice_id
        and reference_submissions.claim_id = followups.claim_id
    left join rejections
        on reference_submissions.practice_id = rejections.practice_id
        and reference_submissions.claim_id = rejections.claim_id
)

select * from final
