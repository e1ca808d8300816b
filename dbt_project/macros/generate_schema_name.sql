{#
    Schemas are named exactly as configured (`staging`, `intermediate`, `marts`, `seeds`), not
    prefixed with the target's schema as dbt does by default: the dashboards and models read
    `marts.<table>` whatever the target.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
