{#
    Payer rules (practice.toml, docs/practice-config.md): which coverage a moment belongs to, whether
    a visit needs a prior authorization, and which authorization it uses.
#}

{#
    The coverage the practice knew was current at an instant, for each row of `records` (columns
    `key_column`, patient_mrn, payer_id and `instant_column`): among the patient's coverages (with
    the row's payer, when it names one) whose latest version had been recorded by then and that had
    not ended by that day, the one that started last. When none of them had been recorded yet, the
    practice still knew an earlier, open version: the earliest-starting one. A coverage known to
    have ended, with no other current, leaves the row without a coverage (self-pay).
    Returns practice_id, `key_column`, coverage_id, payer_id (`records` and `coverages` carry practice_id too).
#}
{% macro known_coverages(records, key_column, instant_column, coverages) -%}
    select
        practice_id,
        record_key as {{ key_column }},
        coverage_id,
        payer_id
    from (
        select
            *,
            max(case when is_recorded then 1 else 0 end) over (partition by practice_id, record_key) as any_recorded,
            row_number() over (
                partition by practice_id, record_key
                order by case when is_current then 0 else 1 end, start_date desc, coverage_id desc
            ) as current_rank,
            row_number() over (partition by practice_id, record_key order by start_date, coverage_id) as earliest_rank
        from (
            select
                records.practice_id,
                records.{{ key_column }} as record_key,
                coverages.coverage_id,
                coverages.payer_id,
                coverages.start_date,
                coverages.updated_at <= records.{{ instant_column }} as is_recorded,
                coverages.updated_at <= records.{{ instant_column }}
                and (
                    coverages.end_date is null
                    or coverages.end_date >= {{ lantern.local_date('records.' ~ instant_column) }}
                ) as is_current
            from {{ records }} as records
            inner join {{ coverages }} as coverages
                on records.practice_id = coverages.practice_id
                and records.patient_mrn = coverages.patient_mrn
                and (records.payer_id is null or records.payer_id = coverages.payer_id)
        ) as candidates
    ) as ranked
    where (is_current and current_rank = 1)
        or (any_recorded = 0 and earliest_rank = 1)
{%- endmacro %}

{# Whether visit number `visit_number` needs a prior authorization under `rule` (none, first_visit, after_visits N). #}
{% macro is_authorization_required(rule, after_visits, visit_number) -%}
    case {{ rule }}
        when 'none' then false
        when 'first_visit' then true
        when 'after_visits' then {{ visit_number }} > {{ after_visits }}
    end
{%- endmacro %}

{#
    First-fit allocation of authorizations to the visits that need one, as the payer counts them:
    in order of `step` within an episode, each visit uses the first authorization (by
    authorization_number) that was decided at or before the session start, whose dates cover the
    session date and that has visits left; a visit uses one. `sessions`: episode_key, step
    (1, 2, ...), appointment_id, session_start_at, session_date. `authorizations`: episode_key,
    authorization_number, authorization_id, decided_at, start_date, end_date, approved_visits.
    Both carry practice_id: an episode is one practice's.
    Returns practice_id, appointment_id, authorization_id (null when none was usable) and
    has_exhausted_authorization (one covered the session but had no visits left).
    The visits an authorization has left depend on every earlier allocation, hence a recursion.
#}
{% macro allocate_authorizations(sessions, authorizations) -%}
    {{ return(adapter.dispatch('allocate_authorizations', 'lantern')(sessions, authorizations)) }}
{%- endmacro %}

{% macro default__allocate_authorizations(sessions, authorizations) -%}
    {{ exceptions.raise_compiler_error("allocate_authorizations has no implementation for " ~ adapter.type()) }}
{%- endmacro %}

{% macro spark__allocate_authorizations(sessions, authorizations) -%}
    {#- A fold (aggregate) over each episode's sessions in order: the state is the visits each authorization has
        used and the allocations so far. Spark's lambdas bind no local names, so the covering positions and the
        chosen one are spelled out where they are used. -#}
    {%- set covering -%}
        filter(
            transform(episodes.authorizations, (authorization, i) -> i),
            i -> episodes.authorizations[i].decided_at <= session.session_start_at
                and episodes.authorizations[i].start_date <= session.session_date
                and session.session_date <= episodes.authorizations[i].end_date
        )
    {%- endset -%}
    {%- set chosen -%}
        try_element_at(filter({{ covering }}, i -> state.used[i] < episodes.authorizations[i].approved_visits), 1)
    {%- endset -%}
    with

    episode_authorizations as (
        select
            practice_id,
            episode_key,
            array_sort(collect_list(
                struct(authorization_number, authorization_id, decided_at, start_date, end_date, approved_visits)
            )) as authorizations
        from {{ authorizations }}
        group by practice_id, episode_key
    ),

    episode_sessions as (
        select
            practice_id,
            episode_key,
            array_sort(collect_list(struct(step, appointment_id, session_start_at, session_date))) as sessions
        from {{ sessions }}
        group by practice_id, episode_key
    ),

    episodes as (
        select
            episode_sessions.practice_id,
            episode_sessions.episode_key,
            episode_sessions.sessions,
            -- an episode without authorizations gets an empty array of the same element type
            coalesce(
                episode_authorizations.authorizations,
                array_remove(array(try_element_at(episode_authorizations.authorizations, 1)), null)
            ) as authorizations
        from episode_sessions
        left join episode_authorizations
            on episode_sessions.practice_id = episode_authorizations.practice_id
            and episode_sessions.episode_key = episode_authorizations.episode_key
    ),

    allocated as (
        select
            episodes.practice_id,
            aggregate(
                episodes.sessions,
                named_struct(
                    'used', transform(episodes.authorizations, authorization -> 0),
                    'allocations', cast(array() as array<struct<
                        appointment_id: string, authorization_id: string, has_exhausted_authorization: boolean
                    >>)
                ),
                (state, session) -> named_struct(
                    'used', transform(state.used, (used, i) -> used + case when i = {{ chosen }} then 1 else 0 end),
                    'allocations', concat(state.allocations, array(named_struct(
                        'appointment_id', session.appointment_id,
                        'authorization_id', try_element_at(episodes.authorizations, {{ chosen }} + 1).authorization_id,
                        'has_exhausted_authorization', {{ chosen }} is null and size({{ covering }}) > 0
                    )))
                )
            ).allocations as allocations
        from episodes
    )

    select practice_id, allocation.appointment_id, allocation.authorization_id, allocation.has_exhausted_authorization
    from allocated
    lateral view explode(allocations) as allocation
{%- endmacro %}

{% macro duckdb__allocate_authorizations(sessions, authorizations) -%}
    with recursive

    episode_authorizations as (
        select
            practice_id,
            episode_key,
            list(
                struct_pack(authorization_id, decided_at, start_date, end_date, approved_visits)
                order by authorization_number
            ) as authorizations
        from {{ authorizations }}
        group by practice_id, episode_key
    ),

    episodes as (
        select
            episodes.practice_id,
            episodes.episode_key,
            coalesce(episode_authorizations.authorizations, []) as authorizations
        from (select distinct practice_id, episode_key from {{ sessions }}) as episodes
        left join episode_authorizations
            on episodes.practice_id = episode_authorizations.practice_id
            and episodes.episode_key = episode_authorizations.episode_key
    ),

    allocation as (
        select
            practice_id,
            episode_key,
            cast(0 as bigint) as step,
            cast(null as varchar) as appointment_id,
            authorizations,
            list_transform(authorizations, lambda a: 0) as used,
            cast(null as bigint) as chosen,
            false as has_exhausted_authorization
        from episodes

        union all

        select
            practice_id,
            episode_key,
            step,
            appointment_id,
            authorizations,
            list_transform(
                range(1, len(authorizations) + 1), lambda i: used[i] + case when i = chosen then 1 else 0 end
            ) as used,
            chosen,
            chosen is null and len(covering) > 0 as has_exhausted_authorization
        from (
            select
                *,
                list_filter(covering, lambda i: used[i] < authorizations[i].approved_visits)[1] as chosen
            from (
                select
                    allocation.practice_id,
                    allocation.episode_key,
                    sessions.step,
                    sessions.appointment_id,
                    allocation.authorizations,
                    allocation.used,
                    -- positions of the authorizations decided by the session start that cover its date
                    list_filter(
                        range(1, len(allocation.authorizations) + 1),
                        lambda i: allocation.authorizations[i].decided_at <= sessions.session_start_at
                            and allocation.authorizations[i].start_date <= sessions.session_date
                            and sessions.session_date <= allocation.authorizations[i].end_date
                    ) as covering
                from allocation
                inner join {{ sessions }} as sessions
                    on allocation.practice_id = sessions.practice_id
                    and allocation.episode_key = sessions.episode_key
                    and sessions.step = allocation.step + 1
            ) as covered
        ) as chosen_step
    )

    select
        practice_id,
        appointment_id,
        authorizations[chosen].authorization_id as authorization_id,
        has_exhausted_authorization
    from allocation
    where step > 0
{%- endmacro %}

{#
    The eligibility checks of each row of `rows` (columns claim_id, patient_mrn, payer_id,
    session_start_at, date_of_service) with the row's patient and payer, done at or before its
    session start (on or before its date of service when there is no session), ranked newest first
    (`check_rank` 1 is the latest: what the front desk knew when the session was held).
    Returns practice_id, claim_id, checked_at, eligibility_result, check_rank.
#}
{% macro ranked_eligibility_checks(rows, eligibility_checks) -%}
    select
        {{ rows }}.practice_id,
        {{ rows }}.claim_id,
        {{ eligibility_checks }}.checked_at,
        {{ eligibility_checks }}.eligibility_result,
        row_number() over (
            partition by {{ rows }}.practice_id, {{ rows }}.claim_id
            order by {{ eligibility_checks }}.checked_at desc, {{ eligibility_checks }}.eligibility_check_id desc
        ) as check_rank
    from {{ rows }}
    inner join {{ eligibility_checks }}
        on {{ rows }}.practice_id = {{ eligibility_checks }}.practice_id
        and {{ rows }}.patient_mrn = {{ eligibility_checks }}.patient_mrn
        and {{ rows }}.payer_id = {{ eligibility_checks }}.payer_id
        and (
            {{ eligibility_checks }}.checked_at <= {{ rows }}.session_start_at
            or (
                {{ rows }}.session_start_at is null
                and {{ lantern.local_date(eligibility_checks ~ '.checked_at') }} <= {{ rows }}.date_of_service
            )
        )
{%- endmacro %}
