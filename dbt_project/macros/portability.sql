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
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'lantern')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro spark__percentile_cont(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro duckdb__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro median(expression) -%}
    {{ lantern.percentile_cont(expression, 0.5) }}
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
    select explode(sequence({{ start_column }}, {{ end_column }}, interval 1 day)) as date_day
    from {{ bounds }}
    where {{ start_column }} <= {{ end_column }}
{%- endmacro %}

{% macro duckdb__day_series(bounds, start_column, end_column) -%}
    select cast(unnest(generate_series(
        cast({{ start_column }} as timestamp), cast({{ end_column }} as timestamp), interval 1 day
    )) as date) as date_day
    from {{ bounds }}
    where {{ start_column }} <= {{ end_column }}
{%- endmacro %}

{#
    One row per Monday from the week of `start_column` to the week of `end_column` of the one-row
    relation `bounds` (both Mondays themselves), as `week_start`.
#}
{% macro week_series(bounds, start_column, end_column) -%}
    select date_day as week_start
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
