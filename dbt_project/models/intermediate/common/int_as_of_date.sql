-- The as-of date of every measure, one row per practice: the `as_of_date` var when the user names one, else the
-- practice's newest delivery whose folder name is a date (kpis.md), else today when none is dated.
with

deliveries as (
    select * from {{ ref('stg_loader__deliveries') }}
),

practices as (
    {% if var('raw_has_practice_id') -%}
    select distinct practice_id from deliveries
    {%- else -%}
    -- a single practice has its row even before its first delivery
    select {{ lantern.practice_id_literal() }} as practice_id
    {%- endif %}
),

newest as (
    select
        practice_id,
        max(delivery_date) as newest_delivery_date
    from deliveries
    group by practice_id
),

final as (
    select
        practices.practice_id,
        {% if var('as_of_date') -%}
        cast('{{ var("as_of_date") }}' as date) as as_of_date,
        {%- else -%}
        cast(coalesce(newest.newest_delivery_date, current_date) as date) as as_of_date,
        {%- endif %}
        newest.newest_delivery_date,
        {{ 'true' if var('as_of_date') else 'false' }} as is_named_by_user
    from practices
    left join newest
        on practices.practice_id = newest.practice_id
)

select * from final
