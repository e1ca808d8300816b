"""Rework: the loops that redo work (an activity repeated in a case, and the schema's named rework activities,
for Lantern a resubmission, a reversal, a re-sent claim or a rebooked appointment), with what they cost: the
throughput time and the days to cash they add, the money that follows the cases that have them, and an
estimate of the staff time they take. Computed in the warehouse (`rework.sql`).
"""

from __future__ import annotations

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

# The staff-cost defaults, assumptions (see `rework`): an hour of billing staff time at $25 an hour per rework.
MINUTES_PER_REWORK = 60.0
HOURLY_RATE = 25.0

# The columns, with each money measure's `<name>_per_case_with` and `<name>_per_case_without` after the eighth.
REWORK_COLUMNS = ["kind", "activity", "cases", "share", "rework_events", "median_throughput_hours_with",
                  "median_throughput_hours_without", "throughput_hours_added", "median_days_to_cash_with",
                  "median_days_to_cash_without", "days_to_cash_added", "staff_hours", "staff_cost"]


def rework(
    con: duckdb.DuckDBPyConnection,
    events_relation: str,
    filters: EventFilter = NO_FILTER,
    schema: EventLogSchema = EVENT_LOG,
    money: Sequence[Money] | None = None,
    minutes_per_rework: float = MINUTES_PER_REWORK,
    hourly_rate: float = HOURLY_RATE,
) -> pd.DataFrame:
    """One row per kind of rework that occurs in the (filtered) log, `any` first, then `named`, then `repeat`,
    most cases first:

    - `kind`, `activity`: 'repeat' and an activity some case has more than once; 'named' and one of
      `schema.rework_activities` that some case has; 'any' (activity None): either.
    - `cases`: the cases that have it; `share`: their share of all cases.
    - `rework_events`: its extra events: a repeated activity's occurrences after the first in each case, a
      named activity's every occurrence; for 'any', each event once.
    - `median_throughput_hours_with` / `_without`: the median throughput (last event's timestamp minus the
      first's) of the cases with it / the others; `throughput_hours_added`: with minus without.
    - for each money measure m: `m_per_case_with` / `m_per_case_without`: m summed over the cases with it /
      the others, per case (a case without such money counts as 0).
    - `median_days_to_cash_with` / `_without`: the median days from a case's first `schema.cash_from` event to
      its first event of `schema.cash.activities` with a positive `schema.cash.column`, over the cases that
      have both; `days_to_cash_added`: with minus without. NaN when the log has no such column. For Lantern's
      claims this is kpis.md's days to payment (claim submitted to the first adjudication with CLP04 > 0),
      but from timestamp to timestamp, in fractions of a day, not whole calendar days.
    - `staff_hours` = rework_events x `minutes_per_rework` / 60; `staff_cost` = staff_hours x `hourly_rate`.

    `money` defaults to the schema's measures whose column the log has.

    The staff cost is an estimate, and its defaults (60 minutes at $25 an hour: $25 per rework event) are
    assumptions, not measurements: MGMA's widely cited cost of reworking a denied claim is about $25, and the
    median pay of medical records specialists (BLS occupation 29-2072, who post insurance billings) was about
    $50,000 a year in 2024, about $24 an hour; so about an hour of billing staff time per rework. A rebooked
    appointment or a re-sent claim likely takes less: pass the practice's own figures.
    """
    present = set(relation_columns(con, events_relation))
    if money is None:
        money = [m for m in schema.money if m.column in present]
    cash = schema.cash if schema.cash.column in present else None
    columns = list(dict.fromkeys([m.column for m in money] + ([cash.column] if cash else [])))
    query = events_query(con, events_relation, schema, filters, extra_columns=columns)
    parameters = list(query.parameters)

    paid, paid_parameters = paying_event_sql(schema, cash is not None)
    money_per_case, money_parameters = case_money_sql(money)
    parameters += [schema.cash_from, *paid_parameters, *money_parameters]
    with_without = "".join(
        f",\n        avg({quote(m.name)}) filter (where has) as {quote(m.name + '_per_case_with')},"
        f"\n        avg({quote(m.name)}) filter (where not has) as {quote(m.name + '_per_case_without')}"
        for m in money)
    parameters.append(list(schema.rework_activities))

    sql = query.render("rework.sql", paid=paid, money_per_case=money_per_case, money_with_without=with_without)
    table = con.execute(sql, parameters).df()
    table = table.astype({"cases": "int64", "rework_events": "int64", "share": "float64",
                          "median_days_to_cash_with": "float64", "median_days_to_cash_without": "float64"})
    table["activity"] = table["activity"].astype(object).where(table["activity"].notna(), None)
    table["throughput_hours_added"] = table["median_throughput_hours_with"] - table["median_throughput_hours_without"]
    table["days_to_cash_added"] = table["median_days_to_cash_with"] - table["median_days_to_cash_without"]
    table["staff_hours"] = table["rework_events"] * minutes_per_rework / 60
    table["staff_cost"] = table["staff_hours"] * hourly_rate
    money_columns = [c for m in money for c in (f"{m.name}_per_case_with", f"{m.name}_per_case_without")]
    return table[[*REWORK_COLUMNS[:8], *money_columns, *REWORK_COLUMNS[8:]]]
