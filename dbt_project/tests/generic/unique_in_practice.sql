{#
    The column is unique within each practice: keys come from a practice's own systems, so two practices of a
    network may both have a claim 1001 (dbt's `unique`, per practice_id).
#}
{% test unique_in_practice(model, column_name) %}
    select
        practice_id,
        {{ column_name }},
        count(*) as n_rows
    from {{ model }}
    where {{ column_name }} is not null
    group by practice_id, {{ column_name }}
    having count(*) > 1
{% endtest %}
