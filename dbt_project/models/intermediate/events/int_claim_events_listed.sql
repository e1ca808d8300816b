-- The claim events of the event log (the event_activities seed): one case per claim (CLM01), from
-- the session it bills to closed or written off. The session and its final note; every 837 of the
-- claim (the original submission, re-sends, resubmissions, voids, as int_claims_submitted tells
-- them apart); every 277CA status; every 835 CLP as int_claim_adjudications_classified names it;
-- the first CLP with patient responsibility; every patient payment with its appointment_id;
-- closed (settled as of the as-of date) and written off (finally denied, dated at the last
-- adjudication + 120 days). Dates without a time (BPR16, the 277CA STC date) are stamped at
-- midnight, practice local time. Attributes are the claim's (fct_claims: patient, rendering
-- clinician, CPT code; the appointment's modality) except the payer, which is the event's own
-- 837, 277CA or 835 payer when it names one. The objects each event touches (the OCEL export):
-- the claim's PM appointment and that appointment's referral (when the PM has them); the 835
-- payment an adjudication or reversal came in, as its payer's id and TRN02 trace (check or EFT)
-- number, which a re-sent 835 repeats (its remittance key when either is missing); the PM
-- payment of a patient payment.
with

claims as (
    select * from {{ ref('int_claims_joined') }}
),

submitted as (
    select * from {{ ref('int_claims_submitted') }}
),

submissions as (
    select * from {{ ref('stg_x12__claims') }}
),

acks as (
    select * from {{ ref('stg_x12__claim_acks') }}
),

adjudications as (
    select * from {{ ref('int_claim_adjudications_classified') }}
),

remittances as (
    select * from {{ ref('stg_x12__remittances') }}
),

patient_payments as (
    select * from {{ ref('stg_pm__patient_payments') }}
),

sessions as (
    select * from {{ ref('int_sessions_joined') }}
),

notes as (
    select * from {{ ref('int_notes_resolved') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

referrals as (
    select * from {{ ref('int_referrals_matched') }}
),

claim_sessions as (
    select
        sessions.practice_id,
        sessions.claim_id,
        sessions.appointment_id,
        referrals.referral_id,
        sessions.is_completed,
        sessions.session_start_at,
        coalesce(sessions.encounter_clinician_npi, sessions.clinician_npi) as session_clinician_npi,
        sessions.final_note_id,
        sessions.note_signed_at,
        sessions.modality
    from sessions
    inner join claims
        on sessions.practice_id = claims.practice_id
        and sessions.appointment_id = claims.claim_id
    left join referrals
        on sessions.practice_id = referrals.practice_id
        and sessions.referral_id = referrals.referral_id
),

claim_payments as (
    select
        patient_payments.practice_id,
        patient_payments.appointment_id as claim_id,
        patient_payments.payment_id,
        patient_payments.received_at,
        patient_payments.amount
    from patient_payments
    inner join claims
        on patient_payments.practice_id = claims.practice_id
        and patient_payments.appointment_id = claims.claim_id
),

session_events as (
    select
        practice_id,
        claim_id as case_id,
        'session held' as activity,
        session_start_at as event_at,
        coalesce(session_clinician_npi, 'clinician') as resource,
        'clinician' as resource_type,
        appointment_id as source_key
    from claim_sessions
    where is_completed
    union all
    select
        claim_sessions.practice_id,
        claim_sessions.claim_id as case_id,
        'note signed' as activity,
        claim_sessions.note_signed_at as event_at,
        coalesce(notes.author_npi, claim_sessions.session_clinician_npi, 'clinician') as resource,
        'clinician' as resource_type,
        claim_sessions.final_note_id as source_key
    from claim_sessions
    left join notes
        on claim_sessions.practice_id = notes.practice_id
        and claim_sessions.final_note_id = notes.document_reference_id
    where claim_sessions.note_signed_at is not null
),

submission_events as (
    select
        submissions.practice_id,
        submissions.claim_id as case_id,
        case
            when submissions.claim_key = submitted.original_claim_key then 'claim submitted'
            when submissions.frequency_code = '1' then 'claim re-sent'
            when submissions.frequency_code = '7' then 'claim resubmitted'
            else 'claim voided'
        end as activity,
        submissions.submitted_at as event_at,
        'billing' as resource,
        'staff' as resource_type,
        submissions.payer_id,
        submissions.total_charge as amount,
        cast(null as {{ dbt.type_string() }}) as payment_id,
        submissions.claim_key as source_key,
        0 as source_sequence
    from submissions
    inner join submitted
        on submissions.practice_id = submitted.practice_id
        and submissions.claim_id = submitted.claim_id
    where submissions.frequency_code in ('1', '8')
        or (
            submissions.frequency_code = '7'
            and (submitted.submitted_at is null or submissions.submitted_at > submitted.submitted_at)
        )
),

ack_events as (
    select
        practice_id,
        claim_id as case_id,
        case when status_category in ('A1', 'A2') then '277CA: accepted' else '277CA: rejected' end as activity,
        {{ lantern.from_local_timestamp('status_date') }} as event_at,
        coalesce(payer_id, 'clearinghouse') as resource,
        case when payer_id is null then 'clearinghouse' else 'payer' end as resource_type,
        payer_id,
        cast(null as {{ lantern.type_money() }}) as amount,
        cast(null as {{ dbt.type_string() }}) as payment_id,
        claim_ack_key as source_key,
        0 as source_sequence
    from acks
    where status_category in ('A1', 'A2', 'A3', 'A6', 'A7', 'A8')
),

adjudication_events as (
    select
        adjudications.practice_id,
        adjudications.claim_id as case_id,
        adjudications.activity,
        {{ lantern.from_local_timestamp('adjudications.payment_date') }} as event_at,
        coalesce(adjudications.payer_id, 'payer') as resource,
        'payer' as resource_type,
        adjudications.payer_id,
        adjudications.paid as amount,
        coalesce(
            {{ dbt.concat(['remittances.payer_id', "':'", 'remittances.trace_number']) }},
            adjudications.remittance_key
        ) as payment_id,
        adjudications.claim_payment_key as source_key,
        adjudications.adjudication_number as source_sequence
    from adjudications
    left join remittances
        on adjudications.practice_id = remittances.practice_id
        and adjudications.remittance_key = remittances.remittance_key
    union all
    select
        practice_id,
        claim_id as case_id,
        'patient billed' as activity,
        {{ lantern.from_local_timestamp('payment_date') }} as event_at,
        'billing' as resource,
        'staff' as resource_type,
        payer_id,
        patient_responsibility as amount,
        cast(null as {{ dbt.type_string() }}) as payment_id,
        claim_payment_key as source_key,
        adjudication_number as source_sequence
    from adjudications
    where is_patient_billed
),

payment_events as (
    select
        practice_id,
        claim_id as case_id,
        'patient paid' as activity,
        received_at as event_at,
        'patient' as resource,
        'patient' as resource_type,
        cast(null as {{ dbt.type_string() }}) as payer_id,
        amount,
        payment_id,
        payment_id as source_key,
        0 as source_sequence
    from claim_payments
),

-- Closed: settled by the as-of date, every amount counted only if dated on or before it.
adjudications_as_of as (
    select
        adjudications.practice_id,
        adjudications.claim_id,
        sum(adjudications.paid) as payer_paid,
        sum(adjudications.contractual_adjustment) as contractual_adjustment,
        sum(case when adjudications.is_reversal then 0 else 1 end) as non_reversal_adjudications,
        max(adjudications.payment_date) as last_adjudication_date
    from adjudications
    inner join as_of
        on adjudications.practice_id = as_of.practice_id
    where adjudications.payment_date <= as_of.as_of_date
    group by adjudications.practice_id, adjudications.claim_id
),

patient_payments_as_of as (
    select
        claim_payments.practice_id,
        claim_payments.claim_id,
        sum(claim_payments.amount) as patient_paid,
        max(claim_payments.received_at) as last_patient_payment_at
    from claim_payments
    inner join as_of
        on claim_payments.practice_id = as_of.practice_id
    where {{ lantern.local_date('claim_payments.received_at') }} <= as_of.as_of_date
    group by claim_payments.practice_id, claim_payments.claim_id
),

settlements as (
    select
        claims.practice_id,
        claims.claim_id,
        {{ lantern.from_local_timestamp('adjudications_as_of.last_adjudication_date') }} as last_adjudicated_at,
        patient_payments_as_of.last_patient_payment_at
    from claims
    inner join as_of
        on claims.practice_id = as_of.practice_id
    inner join adjudications_as_of
        on claims.practice_id = adjudications_as_of.practice_id
        and claims.claim_id = adjudications_as_of.claim_id
    left join patient_payments_as_of
        on claims.practice_id = patient_payments_as_of.practice_id
        and claims.claim_id = patient_payments_as_of.claim_id
    where adjudications_as_of.non_reversal_adjudications > 0
        and not claims.is_finally_denied
        and (claims.voided_at is null or {{ lantern.local_date('claims.voided_at') }} > as_of.as_of_date)
        and adjudications_as_of.payer_paid + coalesce(patient_payments_as_of.patient_paid, 0)
        >= claims.charge - adjudications_as_of.contractual_adjustment
),

outcome_events as (
    select
        practice_id,
        claim_id as case_id,
        'claim closed' as activity,
        case
            when last_patient_payment_at is null or last_patient_payment_at < last_adjudicated_at
                then last_adjudicated_at
            else last_patient_payment_at
        end as event_at,
        'billing' as resource,
        'staff' as resource_type,
        cast(null as {{ dbt.type_string() }}) as payer_id,
        cast(null as {{ lantern.type_money() }}) as amount,
        cast(null as {{ dbt.type_string() }}) as payment_id,
        claim_id as source_key,
        0 as source_sequence
    from settlements
    union all
    select
        practice_id,
        claim_id as case_id,
        'claim written off' as activity,
        {{ lantern.from_local_timestamp(
            'cast(' ~ dbt.dateadd('day', var('finally_denied_after_days'), 'last_adjudication_date') ~ ' as date)'
        ) }} as event_at,
        'billing' as resource,
        'staff' as resource_type,
        cast(null as {{ dbt.type_string() }}) as payer_id,
        charge as amount,
        cast(null as {{ dbt.type_string() }}) as payment_id,
        claim_id as source_key,
        0 as source_sequence
    from claims
    where is_finally_denied
),

unioned as (
    select
        practice_id,
        case_id,
        activity,
        event_at,
        resource,
        resource_type,
        cast(null as {{ dbt.type_string() }}) as payer_id,
        cast(null as {{ lantern.type_money() }}) as amount,
        cast(null as {{ dbt.type_string() }}) as payment_id,
        source_key,
        0 as source_sequence
    from session_events
    union all
    select * from submission_events
    union all
    select * from ack_events
    union all
    select * from adjudication_events
    union all
    select * from payment_events
    union all
    select * from outcome_events
),

final as (
    select
        unioned.practice_id,
        'claim' as case_type,
        unioned.case_id,
        unioned.activity,
        unioned.event_at,
        unioned.resource,
        unioned.resource_type,
        claims.patient_mrn,
        coalesce(unioned.payer_id, claims.payer_id) as payer_id,
        claims.clinician_npi,
        claims.cpt_code,
        claim_sessions.modality,
        unioned.amount,
        claim_sessions.referral_id,
        claim_sessions.appointment_id,
        unioned.payment_id,
        unioned.source_key,
        unioned.source_sequence
    from unioned
    inner join claims
        on unioned.practice_id = claims.practice_id
        and unioned.case_id = claims.claim_id
    left join claim_sessions
        on unioned.practice_id = claim_sessions.practice_id
        and unioned.case_id = claim_sessions.claim_id
    where unioned.event_at is not null
)

select * from final
