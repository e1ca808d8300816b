"""summarize_landing on a landing zone built by hand, with exact counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.landing import LandingSummary, summarize_landing, x12_segment_ids


def isa(element: str, component: str, terminator: str, control: str = "000000001") -> str:
    fields = [
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        "SUBMITTER".ljust(15),
        "ZZ",
        "RECEIVER".ljust(15),
        "240105",
        "1200",
        "^",
        "00501",
        control,
        "0",
        "P",
        component,
    ]
    header = "ISA" + "".join(element + f for f in fields) + terminator
    assert len(header) == 106 and header[3] == element and header[104] == component and header[105] == terminator
    return header


def x12(element: str, component: str, terminator: str, body: list[list[str]], newline: str = "") -> str:
    segments = [element.join(s) + terminator for s in body]
    return isa(element, component, terminator) + newline + newline.join(segments) + newline


def write(path: Path, content: str | bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)
    return len(data)


CLAIM_837 = [
    ["GS", "HC", "SUBMITTER", "RECEIVER", "20240105", "1200", "1", "X", "005010X222A1"],
    ["ST", "837", "0001", "005010X222A1"],
    ["BHT", "0019", "00", "B1", "20240105", "1200", "CH"],
    ["CLM", "A1", "150", "", "", "11:B:1", "Y", "A", "Y", "Y"],
    ["SV1", "HC:90837", "150", "UN", "1"],
    ["CLM", "A2", "150", "", "", "11:B:1", "Y", "A", "Y", "Y"],
    ["SV1", "HC:90834", "100", "UN", "1"],
    ["CLM", "A3", "150", "", "", "11:B:7", "Y", "A", "Y", "Y"],
    ["SE", "9", "0001"],
    ["GE", "1", "1"],
    ["IEA", "1", "000000001"],
]

REMIT_835 = [
    ["GS", "HP", "PAYER", "PRACTICE", "20240201", "0800", "2", "X", "005010X221A1"],
    ["ST", "835", "0001"],
    ["BPR", "I", "120", "C", "ACH"],
    ["CLP", "A1", "1", "150", "120", "30", "12", "PCN1"],
    ["CAS", "PR", "1", "30"],
    ["CLP", "A2", "4", "150", "0", "0", "12", "PCN2"],
    ["CAS", "CO", "50", "150"],
    ["SE", "7", "0001"],
    ["GE", "1", "2"],
    ["IEA", "1", "000000001"],
]

ACK_277 = [
    ["GS", "HN", "CH", "PRACTICE", "20240106", "0900", "3", "X", "005010X214"],
    ["ST", "277", "0001", "005010X214"],
    ["TRN", "2", "A1"],
    ["STC", "A1:20", "20240106"],
    ["SE", "4", "0001"],
    ["GE", "1", "3"],
    ["IEA", "1", "000000001"],
]


@pytest.fixture
def landing(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """Two deliveries per source; returns the landing folder and the bytes written per source."""
    root = tmp_path / "landing"
    size = {"ehr": 0, "pm": 0, "payer": 0}

    first, second = "2024-01-05", "2024-02-05"
    size["ehr"] += write(root / "ehr" / first / "Patient.ndjson", '{"id":"p1"}\n{"id":"p2"}\n{"id":"p3"}\n')
    size["ehr"] += write(root / "ehr" / first / "Observation.000.ndjson", '{"id":"o1"}\n{"id":"o2"}\n')
    size["ehr"] += write(root / "ehr" / first / "Observation.001.ndjson", '{"id":"o3"}\n{"id":"o4"}\n\n')
    size["ehr"] += write(root / "ehr" / second / "Patient.ndjson", '{"id":"p4"}')  # no final newline
    write(root / "ehr" / second / ".partial", "ignored: hidden")
    write(root / "ehr" / "loose.ndjson", '{"id":"x"}\n')  # not inside a delivery

    size["pm"] += write(
        root / "pm" / first / "referrals.csv",
        "referral_id,received_at,notes\r\n"
        'R1,2024-01-02T09:00:00-06:00,"called twice\r\nleft a message"\r\n'
        "R2,2024-01-03T10:00:00-06:00,plain\r\n",
    )
    size["pm"] += write(
        root / "pm" / second / "referrals.csv", "referral_id,received_at,notes\nR3,2024-02-01T08:00:00-06:00,\n"
    )
    size["pm"] += write(root / "pm" / second / "payers.csv", 'payer_id,payer_name\nP1,Acme\nP2,"Blue, Inc"\n\n')

    size["payer"] += write(root / "payer" / first / "claims.837", x12("*", ":", "~", CLAIM_837, newline="\n"))
    size["payer"] += write(root / "payer" / second / "remit.835", x12("|", "^", "~", REMIT_835))
    size["payer"] += write(root / "payer" / second / "ack.277", x12("*", ":", "~", ACK_277))
    return root, size


def test_counts_per_source(landing: tuple[Path, dict[str, int]]) -> None:
    root, size = landing
    summary = summarize_landing(root)
    assert isinstance(summary, LandingSummary)
    assert summary.landing == root

    assert (summary.ehr.deliveries, summary.ehr.files, summary.ehr.bytes) == (2, 4, size["ehr"])
    assert summary.ehr.lines_by_resource == {"Observation": 4, "Patient": 4}

    assert (summary.pm.deliveries, summary.pm.files, summary.pm.bytes) == (2, 3, size["pm"])
    assert summary.pm.rows_by_file == {"payers.csv": 2, "referrals.csv": 3}

    assert (summary.payer.deliveries, summary.payer.files, summary.payer.bytes) == (2, 3, size["payer"])
    assert summary.payer.files_by_kind == {"837": 1, "835": 1, "277": 1}
    assert summary.payer.claims_by_kind == {"837": 3, "835": 2}
    assert summary.payer.unreadable == ()


def test_sources_in_order(landing: tuple[Path, dict[str, int]]) -> None:
    root, _ = landing
    assert [name for name, _ in summarize_landing(root).sources()] == ["ehr", "pm", "payer"]


def test_missing_source_folders_count_zero(tmp_path: Path) -> None:
    (tmp_path / "ehr" / "batch-1").mkdir(parents=True)
    summary = summarize_landing(tmp_path)
    assert (summary.ehr.deliveries, summary.ehr.files, summary.ehr.bytes) == (1, 0, 0)
    assert (summary.pm.deliveries, summary.pm.files, summary.pm.bytes) == (0, 0, 0)
    assert summary.payer.files_by_kind == {} and summary.payer.claims_by_kind == {}


def test_missing_landing_names_the_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError, match="nowhere"):
        summarize_landing(missing)


def test_payer_file_without_isa_is_reported_not_counted(tmp_path: Path) -> None:
    write(tmp_path / "payer" / "b1" / "broken.835", "this is not X12")
    write(tmp_path / "payer" / "b1" / "short.837", "ISA*00*")
    summary = summarize_landing(tmp_path)
    assert summary.payer.files_by_kind == {"837": 1, "835": 1}
    assert summary.payer.claims_by_kind == {"837": 0, "835": 0}
    assert sorted(summary.payer.unreadable) == ["payer/b1/broken.835", "payer/b1/short.837"]


def test_each_interchange_declares_its_own_separators() -> None:
    first = x12("|", "^", "~", [["ST", "835", "1"], ["CLP", "A1"], ["IEA", "1", "000000001"]])
    second = x12("*", ":", "\n", [["ST", "835", "2"], ["CLP", "B1"], ["CLP", "B2"], ["IEA", "1", "000000002"]])
    ids = list(x12_segment_ids("\r\n" + first + "\r\n" + second))
    assert ids == ["ISA", "ST", "CLP", "IEA", "ISA", "ST", "CLP", "CLP", "IEA"]
