"""Pseudonyms for the analyst role (issue 8): keyed HMAC-SHA256 ids (mining/pseudonyms.py), the practice secret
(orchestration/private_files.py), the analyst's CSV (dashboards/downloads.py) and the pseudonymised XES and OCEL
files the build writes beside the plain ones (orchestration/mining/assets.py, mining/ocel.py).

Every expected pseudonym is computed here by RFC 2104's construction over hashlib.sha256, not by the code under test.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import warnings

import duckdb
import pandas as pd
import pytest

from dashboards.downloads import frame_for_role, is_pseudonymised
from mining import pseudonyms
from mining.events import NO_FILTER
from mining.ocel import pseudonymise_ocel_json, write_ocel
from mining.pseudonyms import Pseudonymiser, PseudonymError, pseudonym, pseudonymise_frame
from orchestration.mining.assets import export_xes, mine_case_type
from orchestration.private_files import PrivateFileError, create_private, practice_secret, write_private

SECRET = bytes(range(32))
PREFIXES = {"patient": "pt", "referral": "rf", "appointment": "ap", "claim": "cl", "payment": "pm", "event": "ev"}


def hmac_sha256(key: bytes, message: bytes) -> str:
    """RFC 2104: H((K xor opad) || H((K xor ipad) || m)), K padded with zeros to SHA-256's 64-byte block."""
    key = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key) + message).digest()
    return hashlib.sha256(bytes(byte ^ 0x5C for byte in key) + inner).hexdigest()


def by_hand(secret: bytes, kind: str, value: str) -> str:
    return f"{PREFIXES[kind]}-{hmac_sha256(secret, f'{kind}:{value}'.encode())[:16]}"


def test_the_hand_made_hmac_is_rfc_4231s():
    # RFC 4231, test case 2
    assert hmac_sha256(b"Jefe", b"what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")


def test_a_pseudonym_is_the_keyed_hmac_of_its_kind_and_value_cut_to_16_hex_digits():
    assert pseudonym(SECRET, "patient", "1000002") == by_hand(SECRET, "patient", "1000002") == "pt-f00c9ab9e3495571"
    assert pseudonym(SECRET, "claim", "A1") == by_hand(SECRET, "claim", "A1") == "cl-45eac2dac5e114ff"
    # the kind is hashed too: claim A1 and appointment A1 (the same CLM01 in the demo) are unrelated pseudonyms
    assert pseudonym(SECRET, "appointment", "A1") == "ap-3ddcfc00bdc86c41"


def test_pseudonyms_are_stable_per_secret_and_differ_between_secrets():
    one, again = Pseudonymiser(SECRET), Pseudonymiser(bytes(SECRET))
    other = Pseudonymiser(bytes(range(1, 33)))
    values = [f"{1000000 + n}" for n in range(200)]
    first = [one("patient", value) for value in values]
    assert first == [again("patient", value) for value in values] == [one("patient", value) for value in values]
    assert all(re.fullmatch(r"pt-[0-9a-f]{16}", alias) for alias in first)
    assert len(set(first)) == 200
    assert set(first).isdisjoint(other("patient", value) for value in values)
    assert first[0] == by_hand(SECRET, "patient", "1000000")
    assert other("patient", "1000000") == by_hand(bytes(range(1, 33)), "patient", "1000000")


def test_the_secret_never_shows_and_bad_input_is_refused():
    one = Pseudonymiser(SECRET)
    one("patient", "1000002")
    assert repr(one) == "Pseudonymiser(1 pseudonyms computed)"
    with pytest.raises(PseudonymError, match="at least 32 bytes, not 31"):
        Pseudonymiser(SECRET[:31])
    with pytest.raises(PseudonymError, match="unknown identifier kind 'mrn'"):
        pseudonym(SECRET, "mrn", "1000002")


def test_two_ids_sharing_a_pseudonym_are_refused(monkeypatch):
    # one hex digit has 16 values: 17 ids cannot all have their own
    monkeypatch.setattr(pseudonyms, "PSEUDONYM_HEX_DIGITS", 1)
    with pytest.raises(PseudonymError, match="two claim ids share a pseudonym"):
        Pseudonymiser(SECRET).mapping("claim", [f"C{n}" for n in range(17)])


def test_a_frame_loses_its_direct_identifiers_and_its_ids_become_pseudonyms():
    frame = pd.DataFrame({
        "patient_mrn": ["1000002", None, "1000002"],
        "family_name": ["Ortiz", "Lee", "Ortiz"],
        "given_name": ["Wei", "Ana", "Wei"],
        "birth_date": pd.to_datetime(["1960-09-27", "2008-01-02", "1960-09-27"]),
        "postal_code": ["78702", "78666", "78702"],
        "claim_id": ["A1", None, "A2"],
        "case_type": ["claim", "patient_journey", "claim"],
        "case_id": ["A1", "R7", "A2"],
        "charge": [150.0, 0.0, 120.0],
    })
    hidden = pseudonymise_frame(frame, Pseudonymiser(SECRET))
    pt, a1, a2 = (by_hand(SECRET, "patient", "1000002"), by_hand(SECRET, "claim", "A1"),
                  by_hand(SECRET, "claim", "A2"))
    assert list(hidden.columns) == ["patient_mrn", "claim_id", "case_type", "case_id", "charge"]
    assert hidden.astype(object).where(hidden.notna(), None).values.tolist() == [
        [pt, a1, "claim", a1, 150.0],
        [None, None, "patient_journey", by_hand(SECRET, "referral", "R7"), 0.0],
        [pt, a2, "claim", a2, 120.0],
    ]
    assert frame.loc[[0, 2], "patient_mrn"].tolist() == ["1000002", "1000002"]  # the original is left as it was
    with pytest.raises(PseudonymError, match="case_id column without case_type"):
        pseudonymise_frame(frame.drop(columns="case_type"), Pseudonymiser(SECRET))
    with pytest.raises(PseudonymError, match="case type visit: no pseudonym kind"):
        pseudonymise_frame(frame.assign(case_type="visit"), Pseudonymiser(SECRET))


def test_only_the_analysts_csv_is_pseudonymised():
    frame = pd.DataFrame({"claim_id": ["A1"], "patient_mrn": ["1000002"], "birth_date": ["1960-09-27"],
                          "payer": ["Aetna"]})
    analyst = frame_for_role(frame, "analyst", SECRET)
    assert analyst.to_dict("records") == [{"claim_id": by_hand(SECRET, "claim", "A1"),
                                           "patient_mrn": by_hand(SECRET, "patient", "1000002"), "payer": "Aetna"}]
    for role in ("leadership", "finance", "billing", "clinician"):
        assert frame_for_role(frame, role, SECRET) is frame and not is_pseudonymised(role)
    assert is_pseudonymised("analyst")
    with pytest.raises(ValueError, match="role 'owner' is not one of"):
        frame_for_role(frame, "owner", SECRET)


def test_the_practice_secret_is_created_private_once_and_reused(tmp_path):
    path = tmp_path / "config" / "practice.secret"
    secret = practice_secret(path)
    assert len(secret) == 32 and path.read_bytes() == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    created = path.stat()
    assert practice_secret(path) == secret  # read, not made anew
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (created.st_ino, created.st_mtime_ns)
    assert practice_secret(tmp_path / "elsewhere.secret") != secret
    # creating a file that exists keeps it (two processes starting at once keep one secret)
    assert not create_private(path, b"x" * 32) and path.read_bytes() == secret
    assert [p.name for p in path.parent.iterdir()] == ["practice.secret"]  # no temporary file left behind
    path.chmod(0o644)
    with pytest.raises(PrivateFileError, match=r"readable by others \(mode 0644\)"):
        practice_secret(path)
    write_private(path, b"short")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(PrivateFileError, match="5 bytes, not a practice secret"):
        practice_secret(path)


# A hand-made marts.event_log: journey R1 of patient M1 (to a first session), journey R2 that never became a
# patient, and claim A1 (M1's session, paid by the payer's check 77 and by M1's own payment P9).
EVENT_LOG = """
create table marts.event_log (
    event_id varchar, case_id varchar, case_type varchar, activity varchar, event_at timestamptz,
    event_order integer, resource varchar, resource_type varchar, patient_mrn varchar, payer_id varchar,
    payer_type varchar, clinician_npi varchar, cpt_code varchar, modality varchar, amount decimal(18, 2),
    referral_id varchar, appointment_id varchar, payment_id varchar)"""
EVENTS = [
    ("e1", "R1", "patient_journey", "referral received", "2024-01-01 09:00", 1, "1000002", None, None, "R1", None),
    ("e2", "R1", "patient_journey", "first session held", "2024-01-09 10:00", 2, "1000002", None, "A1", "R1", None),
    ("e3", "R2", "patient_journey", "referral received", "2024-01-02 09:00", 1, None, None, None, "R2", None),
    ("e4", "R2", "patient_journey", "referral lost", "2024-01-20 09:00", 2, None, None, None, "R2", None),
    ("e5", "A1", "claim", "session held", "2024-01-09 10:00", 1, "1000002", None, "A1", "R1", None),
    ("e6", "A1", "claim", "claim submitted", "2024-01-10 10:00", 2, "1000002", "150.00", "A1", "R1", None),
    ("e7", "A1", "claim", "adjudicated: paid", "2024-01-30 10:00", 3, "1000002", "120.00", "A1", "R1", "AET:77"),
    ("e8", "A1", "claim", "patient paid", "2024-02-05 10:00", 4, "1000002", "30.00", "A1", "R1", "P9"),
]
INSERT = """
insert into marts.event_log
select $1, $2, $3, $4, cast($5 || '+00' as timestamptz), $6, 'someone', 'staff', $7, 'AET', 'commercial',
       '1234567893', '90791', 'office', $8, $10, $9, $11"""


@pytest.fixture()
def tiny_log():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(EVENT_LOG)
    con.executemany(INSERT, EVENTS)
    yield con
    con.close()


def _read_xes(path) -> pd.DataFrame:
    import pm4py

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pm4py.read_xes(str(path), show_progress_bar=False)
    columns = [c for c in ("case:concept:name", "case:patient", "concept:name", "time:timestamp") if c in frame]
    return frame[columns].astype(object).where(frame[columns].notna(), None).reset_index(drop=True)


def _objects(values: list) -> pd.Series:
    return pd.Series(values, dtype=object)  # as _read_xes gives them: None for a missing value, not NaN


def _by_case(frame: pd.DataFrame) -> pd.DataFrame:
    """The events by case (pm4py may order the traces by their ids), each case's in the file's order."""
    return frame.sort_values("case:concept:name", kind="stable", ignore_index=True)


def _remapped_ocel(document: dict, secret: bytes) -> dict:
    """An OCEL 2.0 JSON document with every event id and object key replaced by its pseudonym, by hand."""
    def oid(value: str) -> str:
        kind, key = value.split(":", 1)
        return f"{kind}:{by_hand(secret, kind, key)}"

    def relations(items: list) -> list:
        return sorted(({**item, "objectId": oid(item["objectId"])} for item in items),
                      key=lambda item: (item["objectId"], item["qualifier"]))

    objects = [{**o, "id": oid(o["id"]), **({"relationships": relations(o["relationships"])}
                                            if "relationships" in o else {})} for o in document["objects"]]
    events = [{**e, "id": by_hand(secret, "event", e["id"]), **({"relationships": relations(e["relationships"])}
                                                                 if "relationships" in e else {})}
              for e in document["events"]]
    return {**document, "objects": sorted(objects, key=lambda o: o["id"]),
            "events": sorted(events, key=lambda e: e["id"])}


def _sorted_ocel(document: dict) -> dict:
    def relations(item: dict) -> dict:
        if "relationships" not in item:
            return item
        return {**item, "relationships": sorted(item["relationships"],
                                                key=lambda r: (r["objectId"], r["qualifier"]))}

    return {**document, "objects": sorted((relations(o) for o in document["objects"]), key=lambda o: o["id"]),
            "events": sorted((relations(e) for e in document["events"]), key=lambda e: e["id"])}


def test_the_exports_pseudonymised_copies_hold_the_hand_computed_pseudonyms(tiny_log, tmp_path):
    pseudonymiser = Pseudonymiser(SECRET)
    mined = export_xes(tiny_log, mine_case_type(tiny_log, "patient_journey"), tmp_path / "exports",
                       pseudonymiser=pseudonymiser, pseudonymised_dir=tmp_path / "hidden")
    plain, hidden = _read_xes(mined.xes_path), _read_xes(mined.pseudonymised_xes_path)
    assert mined.pseudonymised_xes_path == tmp_path / "hidden" / "event_log_patient_journey.xes"
    assert plain[["case:concept:name", "case:patient", "concept:name"]].values.tolist() == [
        ["R1", "1000002", "referral received"], ["R1", "1000002", "first session held"],
        ["R2", None, "referral received"], ["R2", None, "referral lost"]]
    r1, r2, m1 = (by_hand(SECRET, "referral", "R1"), by_hand(SECRET, "referral", "R2"),
                  by_hand(SECRET, "patient", "1000002"))
    expected = plain.assign(**{"case:concept:name": _objects([r1, r1, r2, r2]),
                               "case:patient": _objects([m1, m1, None, None])})
    assert _by_case(hidden).equals(_by_case(expected))

    written = write_ocel(tiny_log, "marts.event_log", tmp_path / "exports" / "log.jsonocel", filters=NO_FILTER,
                         pseudonymised_path=tmp_path / "hidden" / "log.jsonocel", pseudonymiser=pseudonymiser)
    plain_ocel = json.loads(written.path.read_text())
    hidden_ocel = json.loads(written.pseudonymised_path.read_text())
    assert sorted(o["id"] for o in plain_ocel["objects"]) == [
        "appointment:A1", "claim:A1", "patient:1000002", "payment:AET:77", "payment:P9", "referral:R1",
        "referral:R2"]
    assert sorted(o["id"] for o in hidden_ocel["objects"]) == sorted([
        f"appointment:{by_hand(SECRET, 'appointment', 'A1')}", f"claim:{by_hand(SECRET, 'claim', 'A1')}",
        f"patient:{m1}", f"payment:{by_hand(SECRET, 'payment', 'AET:77')}",
        f"payment:{by_hand(SECRET, 'payment', 'P9')}", f"referral:{r1}", f"referral:{r2}"])
    assert sorted(e["id"] for e in hidden_ocel["events"]) == sorted(by_hand(SECRET, "event", f"e{n}")
                                                                    for n in range(1, 9))
    # everything else (types, times, attributes, qualifiers, every relation) is the plain file's
    assert _sorted_ocel(hidden_ocel) == _remapped_ocel(plain_ocel, SECRET)
    assert set(written.seconds) == {"build", "write", "pseudonymise"}
    with pytest.raises(PseudonymError, match="OCEL object 'visit:V1': its type is not one of patient"):
        pseudonymise_ocel_json({"objects": [{"id": "visit:V1", "type": "visit"}], "events": []}, pseudonymiser)


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[0-9A-Za-z]+", text))


def test_the_built_practices_analyst_exports_hold_no_mrn_name_or_birth_date(built_small_practice):
    home = built_small_practice.home
    secret_file = home / "config" / "practice.secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_bytes()
    assert len(secret) == 32 and secret.hex() not in built_small_practice.output
    plain_dir, hidden_dir = home / "exports", home / "exports" / "pseudonymised"
    names = ("event_log_patient_journey.xes", "event_log_claim.xes", "event_log.jsonocel")
    assert sorted(p.name for p in hidden_dir.iterdir()) == sorted(names)

    with duckdb.connect(str(built_small_practice.warehouse), read_only=True) as con:
        patients = con.execute("select patient_mrn, family_name, given_name, strftime(birth_date, '%Y-%m-%d') "
                               "from marts.dim_patients").fetchall()
        ids = con.execute("select distinct unnest([case_id, referral_id, appointment_id, event_id]) "
                          "from marts.event_log").fetchall()
        payments = con.execute("select distinct payment_id from marts.event_log where payment_id is not null"
                               ).fetchall()
        first_day, last_day = con.execute("select min(event_at)::date, max(event_at)::date from marts.event_log"
                                          ).fetchone()
    mrns = {row[0] for row in patients}
    people = {row[1] for row in patients} | {row[2] for row in patients}
    births = {row[3] for row in patients if row[3] is not None}
    record_ids = {row[0] for row in ids if row[0] is not None}
    # a payer's check number and a patient's payment id (the 835 payment ids are "<payer>:<check>")
    payment_keys = {row[0].split(":")[-1] for row in payments}
    assert len(mrns) > 100 and len(births) > 100
    # a birth date inside the log's dates could be a date of service: none is, so any date found is a birth date
    assert not {b for b in births if str(first_day) <= b <= str(last_day)}

    for name in names:
        plain_text = (plain_dir / name).read_text(encoding="utf-8")
        hidden_text = (hidden_dir / name).read_text(encoding="utf-8")
        plain_tokens, hidden_tokens = _tokens(plain_text), _tokens(hidden_text)
        # the plain files name patients and their records: what the check below must not find
        assert plain_tokens & mrns and plain_tokens & record_ids, name
        assert not hidden_tokens & (mrns | record_ids | payment_keys | people), name
        assert not set(re.findall(r"\d{4}-\d{2}-\d{2}", hidden_text)) & births, name

    # the same cases, events and order, the ids replaced by the pseudonyms worked out by hand with the secret
    for case_type, kind in (("patient_journey", "referral"), ("claim", "claim")):
        plain = _read_xes(plain_dir / f"event_log_{case_type}.xes")
        hidden = _read_xes(hidden_dir / f"event_log_{case_type}.xes")
        assert len(plain) > 1000 and plain["case:patient"].notna().any()
        expected = plain.assign(**{
            "case:concept:name": _objects([by_hand(secret, kind, v) for v in plain["case:concept:name"]]),
            "case:patient": _objects([None if v is None else by_hand(secret, "patient", v)
                                      for v in plain["case:patient"]])})
        assert _by_case(hidden).equals(_by_case(expected)), case_type
    plain_ocel = json.loads((plain_dir / "event_log.jsonocel").read_text(encoding="utf-8"))
    hidden_ocel = json.loads((hidden_dir / "event_log.jsonocel").read_text(encoding="utf-8"))
    assert len(hidden_ocel["events"]) == len(plain_ocel["events"]) > 1000
    assert len(hidden_ocel["objects"]) == len(plain_ocel["objects"])
    assert _sorted_ocel(hidden_ocel) == _remapped_ocel(plain_ocel, secret)

    # one patient, one pseudonym: the XES files' patient of a case is the OCEL's patient of that case's object
    ocel_patient = {o["id"]: r["objectId"] for o in hidden_ocel["objects"] for r in o.get("relationships", [])
                    if r["qualifier"] == "patient"}
    matched = 0
    for case_type, kind in (("patient_journey", "referral"), ("claim", "claim")):
        hidden = _read_xes(hidden_dir / f"event_log_{case_type}.xes").dropna(subset=["case:patient"])
        for case_id, patient in hidden[["case:concept:name", "case:patient"]].drop_duplicates().values:
            if f"{kind}:{case_id}" in ocel_patient:
                assert ocel_patient[f"{kind}:{case_id}"] == f"patient:{patient}"
                matched += 1
    assert matched > 500
