"""Validate X12 text against the pyx12 5010 maps, in-process (what the `x12valid` script does, minus the files)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pyx12.errors
import pyx12.params
import pyx12.x12n_document


def validate_x12(text: str) -> list[str]:
    """Every error pyx12 finds in `text`, one readable string each; an empty list means the text is valid."""
    errors_json = io.StringIO()
    try:
        ok = pyx12.x12n_document.x12n_document(
            param=pyx12.params.params(),
            src_file=io.StringIO(text),
            fd_997=None,
            fd_html=None,
            fd_json=errors_json,
        )
    except (pyx12.errors.X12Error, pyx12.errors.EngineError) as exc:
        return [f"{type(exc).__name__}: {exc}"]
    if not errors_json.getvalue():
        # x12n_document returns before writing anything when the text has no readable ISA.
        return [] if ok else ["not an X12 interchange"]
    errors = list(_flatten(json.loads(errors_json.getvalue())))
    if not ok and not errors:
        errors.append("pyx12 reported the document invalid without naming an error")
    return errors


def _flatten(doc: dict[str, Any]) -> Iterator[str]:
    for isa in doc["interchanges"]:
        yield from _describe(f"ISA {isa['isa_trn_set_id']}", isa["errors"])
        for gs in isa["groups"]:
            yield from _describe(f"GS {gs['gs_control_num']}", gs["errors"])
            for st in gs["transactions"]:
                where = f"ST {st['trn_set_control_num']}"
                yield from _describe(where, st["errors"])
                for seg in st["segments"]:
                    seg_where = f"{where} line {seg['cur_line']} {seg['seg_id']}"
                    yield from _describe(seg_where, seg["errors"])
                    for ele in seg["elements"]:
                        yield from _describe(f"{seg_where}{ele['ele_pos']:02d}", ele["errors"])


def _describe(where: str, errors: list[dict[str, Any]]) -> Iterator[str]:
    for err in errors:
        value = err.get("err_val")
        suffix = f" ({value!r})" if value else ""
        yield f"{where}: [{err['err_cde']}] {err['err_str']}{suffix}"
