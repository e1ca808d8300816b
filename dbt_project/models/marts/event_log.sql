-- The process-mining event log: one row per event of two case notions, the patient journey (one
-- referral, from received to its first session) and the claim (one CLM01, from the session it
-- bills to closed or written off). Activities are the event_activities seed's; events dated after
-- the as-of date (practice local date) are left out. A case's events are numbered in order of
-- time, then the activity's step in the intended path, then the source's own order (the kpis.md
-- order of 835 CLPs), so (event_at, event_order) orders them and equal instants keep the path's
-- order. Besides its case, an event names the objects it touches (patient, referral, appointment,
-- 835 or patient payment), which the object-centric (OCEL 2.0) export reads.
with

journey_events as (
    select * from {{ ref('int_journey_events_listed') }}
),

claim_events as (
    select * from {{ ref('int_claim_events_listed') }}
),

activities as (
    select * from {{ ref('event_activities') }}
),

payers as (
    select * from {{ ref('dim_payers') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

unioned as (
    select * from journey_events
    union all
    select * from claim_events
),

dated as (
    select unioned.*
    from unioned
    inner join as_of
        on unioned.practice_id = as_of.practice_id
    where {{ lantern.local_date('unioned.event_at') }} <= as_of.as_of_date
),

identified as (
    select
        dated.*,
        {{ dbt.hash(dbt.concat([
            'dated.case_type', "'|'", 'dated.case_id', "'|'", 'dated.activity', "'|'", 'dated.source_key'
        ])) }} as event_id,
        activities.path_order
    from dated
    left join activities
        on dated.activity = activities.activity
        and dated.case_type = activities.case_type
),

ordered as (
    select
        identified.*,
        row_number() over (
            partition by practice_id, case_type, case_id
            order by event_at, path_order, source_sequence, event_id
        ) as event_order
    from identified
),

final as (
    select
        ordered.practice_id,
        cast(ordered.event_id as {{ dbt.type_string() }}) as event_id,
        cast(ordered.case_id as {{ dbt.type_string() }}) as case_id,
        cast(ordered.case_type as {{ dbt.type_string() }}) as case_type,
        cast(ordered.activity as {{ dbt.type_string() }}) as activity,
        cast(ordered.event_at as {{ lantern.type_timestamptz() }}) as event_at,
        cast(ordered.event_order as {{ dbt.type_int() }}) as event_order,
        cast(ordered.resource as {{ dbt.type_string() }}) as resource,
        cast(ordered.resource_type as {{ dbt.type_string() }}) as resource_type,
        cast(ordered.patient_mrn as {{ dbt.type_string() }}) as patient_mrn,
        cast(ordered.payer_id as {{ dbt.type_string() }}) as payer_id,
        cast(payers.payer_type as {{ dbt.type_string() }}) as payer_type,
        cast(ordered.clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(ordered.cpt_code as {{ dbt.type_string() }}) as cpt_code,
        cast(ordered.modality as {{ dbt.type_string() }}) as modality,
        cast(ordered.amount as {{ lantern.type_money() }}) as amount,
        cast(ordered.referral_id as {{ dbt.type_string() }}) as referral_id,
        cast(ordered.appointment_id as {{ dbt.type_string() }}) as appointment_id,
        cast(ordered.payment_id as {{ dbt.type_string() }}) as payment_id
    from ordered
    left join payers
        on ordered.practice_id = payers.practice_id
        and ordered.payer_id = payers.payer_id
)

select * from final
