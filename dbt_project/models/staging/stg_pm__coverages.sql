-- PM coverages.csv: one row per coverage_id, its latest version by updated_at (end_date null = open).
with

source as (
    {{ lantern.raw_source('pm_coverages') }}
),

first_copies as (
    {{ lantern.first_file_copy('source') }}
),

typed as (
    select
        practice_id,
        {{ lantern.blank_to_null("coverage_id") }} as coverage_id,
        {{ lantern.blank_to_null("patient_mrn") }} as patient_mrn,
        {{ lantern.blank_to_null("payer_id") }} as payer_id,
        {{ lantern.blank_to_null("member_id") }} as member_id,
        {{ dbt.safe_cast(lantern.blank_to_null("start_date"), "date") }} as start_date,
        {{ dbt.safe_cast(lantern.blank_to_null("end_date"), "date") }} as end_date,
        {{ dbt.safe_cast(lantern.blank_to_null("updated_at"), lantern.type_timestamptz()) }} as updated_at,
        _delivery,
        _source_file,
        _position
    from first_copies
    where _copy_rank = 1
),

versions as (
    {{ lantern.latest_version('typed', 'coverage_id') }}
),

final as (
    select
        practice_id,
        coverage_id,
        patient_mrn,
        payer_id,
        member_id,
        start_date,
        end_date,
        updated_at,
        _delivery,
        _source_file,
        _position
    from versions
    where _version_rank = 1
        and coverage_id is not null
)

select * from final
