-- One row per case of the event log: its first and last event, event count, variant (its
-- activities in event order joined with ' > ') and attributes. A claim's attributes are
-- fct_claims' (patient, payer of the original submission, rendering clinician, CPT code) and its
-- appointment's modality; a patient journey's are int_referral_journeys_bounded's.
with

events as (
    select * from {{ ref('event_log') }}
),

claims as (
    select * from {{ ref('int_claims_joined') }}
),

sessions as (
    select * from {{ ref('int_sessions_joined') }}
),

journeys as (
    select * from {{ ref('int_referral_journeys_bounded') }}
),

payers as (
    select * from {{ ref('dim_payers') }}
),

as_of as (
    select * from {{ ref('int_as_of_date') }}
),

case_attributes as (
    select
        claims.practice_id,
        'claim' as case_type,
        claims.claim_id as case_id,
        claims.patient_mrn,
        claims.payer_id,
        claims.clinician_npi,
        claims.cpt_code,
        sessions.modality
    from claims
    left join sessions
        on claims.practice_id = sessions.practice_id
        and claims.claim_id = sessions.appointment_id
    union all
    select
        practice_id,
        'patient_journey' as case_type,
        referral_id as case_id,
        patient_mrn,
        payer_id,
        clinician_npi,
        cpt_code,
        modality
    from journeys
),

aggregated as (
    select
        practice_id,
        case_type,
        case_id,
        min(event_at) as start_at,
        max(event_at) as end_at,
        count(*) as event_count,
        {{ lantern.ordered_listagg('activity', 'event_order', "' > '") }} as variant
    from events
    group by practice_id, case_type, case_id
),

ends as (
    select
        practice_id,
        case_type,
        case_id,
        max(case when event_order = 1 then activity end) as first_activity,
        max(case when is_last then activity end) as last_activity
    from (
        select
            practice_id,
            case_type,
            case_id,
            activity,
            event_order,
            event_order = count(*) over (partition by practice_id, case_type, case_id) as is_last
        from events
    ) as numbered
    group by practice_id, case_type, case_id
),

final as (
    select
        aggregated.practice_id,
        cast(aggregated.case_id as {{ dbt.type_string() }}) as case_id,
        cast(aggregated.case_type as {{ dbt.type_string() }}) as case_type,
        cast(aggregated.start_at as {{ lantern.type_timestamptz() }}) as start_at,
        cast(aggregated.end_at as {{ lantern.type_timestamptz() }}) as end_at,
        cast({{ lantern.days_between('aggregated.start_at', 'aggregated.end_at') }} as {{ lantern.type_double() }})
            as duration_days,
        cast(aggregated.event_count as {{ dbt.type_int() }}) as event_count,
        cast(ends.first_activity as {{ dbt.type_string() }}) as first_activity,
        cast(ends.last_activity as {{ dbt.type_string() }}) as last_activity,
        cast(aggregated.variant as {{ dbt.type_string() }}) as variant,
        cast(case_attributes.patient_mrn as {{ dbt.type_string() }}) as patient_mrn,
        cast(case_attributes.payer_id as {{ dbt.type_string() }}) as payer_id,
        cast(payers.payer_type as {{ dbt.type_string() }}) as payer_type,
        cast(case_attributes.clinician_npi as {{ dbt.type_string() }}) as clinician_npi,
        cast(case_attributes.cpt_code as {{ dbt.type_string() }}) as cpt_code,
        cast(case_attributes.modality as {{ dbt.type_string() }}) as modality,
        cast(as_of.as_of_date as date) as as_of_date
    from aggregated
    inner join ends
        on aggregated.practice_id = ends.practice_id
        and aggregated.case_type = ends.case_type
        and aggregated.case_id = ends.case_id
    left join case_attributes
        on aggregated.practice_id = case_attributes.practice_id
        and aggregated.case_type = case_attributes.case_type
        and aggregated.case_id = case_attributes.case_id
    left join payers
        on case_attributes.practice_id = payers.practice_id
        and case_attributes.payer_id = payers.payer_id
    inner join as_of
        on aggregated.practice_id = as_of.practice_id
)

select * from final
