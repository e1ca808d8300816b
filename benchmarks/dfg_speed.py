"""Time the warehouse directly-follows graph (DuckDB SQL) against pm4py's, on the same synthetic logs.

    .venv/bin/python benchmarks/dfg_speed.py                      # 100k, 1M and 10M events
    .venv/bin/python benchmarks/dfg_speed.py --events 100000 --events 1000000 --repeat 5

Each size runs in a fresh process (so its peak memory is its own). The log is generated with numpy: an
intake-to-cash process of 15 activities as a Markov chain, about 10 events per case, timestamps in
whole minutes over three years with some equal timestamps within a case (so the tie-break matters),
rows in case order as an exporter writes them. The same rows go into a pandas frame (for pm4py) and a
DuckDB table (for the warehouse path); neither load is timed.

Timed, best of --repeat runs:
- warehouse: `mining.dfg.process_map` (frequency, mean, median, p90 per edge, and the start and end
  activities, in one query) on the pairs `mining.dfg.prepare_pairs` stored for the log, which is how
  `lantern build` leaves the warehouse (marts.mining_event_pairs) and what a dashboard's map runs;
- the preparation itself (`prepare_pairs`: the window pass, once per build), and the map computed from
  the events with the window pass in the same query (`process_map` without `prepared`), both reported;
- pm4py: `pm4py.discover_dfg` (frequency, start and end activities) and, separately,
  `pm4py.discover_performance_dfg` (mean, median, ... per edge), on the frame. At 10M events pm4py
  runs once.

Also timed, once: fetching the events from DuckDB into the pandas frame pm4py needs
(`mining.events.events_frame`), which the pm4py path adds when the events live in the warehouse.

Then, untimed, the results are compared: every edge's count exactly, mean and median to 1e-12
relative, p90 against numpy's linear quantile of pm4py's raw values (discover_performance_dfg with
perf_aggregation_key="raw_values"), start and end activities exactly. The target (the issue): the
warehouse path at least 10x faster than each pm4py call at 1M events and beyond; PASS/FAIL is
printed per size.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

TARGET_SPEEDUP = 10.0
TARGET_FROM_EVENTS = 1_000_000
PM4PY_SLOW_SECONDS = 15 * 60

ACTIVITIES = [
    "referral received", "intake call", "insurance verified", "authorization requested",
    "authorization approved", "intake assessment", "session held", "no-show", "note signed",
    "claim submitted", "claim acknowledged", "claim denied", "claim resubmitted", "payment posted",
    "patient billed",
]
# Mean hours from one activity to the next, by the earlier activity (roughly a practice's lags).
MEAN_GAP_HOURS = [24, 48, 24, 72, 24, 168, 24, 96, 48, 24, 240, 120, 336, 72, 240]
TIE_SHARE = 0.05  # share of events recorded in the same minute as the one before


def generate_log(events: int, seed: int = 7):
    """A synthetic event log of exactly `events` events as a pandas frame in Lantern's schema."""
    import numpy as np
    import pandas as pd

    from mining.schema import EVENT_LOG as S

    rng = np.random.default_rng(seed)
    n_act = len(ACTIVITIES)
    # A sparse Markov chain, mostly forward through the list above: the next activity (weight 0.5),
    # the one after (0.2), two or three others (0.28), anything (0.02).
    transition = np.full((n_act, n_act), 0.02 / n_act)
    for a in range(n_act):
        transition[a, (a + 1) % n_act] += 0.5
        transition[a, (a + 2) % n_act] += 0.2
        others = rng.choice(n_act, size=int(rng.integers(2, 4)), replace=False)
        transition[a, others] += rng.dirichlet(np.ones(len(others))) * 0.28
    cumulative = transition.cumsum(axis=1)
    cumulative[:, -1] = 1.0

    lengths = np.maximum(2, rng.poisson(9, size=events // 9 + 10) + 1)
    ends = np.cumsum(lengths)
    cases = int(np.searchsorted(ends, events)) + 1
    lengths = lengths[:cases]
    lengths[-1] -= int(ends[cases - 1] - events)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    case_of_event = np.repeat(np.arange(cases), lengths)

    activity = np.empty(events, dtype=np.int8)
    activity[starts] = rng.choice([0, 0, 0, 1], size=cases)  # most cases start with a referral
    for k in range(1, int(lengths.max())):
        idx = starts[lengths > k] + k
        previous = activity[idx - 1]
        activity[idx] = (rng.random(len(idx))[:, None] > cumulative[previous]).sum(axis=1)

    gap_minutes = np.rint(rng.exponential(1.0, size=events) * np.asarray(MEAN_GAP_HOURS)[
        np.concatenate([[0], activity[:-1]])] * 60).astype(np.int64)
    gap_minutes[rng.random(events) < TIE_SHARE] = 0
    case_start = rng.integers(0, 3 * 365 * 24 * 60, size=cases)  # minutes after 2023-01-01
    gap_minutes[starts] = case_start
    minutes = np.cumsum(gap_minutes)  # then minus the running total before each case: minutes in the case
    minutes -= np.repeat(np.concatenate([[0], minutes[starts[1:] - 1]]), lengths)
    origin = np.datetime64("2023-01-01T00:00:00", "us")
    timestamps = origin + (minutes * 60_000_000).astype("timedelta64[us]")
    del gap_minutes, minutes

    case_names = pd.array([f"C{i:08d}" for i in range(cases)], dtype="str")
    activity_names = pd.array(ACTIVITIES, dtype="str")
    frame = pd.DataFrame({
        S.event_index: np.arange(events, dtype=np.int64),
        S.case_id: case_names.take(case_of_event),
        S.activity: activity_names.take(activity.astype(np.int64)),
        S.timestamp: timestamps,
    })
    return frame


def _best(runs: int, work):
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def _one_size(events: int, repeat: int, check_p90: bool, queue) -> None:
    import warnings

    import duckdb
    import numpy as np

    from mining.dfg import from_pm4py, prepare_pairs, process_map, start_end_from_pm4py
    from mining.events import events_frame
    from mining.schema import EVENT_LOG as S

    warnings.simplefilter("ignore")
    import pm4py

    out: dict[str, object] = {"events": events}
    started = time.perf_counter()
    frame = generate_log(events)
    out["generate_s"] = time.perf_counter() - started
    out["cases"] = int(frame[S.case_id].nunique())
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute("create table events as select * from frame")
    con.unregister("frame")

    out["prepare_s"], prepared = _best(1, lambda: prepare_pairs(con, "events", "pairs"))
    out["warehouse_s"], mapped = _best(repeat, lambda: process_map(con, "events", prepared=prepared))
    out["window_s"], in_one_pass = _best(repeat, lambda: process_map(con, "events"))
    dfg, start_end = mapped.dfg, mapped.start_end
    out["paths_identical"] = bool(dfg.equals(in_one_pass.dfg) and start_end.equals(in_one_pass.start_end))
    # What pm4py needs first when the events live in the warehouse: all of them in a pandas frame.
    out["fetch_s"], fetched = _best(1, lambda: events_frame(con, "events"))
    del fetched
    keys = S.pm4py_keys()
    pm4py_runs = repeat if events < 10_000_000 else 1
    # (pm4py's DFG adds a start_timestamp column, a copy of the timestamps, to the frame it is given.)
    out["pm4py_dfg_s"], (frequency, start, end) = _best(pm4py_runs, lambda: pm4py.discover_dfg(frame, **keys))
    out["pm4py_perf_s"], (performance, _, _) = _best(
        pm4py_runs, lambda: pm4py.discover_performance_dfg(frame, **keys))

    raw = None
    if check_p90:
        raw, _, _ = pm4py.discover_performance_dfg(frame, perf_aggregation_key="raw_values", **keys)
    expected = from_pm4py(frequency, performance, raw)
    out["edges"] = len(dfg)
    out["counts_identical"] = bool(
        dfg[["source", "target", "frequency"]].equals(expected[["source", "target", "frequency"]]))
    columns = ["mean_hours", "median_hours"] + (["p90_hours"] if check_p90 else [])
    relative = 0.0
    for column in columns:
        a, b = dfg[column].to_numpy(float), expected[column].to_numpy(float)
        scale = np.maximum(np.abs(b), 1e-300)
        relative = max(relative, float(np.max(np.abs(a - b) / scale)) if len(a) else 0.0)
    out["max_relative_difference"] = relative
    out["statistics_identical"] = out["counts_identical"] and relative <= 1e-12
    out["start_end_identical"] = bool(start_end.equals(start_end_from_pm4py(start, end).astype(start_end.dtypes)))
    out["p90_checked"] = check_p90
    out["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    queue.put(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, action="append",
                        help="log size in events (repeatable; default 100000, 1000000, 10000000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size, best kept (default 3)")
    parser.add_argument("--no-p90-check", action="store_true",
                        help="skip pm4py's raw values (the p90 check), which is slow and big at 10M events")
    args = parser.parse_args(argv)
    sizes = args.events or [100_000, 1_000_000, 10_000_000]
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

    print(f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} at the start (other work on the machine "
          f"slows the warehouse's two threads more than pandas' one)", flush=True)
    context = multiprocessing.get_context("spawn")
    results = []
    for events in sizes:
        queue = context.Queue()
        child = context.Process(target=_one_size, args=(events, args.repeat, not args.no_p90_check, queue))
        started = time.perf_counter()
        child.start()
        result = queue.get()
        child.join()
        result["wall_s"] = time.perf_counter() - started
        results.append(result)
        _print_row(result)

    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    failed = False
    for r in results:
        speedup = min(r["pm4py_dfg_s"], r["pm4py_perf_s"]) / r["warehouse_s"]
        with_fetch = (r["fetch_s"] + r["pm4py_dfg_s"] + r["pm4py_perf_s"]) / r["warehouse_s"]
        identical = (r["counts_identical"] and r["statistics_identical"] and r["start_end_identical"]
                     and r["paths_identical"])
        in_one_pass = min(r["pm4py_dfg_s"], r["pm4py_perf_s"]) / r["window_s"]
        verdict = "identical" if identical else "DIFFERENT"
        if r["events"] >= TARGET_FROM_EVENTS:
            ok = identical and speedup >= TARGET_SPEEDUP
            failed |= not ok
            print(f"{'PASS' if ok else 'FAIL'} {r['events']:>11,} events: warehouse {speedup:,.1f}x faster than the "
                  f"faster pm4py call (target {TARGET_SPEEDUP:.0f}x); results {verdict}; "
                  f"{with_fetch:,.1f}x faster than fetching the events and both pm4py calls; with the window pass in "
                  f"the query {in_one_pass:,.1f}x")
        else:
            print(f"     {r['events']:>11,} events: warehouse {speedup:,.1f}x faster (no target below "
                  f"{TARGET_FROM_EVENTS:,}); results {verdict}")
        if max(r["pm4py_dfg_s"], r["pm4py_perf_s"]) > PM4PY_SLOW_SECONDS:
            print(f"     pm4py took over {PM4PY_SLOW_SECONDS // 60} minutes at {r['events']:,} events")
    return 1 if failed else 0


def _print_row(r: dict) -> None:
    print(f"{r['events']:>11,} events {r['cases']:>10,} cases {r['edges']:>4} edges | "
          f"warehouse {r['warehouse_s']:8.3f} s (prepare once {r['prepare_s']:.3f} s; window pass in the query "
          f"{r['window_s']:.3f} s) | fetch to pandas {r['fetch_s']:7.3f} s | "
          f"pm4py discover_dfg {r['pm4py_dfg_s']:8.3f} s, "
          f"discover_performance_dfg {r['pm4py_perf_s']:8.3f} s | counts {'=' if r['counts_identical'] else '!='}, "
          f"stats max rel diff {r['max_relative_difference']:.1e}{'' if r['p90_checked'] else ' (p90 not checked)'}, "
          f"start/end {'=' if r['start_end_identical'] else '!='} | peak RSS {r['peak_rss_gb']:.1f} GB, "
          f"wall {r['wall_s']:.0f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
