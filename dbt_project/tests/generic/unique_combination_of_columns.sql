{#
    The combination of `combination_of_columns` is unique (dbt_utils' test of the same name,
    written here because the project uses no packages).
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
