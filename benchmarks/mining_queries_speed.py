"""Time the process-mining queries a dashboard runs, on a built warehouse (the demo practice's by default).

    .venv/bin/python benchmarks/mining_queries_speed.py [--warehouse data/warehouse.duckdb] [--repeat 5]

Each query runs on the mining step's views and prepared pairs (`lantern build` must have run): the claim and
patient-journey maps unfiltered and filtered (one payer type; a date window; one clinician), the variants, the
bottlenecks, and a payer-against-payer comparison. Best of --repeat, read-only.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path


def _best(repeat: int, work) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, default=Path("data/warehouse.duckdb"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import duckdb

    from mining.bottlenecks import bottlenecks
    from mining.compare import compare_segments
    from mining.dfg import process_map
    from mining.events import EventFilter
    from mining.variants import variants
    from orchestration.mining.assets import case_type_log

    if not args.warehouse.is_file():
        print(f"no warehouse at {args.warehouse}: run `lantern build` (or `make demo`) first", file=sys.stderr)
        return 2
    con = duckdb.connect(str(args.warehouse), read_only=True)
    claims, journeys = case_type_log("claim"), case_type_log("patient_journey")
    events = {log.case_type: con.execute(f"select count(*) from {log.relation}").fetchone()[0]
              for log in (claims, journeys)}
    clinician = con.execute(f"select clinician_npi from {claims.relation} group by all "
                            "order by count(*) desc limit 1").fetchone()[0]
    payers = [row[0] for row in con.execute(f"select payer_id from {claims.relation} group by all "
                                            "order by count(*) desc limit 2").fetchall()]
    queries = {
        "claim map, whole log": lambda: process_map(con, claims.relation, prepared=claims.pairs),
        "claim map, Medicaid only": lambda: process_map(
            con, claims.relation, EventFilter(equals={"payer_type": "medicaid"}), prepared=claims.pairs),
        "claim map, cases started in 2025": lambda: process_map(
            con, claims.relation, EventFilter(case_start_from=date(2025, 1, 1), case_start_to=date(2025, 12, 31)),
            prepared=claims.pairs),
        "claim map, one clinician": lambda: process_map(
            con, claims.relation, EventFilter(equals={"clinician_npi": clinician}), prepared=claims.pairs),
        "claim map, whole log, window pass": lambda: process_map(con, claims.relation),
        "journey map, whole log": lambda: process_map(con, journeys.relation, prepared=journeys.pairs),
        "claim variants with money": lambda: variants(con, claims.relation),
        "claim bottlenecks": lambda: bottlenecks(con, claims.relation),
        "payer vs payer comparison": lambda: compare_segments(
            con, claims.relation, EventFilter(equals={"payer_id": payers[0]}),
            EventFilter(equals={"payer_id": payers[1]}), labels=tuple(payers)),
    }
    print(f"{args.warehouse}: {events['claim']:,} claim events, {events['patient_journey']:,} journey events")
    for name, work in queries.items():
        print(f"{name:<36} {_best(args.repeat, work) * 1000:8.1f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
