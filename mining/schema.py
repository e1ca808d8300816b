"""The event-log schema: the one place that names an event log's columns and their pm4py keys.

An event log is a table with one row per event. The analyses (`mining.dfg`, `mining.variants`,
`mining.discovery`) read these columns by the names below, and every pm4py call gets them
explicitly through `EventLogSchema.pm4py_keys()`; nothing else in `mining/` spells a column name.
The defaults are Lantern's event log, `marts.event_log`; an XES file is renamed to them
(`mining.xes`).

| field             | Lantern's column  | meaning                                               | pm4py / XES key     |
| ----------------- | ----------------- | ----------------------------------------------------- | ------------------- |
| `case_id`         | `case_id`         | the case the event belongs to                         | `case:concept:name` |
| `activity`        | `activity`        | what happened                                         | `concept:name`      |
| `timestamp`       | `event_at`        | when it happened (for an interval, when it completed) | `time:timestamp`    |
| `start_timestamp` | `start_timestamp` | optional: when an interval event started              | `start_timestamp`   |
| `resource`        | `resource`        | optional: who did it                                  | `org:resource`      |
| `event_index`     | `event_order`     | the event's place in the log as recorded: ties        | (the row order)     |

Order of the events of a case, everywhere: by `start_timestamp` (when the log has it), then
`timestamp`, then `event_index`. This is pm4py's order: its directly-follows graph sorts the
frame by `[case, start_timestamp, timestamp]` with pandas' stable sort, so events with equal
timestamps stay in row order; `event_index` is that row order written down, so that a warehouse
table (which has no row order) gives the same graph. A frame handed to pm4py must therefore be
sorted by `event_index` within each case (`mining.events.events_frame` returns it so). Lantern's
`event_order` numbers a case's events by time, then the activity's step in the intended path.

`start_timestamp` keeps pm4py's column name because pm4py's directly-follows graph looks for a
column of exactly that name (it takes no key for it): when present, the time on an edge a -> b is
b's start minus a's completion, as in pm4py.

`marts.event_log` holds two case notions (`case_type` patient_journey and claim): analyse one at a
time, with `EventFilter(equals={"case_type": "claim"})`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

PM4PY_CASE_ID = "case:concept:name"
PM4PY_ACTIVITY = "concept:name"
PM4PY_TIMESTAMP = "time:timestamp"
PM4PY_START_TIMESTAMP = "start_timestamp"
PM4PY_RESOURCE = "org:resource"


@dataclass(frozen=True, slots=True)
class Money:
    """Money that follows a case: `column` summed over the case's events whose activity is one of
    `activities` (over all its events when `activities` is empty); reported as `<name>_total` and
    `<name>_per_case` per variant."""

    name: str
    column: str
    activities: tuple[str, ...] = ()


# The adjudications whose amount is the payer's payment (CLP04; negative for a reversal).
_ADJUDICATIONS = ("adjudicated: paid", "adjudicated: partially paid", "adjudicated: patient responsibility",
                  "adjudicated: denied", "adjudication reversed")
_PAYER_PAID = Money("payer_paid", "amount", _ADJUDICATIONS)


@dataclass(frozen=True, slots=True)
class EventLogSchema:
    """Column names of an event log. The defaults are Lantern's (`marts.event_log`)."""

    case_id: str = "case_id"
    activity: str = "activity"
    timestamp: str = "event_at"
    start_timestamp: ClassVar[str] = PM4PY_START_TIMESTAMP  # fixed: pm4py finds it by this name only
    resource: str = "resource"
    event_index: str = "event_order"
    # Attributes the process map can be filtered on (equality, case level: see mining.events.EventFilter).
    attributes: tuple[str, ...] = ("case_type", "payer_id", "payer_type", "clinician_npi", "modality", "cpt_code")
    # Money summed per case and per variant, when the log has the column (see the event_activities seed).
    money: tuple[Money, ...] = (
        Money("charged", "amount", ("claim submitted",)),
        _PAYER_PAID,
        Money("patient_paid", "amount", ("patient paid",)),
        Money("written_off", "amount", ("claim written off",)),
    )
    # Rework (mining.rework): activities that are rework whenever they happen, besides any activity repeated in a case.
    rework_activities: tuple[str, ...] = ("claim resubmitted", "adjudication reversed", "claim re-sent",
                                          "appointment rebooked")
    # Days to cash (kpis.md's days to payment; mining.rework): from a case's first `cash_from` event to its first
    # event of `cash.activities` with a positive `cash.column`.
    cash_from: str = "claim submitted"
    cash: Money = _PAYER_PAID
    # First-pass denial (kpis.md; mining.compare): the case's first event among `adjudications` is `denial`.
    denial: str = "adjudicated: denied"
    adjudications: tuple[str, ...] = _ADJUDICATIONS

    def pm4py_keys(self) -> dict[str, str]:
        """The keyword arguments naming this schema's columns in a pm4py call (discovery, conformance, statistics)."""
        return {"case_id_key": self.case_id, "activity_key": self.activity, "timestamp_key": self.timestamp}

    def from_pm4py(self) -> dict[str, str]:
        """How pm4py's / XES's column names map to this schema's (for renaming a frame pm4py read)."""
        return {
            PM4PY_CASE_ID: self.case_id,
            PM4PY_ACTIVITY: self.activity,
            PM4PY_TIMESTAMP: self.timestamp,
            PM4PY_START_TIMESTAMP: self.start_timestamp,
            PM4PY_RESOURCE: self.resource,
        }


EVENT_LOG = EventLogSchema()
