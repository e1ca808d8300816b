-- One row per practice and delivery folder that reached the raw layer, with the rows each raw table holds from it.
-- The as-of date of every measure defaults to the newest of these that is a date (kpis.md).
{%- set raw_tables = [
    'fhir_patients', 'fhir_practitioners', 'fhir_encounters', 'fhir_conditions', 'fhir_observations',
    'fhir_document_references',
    'pm_payers', 'pm_coverages', 'pm_referrals', 'pm_eligibility_checks', 'pm_authorizations',
    'pm_appointments', 'pm_patient_payments',
    'x12_claims', 'x12_claim_lines', 'x12_remittances', 'x12_claim_payments', 'x12_service_payments',
    'x12_adjustments', 'x12_remarks', 'x12_provider_adjustments', 'x12_claim_acks',
    'ledger',
] %}
with

{% for table in raw_tables %}
{{ table }} as (
    select
        practice_id,
        _delivery,
        '{{ table }}' as raw_table,
        count(*) as row_count
    from ({{ lantern.raw_source(table) }}) as rows_of_{{ table }}
    group by practice_id, _delivery
),

{% endfor %}
unioned as (
    {% for table in raw_tables %}
    select * from {{ table }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        practice_id,
        _delivery as delivery,
        {{ dbt.safe_cast('_delivery', 'date') }} as delivery_date,
        sum(case when raw_table <> 'ledger' then row_count else 0 end) as raw_rows,
        sum(case when raw_table = 'ledger' then row_count else 0 end) as ledger_files
    from unioned
    where _delivery is not null
    group by practice_id, _delivery
)

select * from final
