{#
    Everything engine-specific lives here, behind adapter.dispatch('<name>', 'lantern'):
    a `default__` implementation (ANSI / Spark SQL) and a `duckdb__` one. Models call
    `lantern.<name>(...)` and dbt's own cross-database macros (`dbt.dateadd`, `dbt.datediff`,
    `dbt.date_trunc`, `dbt.safe_cast`, `dbt.type_*`, `dbt.concat` ...), nothing else.
#}

{# ---- types ------------------------------------------------------------------------------ #}

{# Money: exact decimals, to the cent (kpis.md). #}
{% macro type_money() -%}
    {{ return(adapter.dispatch('type_money', 'lantern')()) }}
{%- endmacro %}

{% macro default__type_money() -%}
    decimal(18,2)
{%- endmacro %}

{# An instant: a timestamp that knows its UTC offset. #}
{% macro type_timestamptz() -%}
    {{ return(adapter.dispatch('type_timestamptz', 'lantern')()) }}
{%- endmacro %}

{% macro default__type_timestamptz() -%}
    timestamp
{%- endmacro %}

{% macro duckdb__type_timestamptz() -%}
    timestamptz
{%- endmacro %}

{# dbt's default safe_cast is a plain cast; on DuckDB make it a real one (null when it fails). #}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{# ---- time zones ---------------------------------------------------------------------------- #}

{# An instant -> the practice's wall-clock time (a timestamp without time zone). #}
{% macro to_local_timestamp(instant) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'lantern')(instant)) }}
{%- endmacro %}

{% macro default__to_local_timestamp(instant) -%}
    from_utc_timestamp({{ instant }}, '{{ var("practice_timezone") }}')
{%- endmacro %}

{% macro duckdb__to_local_timestamp(instant) -%}
    timezone('{{ var("practice_timezone") }}', {{ instant }})
{%- endmacro %}

{# A naive wall-clock time of the practice (X12 BHT04/BHT05) -> an instant. #}
{% macro from_local_timestamp(wall_clock) -%}
    {{ return(adapter.dispatch('from_local_timestamp', 'lantern')(wall_clock)) }}
{%- endmacro %}

{% macro default__from_local_timestamp(wall_clock) -%}
    to_utc_timestamp({{ wall_clock }}, '{{ var("practice_timezone") }}')
{%- endmacro %}

{% macro duckdb__from_local_timestamp(wall_clock) -%}
    timezone('{{ var("practice_timezone") }}', cast({{ wall_clock }} as timestamp))
{%- endmacro %}

{# The practice's calendar date of an instant. #}
{% macro local_date(instant) -%}
    cast({{ lantern.to_local_timestamp(instant) }} as date)
{%- endmacro %}

{# The first day of the practice's calendar month of an instant. #}
{% macro local_month(instant) -%}
    cast({{ dbt.date_trunc('month', lantern.to_local_timestamp(instant)) }} as date)
{%- endmacro %}

{# ---- durations between instants (a daylight-saving change adds no hour) -------------------- #}

{% macro epoch_seconds(instant) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'lantern')(instant)) }}
{%- endmacro %}

{% macro default__epoch_seconds(instant) -%}
    cast(unix_micros({{ instant }}) as double) / 1000000.0
{%- endmacro %}

{% macro duckdb__epoch_seconds(instant) -%}
    epoch({{ instant }})
{%- endmacro %}

{% macro hours_between(start_instant, end_instant) -%}
    (({{ lantern.epoch_seconds(end_instant) }}) - ({{ lantern.epoch_seconds(start_instant) }})) / 3600.0
{%- endmacro %}

{% macro days_between(start_instant, end_instant) -%}
    (({{ lantern.epoch_seconds(end_instant) }}) - ({{ lantern.epoch_seconds(start_instant) }})) / 86400.0
{%- endmacro %}

{# Whole years of age on a date (birthday not yet reached this year -> one less). #}
{% macro age_in_years(birth_date, on_date) -%}
    (
        extract(year from {{ on_date }}) - extract(year from {{ birth_date }})
        - case
            when extract(month from {{ on_date }}) < extract(month from {{ birth_date }})
                or (
                    extract(month from {{ on_date }}) = extract(month from {{ birth_date }})
                    and extract(day from {{ on_date }}) < extract(day from {{ birth_date }})
                )
                then 1
            else 0
        end
    )
{%- endmacro %}

{# ---- statistics ----------------------------------------------------------------------------- #}

{# Percentile that interpolates linearly between ranks (DuckDB quantile_cont, pandas' default). #}
{% macro percentile_cont(expression, fraction, exact_type=none) -%}
    {#- Spelled out, not the engines' own percentile functions: DuckDB's quantile_cont and Spark's percentile
        interpolate with different arithmetic, so the same values could differ in the last bit. Here both do the
        same operations: sorted non-null values v (0-based), position p = (n - 1) * fraction,
        v[floor(p)] + (v[ceil(p)] - v[floor(p)]) * (p - floor(p)); null for no value. In doubles, or, given an
        `exact_type` (money), in that decimal type with the fraction of p to 6 digits: exact to the cent. -#}
    {%- set values = lantern.sorted_values(expression, exact_type or lantern.type_double()) -%}
    {%- set position -%}((cardinality({{ values }}) - 1) * cast({{ fraction }} as {{ lantern.type_double() }})){%- endset -%}
    {%- set lower = lantern.array_at(values, 'floor(' ~ position ~ ')') -%}
    {%- set upper = lantern.array_at(values, 'ceil(' ~ position ~ ')') -%}
    {%- set weight -%}({{ position }} - floor({{ position }})){%- endset -%}
    {%- if exact_type -%}{%- set weight -%}cast({{ weight }} as decimal(9,6)){%- endset -%}{%- endif -%}
    case when cardinality({{ values }}) > 0
        then {{ lower }} + ({{ upper }} - {{ lower }}) * {{ weight }}
    end
{%- endmacro %}

{% macro median(expression, exact_type=none) -%}
    {{ lantern.percentile_cont(expression, 0.5, exact_type) }}
{%- endmacro %}

{#- An aggregate: the group's non-null values of `expression` as `type`, in ascending order. -#}
{% macro sorted_values(expression, type) -%}
    {{ return(adapter.dispatch('sorted_values', 'lantern')(expression, type)) }}
{%- endmacro %}

{% macro default__sorted_values(expression, type) -%}
    array_sort(collect_list(cast({{ expression }} as {{ type }})))
{%- endmacro %}

{% macro duckdb__sorted_values(expression, type) -%}
    list_sort(list(cast({{ expression }} as {{ type }})) filter (where {{ expression }} is not null))
{%- endmacro %}

{#- The element of `array` at the 0-based position `index` (a whole number). -#}
{% macro array_at(array, index) -%}
    {{ return(adapter.dispatch('array_at', 'lantern')(array, index)) }}
{%- endmacro %}

{% macro default__array_at(array, index) -%}
    element_at({{ array }}, cast({{ index }} as int) + 1)
{%- endmacro %}

{% macro duckdb__array_at(array, index) -%}
    {{ array }}[cast({{ index }} as bigint) + 1]
{%- endmacro %}


{# ---- series ------------------------------------------------------------------------------------ #}

{#
    One row per calendar day from `start_column` to `end_column` (inclusive) of the one-row
    relation `bounds`, as `date_day`.
#}
{% macro day_series(bounds, start_column, end_column) -%}
    {{ return(adapter.dispatch('day_series', 'lantern')(bounds, start_column, end_column)) }}
{%- endmacro %}

{% macro default__day_series(bounds, start_column, end_column) -%}
    select practice_id, explode(sequence({{ start_column }}, {{ end_column }}, interval 1 day)) as date_day
    from {{ bounds }}
    where {{ start_column }} <= {{ end_column }}
{%- endmacro %}

{% macro duckdb__day_series(bounds, start_column, end_column) -%}
    select practice_id, cast(unnest(generate_series(
        cast({{ start_column }} as timestamp), cast({{ end_column }} as timestamp), interval 1 day
    )) as date) as date_day
    from {{ bounds }}
    where {{ start_column }} <= {{ end_column }}
{%- endmacro %}

{#
    One row per practice and Monday from the week of `start_column` to the week of `end_column` of
    `bounds`, a row per practice (both Mondays themselves), as `week_start`.
#}
{% macro week_series(bounds, start_column, end_column) -%}
    select practice_id, date_day as week_start
    from ({{ lantern.day_series(bounds, start_column, end_column) }}) as days
    where cast({{ dbt.date_trunc('week', 'date_day') }} as date) = date_day
{%- endmacro %}

{# ---- text --------------------------------------------------------------------------------------- #}

{# Empty or blank text -> null (PM CSV cells are empty when a value never existed). #}
{% macro blank_to_null(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{# An ICD-10-CM code without its dot (837 HI writes F411, FHIR writes F41.1). #}
{% macro icd10_undotted(code) -%}
    upper({{ dbt.replace(code, "'.'", "''") }})
{%- endmacro %}

{# Double precision (dbt.type_float() is a 4-byte float on DuckDB: too coarse for rates). #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'lantern')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{# ---- aggregates ---------------------------------------------------------------------------- #}

{#- The group's values of `expression`, in the order of `order_by`, joined with `separator` (a SQL string
    literal); null when the group has no value. dbt's listagg takes no ORDER BY on Spark. -#}
{% macro ordered_listagg(expression, order_by, separator) -%}
    {{ return(adapter.dispatch('ordered_listagg', 'lantern')(expression, order_by, separator)) }}
{%- endmacro %}

{% macro default__ordered_listagg(expression, order_by, separator) -%}
    {{ dbt.listagg(expression, separator, 'order by ' ~ order_by) }}
{%- endmacro %}

{% macro spark__ordered_listagg(expression, order_by, separator) -%}
    case when count({{ expression }}) > 0 then array_join(
        transform(
            array_sort(collect_list(struct({{ order_by }} as sort_key, {{ expression }} as value))),
            item -> item.value
        ),
        {{ separator }}
    ) end
{%- endmacro %}

{# ---- Spark ----------------------------------------------------------------------------------- #}

{#- A real safe cast on Spark too (null when it fails): with ANSI mode, Spark 4's default, a plain cast raises. -#}
{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- dbt-spark's seed loader formats its bindings into the SQL with Python's `%`, unquoted, so a value with an
    apostrophe ("Payer's ...") breaks the statement. Here the values are Spark string literals, escaped. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    {%- set value = row[loop.index0] -%}
                    {%- if value is none -%}cast(null as {{ type }})
                    {%- else -%}cast('{{ (value | string).replace("\\", "\\\\").replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %},{% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{% endmacro %}

{# ---- arrays ---------------------------------------------------------------------------------- #}

{#- Whether every element of the array `items` is in the array `container`. -#}
{% macro array_all_in(items, container) -%}
    {{ return(adapter.dispatch('array_all_in', 'lantern')(items, container)) }}
{%- endmacro %}

{% macro default__array_all_in(items, container) -%}
    size(array_except({{ items }}, {{ container }})) = 0
{%- endmacro %}

{% macro duckdb__array_all_in(items, container) -%}
    list_has_all({{ container }}, {{ items }})
{%- endmacro %}

{# ---- arithmetic ------------------------------------------------------------------------------ #}

{#- numerator / denominator as a double, null when the denominator is 0 or null. Both are made doubles first: a
    quotient of decimals (or of an integer times 1.0) has an engine's own scale (Spark: 6 digits), a double's
    division is IEEE's on every engine. -#}
{% macro ratio(numerator, denominator) -%}
    cast({{ numerator }} as {{ lantern.type_double() }})
        / nullif(cast({{ denominator }} as {{ lantern.type_double() }}), 0)
{%- endmacro %}

{#- An instant as whole microseconds since 1970-01-01 UTC (both engines keep microseconds): differences of these
    are exact integers. -#}
{% macro epoch_micros(instant) -%}
    {{ return(adapter.dispatch('epoch_micros', 'lantern')(instant)) }}
{%- endmacro %}

{% macro default__epoch_micros(instant) -%}
    unix_micros({{ instant }})
{%- endmacro %}

{% macro duckdb__epoch_micros(instant) -%}
    epoch_us({{ instant }})
{%- endmacro %}
