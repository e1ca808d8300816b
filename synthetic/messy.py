"""`--messy`: what real deliveries do to a landing zone, each change recorded for the ground truth.

Every change adds to a delivery or corrects a row; none removes good data, so a pipeline that
quarantines the bad parts and ignores repeats must end with the same warehouse as a clean run,
except for the one corrected payment, whose new amount the ground truth carries.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path


def _pick(files: dict[Path, str], landing: Path, source: str, suffix: str, deliveries: list[str],
          position: float) -> Path:
    """A file of `source` with `suffix`, from the delivery at `position` (0..1) of the window."""
    wanted = deliveries[min(len(deliveries) - 1, int(len(deliveries) * position))]
    for delivery in deliveries[deliveries.index(wanted):] + deliveries:
        candidates = sorted(p for p in files if p.parent == landing / source / delivery and p.name.endswith(suffix)
                            and files[p])
        if candidates:
            return candidates[len(candidates) // 2]
    raise ValueError(f"no {suffix} file in {source} to make messy")


def _relative(path: Path, landing: Path) -> str:
    return path.relative_to(landing).as_posix()


def make_messy(files: dict[Path, str], landing: Path, rng: random.Random, deliveries: list[str]) -> list[dict]:
    changes: list[dict] = []

    # A clearinghouse re-sends an 835 under another name in the next delivery.
    original = _pick(files, landing, "payer", ".835", deliveries, 0.3)
    next_delivery = deliveries[min(len(deliveries) - 1, deliveries.index(original.parent.name) + 1)]
    resent = landing / "payer" / next_delivery / f"{original.stem}_resent.835"
    files[resent] = files[original]
    changes.append({"kind": "duplicate_file", "file": _relative(resent, landing),
                    "same_as": _relative(original, landing), "expect": "ignored as a repeat (same sha256)"})

    # A transmission cut off mid-file, retried in full: the partial copy must be quarantined whole.
    full = _pick(files, landing, "payer", ".837", deliveries, 0.45)
    text = files[full]
    cut = text.rfind("CLM", 0, int(len(text) * 0.55)) + 7
    partial = full.with_name(f"{full.stem}_partial.837")
    files[partial] = text[:cut]
    changes.append({"kind": "truncated_interchange", "file": _relative(partial, landing),
                    "complete_copy": _relative(full, landing), "expect": "quarantined: interchange has no IEA"})

    # An X12 file whose ISA declares other separators, and no line breaks.
    other = _pick(files, landing, "payer", ".835", deliveries, 0.6)
    files[other] = files[other].replace("~\n", "~").translate(str.maketrans({"*": "|", ":": ">", "^": "!"}))
    changes.append({"kind": "other_separators", "file": _relative(other, landing),
                    "separators": {"element": "|", "component": ">", "repetition": "!", "segment": "~"},
                    "expect": "loaded like any other 835"})

    # A bad NDJSON line in the middle of an Encounter export.
    ndjson = _pick(files, landing, "ehr", "Encounter.ndjson", deliveries, 0.5) if any(
        p.name == "Encounter.ndjson" for p in files) else _pick(files, landing, "ehr", ".ndjson", deliveries, 0.5)
    lines = files[ndjson].splitlines(keepends=True)
    at = len(lines) // 2
    lines.insert(at, '{"resourceType":"Encounter","id":"truncated-export","status":"fin\n')
    files[ndjson] = "".join(lines)
    changes.append({"kind": "bad_ndjson_line", "file": _relative(ndjson, landing), "line": at + 1,
                    "expect": "quarantined: not valid JSON"})

    # Malformed CSV rows: an unparseable date, and a row without its key.
    appointments = _pick(files, landing, "pm", "appointments.csv", deliveries, 0.4)
    rows = list(csv.reader(io.StringIO(files[appointments])))
    bad = list(rows[1])
    bad[0] = "A99999901"
    bad[4] = "2024-13-45T25:00:00-06:00"
    files[appointments] += _csv_line(bad)
    changes.append({"kind": "malformed_csv_row", "file": _relative(appointments, landing), "line": len(rows) + 1,
                    "key": "A99999901", "expect": "quarantined: scheduled_start is not a timestamp"})
    payments = _pick(files, landing, "pm", "patient_payments.csv", deliveries, 0.5)
    rows = list(csv.reader(io.StringIO(files[payments])))
    keyless = list(rows[1])
    keyless[0] = ""
    files[payments] += _csv_line(keyless)
    changes.append({"kind": "missing_key_csv_row", "file": _relative(payments, landing), "line": len(rows) + 1,
                    "expect": "quarantined: payment_id is empty"})

    # A payment corrected in the next delivery: the later updated_at wins.
    source = _pick(files, landing, "pm", "patient_payments.csv", deliveries, 0.25)
    rows = list(csv.reader(io.StringIO(files[source])))
    row = list(rows[1 + rng.randrange(len(rows) - 1)])
    later = deliveries[min(len(deliveries) - 1, deliveries.index(source.parent.name) + 1)]
    target = landing / "pm" / later / "patient_payments.csv"
    old_cents = round(float(row[4]) * 100)
    new_cents = old_cents - 500 if old_cents > 1000 else old_cents + 500
    row[4] = f"{new_cents // 100}.{new_cents % 100:02d}"
    corrected_on = date.fromisoformat(later) - timedelta(days=1)  # the last day of the month it covers
    row[6] = f"{corrected_on.isoformat()}T10:15:00{row[6][19:]}"
    files[target] += _csv_line(row)
    changes.append({"kind": "csv_row_updated", "file": _relative(target, landing), "payment_id": row[0],
                    "amount_cents_before": old_cents, "amount_cents_after": new_cents,
                    "expect": "the later row wins: the payment's amount is the corrected one"})
    return changes


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()
