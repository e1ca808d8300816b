{#
    Staging helpers: the two ways the raw layer repeats itself.

    1. The same bytes delivered under two names (a clearinghouse re-sends an 835 as
       `..._resent.835`): rows with the same `_file_sha256` and `_position` are one row; keep the
       copy with the smallest (`_delivery`, `_source_file`). Some raw tables hold several rows per
       position (the triplets of one CAS segment, the codes of one MOA, the pairs of one PLB):
       for those, `rows_per_position='many'` keeps every row of the first copy.
    2. A PM CSV row sent again with changes: the latest `updated_at` wins, then the later
       delivery, file and line.
#}

{#
    Every row carries the practice it came from (`practice_id`), and every key is unique within a practice only.
    A network build's raw layer (Parquet, a partition per practice) has the column; a single practice's loader
    tables do not, and get the build's `practice_id` var, so one project serves both.
#}
{% macro raw_source(table_name) -%}
    select
        {% if not var('raw_has_practice_id') -%}
        {{ lantern.practice_id_literal() }} as practice_id,
        {% endif -%}
        *
    from {{ source('raw', table_name) }}
{%- endmacro %}

{% macro practice_id_literal() -%}
    {%- set practice_id = var('practice_id') -%}
    {%- if not modules.re.match('^[A-Za-z0-9][A-Za-z0-9._-]*$', practice_id) -%}
        {{ exceptions.raise_compiler_error("var practice_id " ~ practice_id ~ " is not a practice id") }}
    {%- endif -%}
    cast('{{ practice_id }}' as {{ dbt.type_string() }})
{%- endmacro %}

{% macro first_file_copy(relation, rows_per_position='one') -%}
    {%- set rank_function = 'row_number' if rows_per_position == 'one' else 'dense_rank' -%}
    select
        *,
        {{ rank_function }}() over (
            partition by practice_id, _file_sha256, _position
            order by _delivery, _source_file
        ) as _copy_rank
    from {{ relation }}
{%- endmacro %}

{#
    `updated_at_column='_delivery'` (FHIR resources, which carry no version time here): the latest
    delivery wins.
#}
{% macro latest_version(relation, key_column, updated_at_column='updated_at') -%}
    select
        *,
        row_number() over (
            partition by practice_id, {{ key_column }}
            order by
                {% if updated_at_column != '_delivery' -%}
                {{ updated_at_column }} desc nulls last,
                {% endif -%}
                _delivery desc nulls last,
                _source_file desc nulls last,
                _position desc nulls last
        ) as _version_rank
    from {{ relation }}
{%- endmacro %}

{# Contractual adjustment (kpis.md): CAS group CO with reason 45 or 253. #}
{% macro is_contractual_adjustment(group_code, reason_code) -%}
    ({{ group_code }} = 'CO' and {{ reason_code }} in ('45', '253'))
{%- endmacro %}

{# Denial reason candidates (kpis.md): CO, OA or PI adjustments other than 45 and 253. #}
{% macro is_denial_reason_candidate(group_code, reason_code) -%}
    ({{ group_code }} in ('CO', 'OA', 'PI') and {{ reason_code }} not in ('45', '253'))
{%- endmacro %}
