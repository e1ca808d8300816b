"""Reading an event log in the warehouse: the events query every analysis starts from, its filters, and
the pandas frame handed to pm4py.

The analyses take a DuckDB connection and the name of a table or view holding an event log with the
columns of `mining.schema` (Lantern's mart, or an XES file loaded by `mining.xes`). They compose the
SQL files beside this module: `events.sql` renames the log's columns to fixed names and applies the
filters; `process_map.sql`, `variants.sql`, `overview.sql` and `frame.sql` read it as a CTE. Column
and relation names are checked and quoted here; filter values are bound as parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from importlib import resources
from string import Template

import duckdb
import pandas as pd

from mining.schema import EVENT_LOG, EventLogSchema, Money

_RELATION = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}")

# The order of the events of a case (pm4py's: see mining.schema), without and with start times.
ORDER_INSTANTS = "ts, event_index"
ORDER_INTERVALS = "start_ts, ts, event_index"


@dataclass(frozen=True)
class EventFilter:
    """Which cases an analysis reads. Every filter keeps or drops whole cases, so that no trace is cut short.

    - `case_start_from` / `case_start_to`: the date range, on the case's start (its first event's
      start, or timestamp for instant events): cases that started on or after `case_start_from`
      and on or before `case_start_to` (both dates included; either may be left open).
    - `equals`: attribute column -> a value or a list of values (Lantern's: case_type, payer_id,
      payer_type, clinician_npi, modality, cpt_code): cases with at least one event whose attribute
      has one of the values (for a case attribute repeated on every event, the case's own value).
      Several columns: all must hold.

    Dates are compared with the log's timestamps as they are: for a timestamptz column, in the
    connection's time zone.
    """

    case_start_from: date | None = None
    case_start_to: date | None = None
    equals: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for bound in (self.case_start_from, self.case_start_to):
            if bound is not None and (isinstance(bound, datetime) or not isinstance(bound, date)):
                raise TypeError(f"case start bounds are dates, not {bound!r}")
        if self.case_start_from and self.case_start_to and self.case_start_from > self.case_start_to:
            raise ValueError(f"case_start_from {self.case_start_from} is after case_start_to {self.case_start_to}")


NO_FILTER = EventFilter()


def quote(name: str) -> str:
    """A column name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def check_relation(relation: str) -> str:
    """The table or view name, checked: `name`, `schema.name` or `catalog.schema.name`."""
    if not _RELATION.fullmatch(relation):
        raise ValueError(f"not a table or view name: {relation!r}")
    return relation


def relation_exists(con, relation: str) -> bool:
    """Whether a table or view named `name` or `schema.name` is in the database: the tables a later step writes
    (mining, scoring, forecasting) may not be there yet."""
    schema, _, name = check_relation(relation).rpartition(".")
    schema = schema.rpartition(".")[2]  # catalog.schema.name: the schema
    return bool(con.execute(sql_file("relation_exists.sql").template, [schema, schema, name] * 2).fetchone()[0])


@cache
def sql_file(name: str) -> Template:
    """One of the SQL files beside this module, as a template ($placeholders)."""
    return Template(resources.files("mining").joinpath(name).read_text(encoding="utf-8"))


def case_money_sql(money: Sequence[Money]) -> tuple[str, list[object]]:
    """Select items (each after a comma) summing every money measure over a case's events, as `<name>` (0 for a
    case without such money), and their parameters. Money is read as double, so that a text attribute, as XES often
    has, counts where it is a number, then summed as a decimal to the millionth: a sum of doubles depends on the
    order of its terms, and with it on the order the warehouse's rows were loaded in (docs/trust.md)."""
    sql, parameters = "", []
    for m in money:
        value = f"try_cast(try_cast({quote(m.column)} as double) as decimal(38, 6))"
        if m.activities:
            value = f"case when activity in ({', '.join('?' * len(m.activities))}) then {value} end"
            parameters.extend(m.activities)
        sql += f",\n        coalesce(sum({value}), 0) as {quote(m.name)}"
    return sql, parameters


def paying_event_sql(schema: EventLogSchema, has_cash_column: bool) -> tuple[str, list[object]]:
    """The condition that an event pays (`schema.cash`: one of its activities with a positive amount), and its
    parameters; `false` when the log has no such column (then no event pays)."""
    if not has_cash_column:
        return "false", []
    paid = f"try_cast({quote(schema.cash.column)} as double) > 0"
    if not schema.cash.activities:
        return paid, []
    return f"activity in ({', '.join('?' * len(schema.cash.activities))}) and {paid}", list(schema.cash.activities)


def relation_columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    return [row[0] for row in con.execute(f"describe {check_relation(relation)}").fetchall()]


@dataclass(frozen=True)
class EventsQuery:
    """The events CTE for one relation and filter: its SQL, its parameters and the order of a case's events."""

    sql: str
    parameters: list[object]
    intervals: bool  # the log has start times (schema.start_timestamp)
    columns: tuple[str, ...]  # the relation's own columns

    @property
    def order_by(self) -> str:
        return ORDER_INTERVALS if self.intervals else ORDER_INSTANTS

    def render(self, file: str, **placeholders: str) -> str:
        """An analysis's SQL file with this events query in it (as `$events`) and its order (as `$order_by`)."""
        return sql_file(file).substitute(events=self.sql, order_by=self.order_by, **placeholders)


def events_query(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    schema: EventLogSchema = EVENT_LOG,
    filters: EventFilter = NO_FILTER,
    extra_columns: Sequence[str] = (),
) -> EventsQuery:
    """Build the events query (`events.sql`) for `relation`, checking that the columns it needs are there."""
    columns = tuple(relation_columns(con, relation))
    required = (schema.case_id, schema.activity, schema.timestamp, schema.event_index)
    missing = [name for name in (*required, *extra_columns, *filters.equals) if name not in columns]
    if missing:
        raise ValueError(f"{relation} has no column {', '.join(missing)} (it has {', '.join(columns)})")
    intervals = schema.start_timestamp in columns
    case_id, ts = quote(schema.case_id), quote(schema.timestamp)
    start = f"coalesce({quote(schema.start_timestamp)}, {ts})" if intervals else ts

    case_filter, parameters = case_filter_sql(relation, schema, filters, case_id, intervals)

    sql = sql_file("events.sql").substitute(
        relation=relation,
        case_id=case_id,
        activity=quote(schema.activity),
        timestamp=ts,
        start_timestamp=start,
        event_index=quote(schema.event_index),
        extra_columns="".join(f",\n    {quote(name)}" for name in extra_columns),
        case_filter=case_filter,
    )
    return EventsQuery(sql, parameters, intervals, columns)


def case_filter_sql(
    relation: str,
    schema: EventLogSchema,
    filters: EventFilter,
    outer_case_id: str,
    intervals: bool,
) -> tuple[str, list[object]]:
    """The filters as SQL conditions on a case id column (`outer_case_id`, already quoted), each starting with
    `and`, and their parameters: `relation` (the event log; `intervals` when it has start times) is what
    decides which cases they keep."""
    case_id, ts = quote(schema.case_id), quote(schema.timestamp)
    start = f"coalesce({quote(schema.start_timestamp)}, {ts})" if intervals else ts
    clauses: list[str] = []
    parameters: list[object] = []
    if filters.case_start_from or filters.case_start_to:
        having = []
        if filters.case_start_from:
            having.append(f"min({start}) >= ?")
            parameters.append(datetime.combine(filters.case_start_from, time()))
        if filters.case_start_to:
            having.append(f"min({start}) < ?")
            parameters.append(datetime.combine(filters.case_start_to + timedelta(days=1), time()))
        clauses.append(f"{outer_case_id} in (select {case_id} from {relation} where {ts} is not null "
                       f"group by {case_id} having {' and '.join(having)})")
    for column, wanted in filters.equals.items():
        values = list(wanted) if isinstance(wanted, (list, tuple, set, frozenset)) else [wanted]
        if not values:
            raise ValueError(f"no values to filter {column} on")
        clauses.append(f"{outer_case_id} in (select {case_id} from {relation} "
                       f"where {quote(column)} in ({', '.join('?' * len(values))}))")
        parameters.extend(values)
    return "".join(f"\n    and {clause}" for clause in clauses), parameters


def events_frame(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    schema: EventLogSchema = EVENT_LOG,
    filters: EventFilter = NO_FILTER,
) -> pd.DataFrame:
    """The (filtered) events as a pandas frame for pm4py: the schema's column names, case and activity as
    strings, rows in pm4py's order (by case, then the events' order), so that pm4py's start and end
    activities, variants and directly-follows pairs are those of the SQL analyses.

    It loads every event: use it on small logs, samples or variant-collapsed logs, not on the warehouse.
    """
    query = events_query(con, relation, schema, filters)
    start = f"\n    start_ts as {quote(schema.start_timestamp)}," if query.intervals else ""
    sql = query.render("frame.sql", case_id=quote(schema.case_id), activity=quote(schema.activity),
                       timestamp=quote(schema.timestamp), start_timestamp=start,
                       event_index=quote(schema.event_index))
    return con.execute(sql, query.parameters).df()
