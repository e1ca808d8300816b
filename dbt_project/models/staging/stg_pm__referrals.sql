-- PM referrals.csv (the front door): one row per referral_id, its latest version by updated_at.
with

source as (
    {{ lantern.raw_source('pm_referrals') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

typed as (
    select
        practice_id,
        {{ lantern.blank_to_null("referral_id") }} as referral_id,
        {{ dbt.safe_cast(lantern.blank_to_null("received_at"), lantern.type_timestamptz()) }} as received_at,
        lower({{ lantern.blank_to_null("channel") }}) as channel,
        lower({{ lantern.blank_to_null("source") }}) as referral_source,
        {{ lantern.blank_to_null("patient_mrn") }} as patient_mrn,
        {{ dbt.safe_cast(lantern.blank_to_null("birth_date"), "date") }} as birth_date,
        lower({{ lantern.blank_to_null("requested_service") }}) as requested_service,
        {{ dbt.safe_cast(lantern.blank_to_null("first_contact_at"), lantern.type_timestamptz()) }} as first_contact_at,
        {{ dbt.safe_cast(lantern.blank_to_null("intake_sent_at"), lantern.type_timestamptz()) }} as intake_sent_at,
        {{ dbt.safe_cast(lantern.blank_to_null("intake_completed_at"), lantern.type_timestamptz()) }} as intake_completed_at,
        lower({{ lantern.blank_to_null("status") }}) as referral_status,
        lower({{ lantern.blank_to_null("lost_reason") }}) as lost_reason,
        {{ dbt.safe_cast(lantern.blank_to_null("updated_at"), lantern.type_timestamptz()) }} as updated_at,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
),

versions as (
    {{ lantern.latest_version('typed', 'referral_id') }}
),

final as (
    select
        practice_id,
        referral_id,
        received_at,
        channel,
        referral_source,
        patient_mrn,
        birth_date,
        requested_service,
        first_contact_at,
        intake_sent_at,
        intake_completed_at,
        referral_status,
        lost_reason,
        updated_at,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
        and referral_id is not null
)

select * from final
