"""Variants: the distinct activity sequences of a log's cases, with their share, throughput time and the
money that follows them, computed in the warehouse (`variants.sql`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import duckdb
import pandas as pd

from mining.events import (
    NO_FILTER,
    EventFilter,
    case_money_sql,
    events_query,
    paying_event_sql,
    quote,
    relation_columns,
)
from mining.schema import EVENT_LOG, EventLogSchema, Money


def variants(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    filters: EventFilter = NO_FILTER,
    schema: EventLogSchema = EVENT_LOG,
    money: Sequence[Money] | None = None,
    claim_outcomes: bool = False,
) -> pd.DataFrame:
    """One row per variant, most frequent first: variant_rank, variant (activities joined by ' -> '),
    activities (the tuple), events, cases, share, median_throughput_hours, mean_throughput_hours, and
    for each money measure m: m_total (summed over the variant's cases) and m_per_case (their mean; a
    case without such money counts as 0).

    `money` defaults to the schema's measures whose column the log has.

    With `claim_outcomes` (a claim log), also: `denial_rate`, the share of the variant's cases whose first event
    among `schema.adjudications` is `schema.denial` (kpis.md's first-pass denial), over its cases with an
    adjudication (NaN when none has one); and `median_days_to_payment`, the median days from a case's first
    `schema.cash_from` event to its first event of `schema.cash.activities` with a positive `schema.cash.column`
    (days to payment), over the cases that have both.
    """
    if money is None:
        present = set(relation_columns(con, events_relation))
        money = [m for m in schema.money if m.column in present]
    columns = list(dict.fromkeys([m.column for m in money] + ([schema.cash.column] if claim_outcomes else [])))
    query = events_query(con, events_relation, schema, filters, extra_columns=columns)

    per_case, money_parameters = case_money_sql(money)
    parameters = [*query.parameters, *money_parameters]
    per_variant = "".join(f",\n        sum({quote(m.name)}) as {quote(m.name + '_total')},"
                          f"\n        avg({quote(m.name)}) as {quote(m.name + '_per_case')}" for m in money)
    outputs = "".join(f",\n        {quote(m.name + '_total')},\n        {quote(m.name + '_per_case')}" for m in money)
    outcome_per_case = outcome_per_variant = outcome_columns = ""
    if claim_outcomes:
        adjudications = ", ".join("?" * len(schema.adjudications))
        paid, paid_parameters = paying_event_sql(schema, True)
        outcome_per_case = (
            f",\n        first(activity = ? order by {query.order_by}) filter (where activity in ({adjudications}))"
            f" as is_denied_first_pass,"
            f"\n        date_diff('microsecond', first(ts order by {query.order_by}) filter (where activity = ?),"
            f" first(ts order by {query.order_by}) filter (where {paid})) as payment_micros")
        parameters.extend([schema.denial, *schema.adjudications, schema.cash_from, *paid_parameters])
        outcome_per_variant = (",\n        avg(is_denied_first_pass::integer) as denial_rate,"
                               "\n        median(payment_micros) as median_payment_micros")
        outcome_columns = ",\n        denial_rate,\n        median_payment_micros / 86400e6 as median_days_to_payment"
    sql = query.render("variants.sql", money_per_case=per_case, money_per_variant=per_variant, money_columns=outputs,
                       outcome_per_case=outcome_per_case, outcome_per_variant=outcome_per_variant,
                       outcome_columns=outcome_columns)
    frame = con.execute(sql, parameters).df()
    frame["activities"] = [tuple(acts) for acts in frame["activities"]]
    return frame


def variant_counts(table: pd.DataFrame) -> Counter[tuple[str, ...]]:
    """The variant-collapsed log of a `variants` table: activity sequence -> number of cases (pm4py's UVCL)."""
    return Counter(dict(zip(table["activities"], (int(n) for n in table["cases"]), strict=True)))
