-- The as-of date of every measure: the `as_of_date` var when the user names one, else the newest
-- delivery whose folder name is a date (kpis.md), else today when no delivery is dated.
with

deliveries as (
    select * from {{ ref('stg_loader__deliveries') }}
),

newest as (
    select max(delivery_date) as newest_delivery_date
    from deliveries
),

final as (
    select
        {% if var('as_of_date') -%}
        cast('{{ var("as_of_date") }}' as date) as as_of_date,
        {%- else -%}
        cast(coalesce(newest_delivery_date, current_date) as date) as as_of_date,
        {%- endif %}
        newest_delivery_date,
        {{ 'true' if var('as_of_date') else 'false' }} as is_named_by_user
    from newest
)

select * from final
