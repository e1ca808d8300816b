"""The mining asset on a hand-made `marts.event_log`: exact tables, and XES files pm4py reads back."""

from __future__ import annotations

import warnings

import duckdb
import pytest
from dagster import build_asset_context

from orchestration.mining import assets as mining_assets
from orchestration.mining.assets import event_log_mining
from orchestration.resources import ExportsResource, WarehouseResource

# case_id, case_type, activity, event_at (UTC), event_order, amount
EVENTS = [
    ("P1", "patient_journey", "referral received", "2024-01-01 09:00", 1, None),
    ("P1", "patient_journey", "first contact", "2024-01-01 11:00", 2, None),
    ("P1", "patient_journey", "first session held", "2024-01-02 09:00", 3, None),
    ("P2", "patient_journey", "referral received", "2024-01-03 08:00", 1, None),
    ("P2", "patient_journey", "first contact", "2024-01-03 12:00", 2, None),
    ("P2", "patient_journey", "first session held", "2024-01-04 08:00", 3, None),
    ("P3", "patient_journey", "referral received", "2024-01-05 10:00", 1, None),
    ("P3", "patient_journey", "referral lost", "2024-01-06 10:00", 2, None),
    ("C1", "claim", "claim submitted", "2024-02-01 10:00", 1, "150.00"),
    ("C1", "claim", "adjudicated: paid", "2024-02-11 00:00", 2, "120.00"),
    ("C1", "claim", "claim closed", "2024-02-11 00:00", 3, None),  # same instant: event_order decides
    ("C2", "claim", "claim submitted", "2024-02-02 10:00", 1, "150.00"),
    ("C2", "claim", "adjudicated: denied", "2024-02-12 10:00", 2, "0.00"),
    ("C2", "claim", "claim written off", "2024-06-11 10:00", 3, "150.00"),
    ("C3", "claim", "claim submitted", "2024-03-01 10:00", 1, "100.00"),
    ("C3", "claim", "adjudicated: paid", "2024-03-03 10:00", 2, "80.00"),
    ("C3", "claim", "claim closed", "2024-03-03 10:00", 3, None),
]

# case_type, source, target, frequency, mean, median, p90 (hours), by hand
EXPECTED_DFG = [
    ("claim", "adjudicated: paid", "claim closed", 2, 0.0, 0.0, 0.0),
    ("claim", "claim submitted", "adjudicated: paid", 2, 139.0, 139.0, 211.8),  # 230 h and 48 h
    ("claim", "adjudicated: denied", "claim written off", 1, 2880.0, 2880.0, 2880.0),  # 120 days
    ("claim", "claim submitted", "adjudicated: denied", 1, 240.0, 240.0, 240.0),
    ("patient_journey", "first contact", "first session held", 2, 21.0, 21.0, 21.8),  # 22 h and 20 h
    ("patient_journey", "referral received", "first contact", 2, 3.0, 3.0, 3.8),  # 2 h and 4 h
    ("patient_journey", "referral received", "referral lost", 1, 24.0, 24.0, 24.0),
]

EXPECTED_START_END = [
    ("claim", "start", "claim submitted", 3, 1.0),
    ("claim", "end", "claim closed", 2, 2 / 3),
    ("claim", "end", "claim written off", 1, 1 / 3),
    ("patient_journey", "start", "referral received", 3, 1.0),
    ("patient_journey", "end", "first session held", 2, 2 / 3),
    ("patient_journey", "end", "referral lost", 1, 1 / 3),
]


# marts.event_log's columns; the objects an event touches are the case's (claims: C*, appointments A*, journeys:
# referrals P*), and every case belongs to patient M1.
EVENT_LOG_TABLE = """
create table marts.event_log (
    event_id varchar, case_id varchar, case_type varchar, activity varchar, event_at timestamptz,
    event_order integer, resource varchar, resource_type varchar, patient_mrn varchar, payer_id varchar,
    payer_type varchar, clinician_npi varchar, cpt_code varchar, modality varchar, amount decimal(18, 2),
    referral_id varchar, appointment_id varchar, payment_id varchar)"""
INSERT_EVENT = """
insert into marts.event_log
select $1 || ':' || $5, $1, $2, $3, cast($4 || '+00' as timestamptz), $5, 'someone', 'staff', 'M1', 'AET',
       'commercial', null, null, null, $6, case when $2 = 'patient_journey' then $1 end,
       case when $2 = 'claim' then 'A' || $1 end, null"""


@pytest.fixture()
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(EVENT_LOG_TABLE)
        con.executemany(INSERT_EVENT, EVENTS)
        con.execute("create table marts.fct_claims as select * from (values ('C1', false, true), "
                    "('C2', true, true), ('C3', false, true)) as t(claim_id, is_denied_first_pass, is_adjudicated)")
        # payer-rule deviations: C1 filed late; C2 filed late with its note signed after submission; C3 none
        con.execute("create table marts.fct_claim_deviations as select * from (values "
                    "('C1', false, false, false, false, false, true), ('C2', true, true, false, false, false, true), "
                    "('C3', false, false, false, false, false, false)) as t(claim_id, is_denied_first_pass, "
                    "is_note_signed_after_submission, is_without_eligibility_check, is_eligibility_not_active, "
                    "is_without_required_authorization, is_late_filing)")
    return path


def _run(warehouse, exports_dir):
    return event_log_mining(build_asset_context(), warehouse=WarehouseResource(path=str(warehouse)),
                            exports=ExportsResource(exports_dir=str(exports_dir)))


def _rounded(rows):
    return [tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows]


def test_the_asset_writes_the_process_maps_and_variants_of_each_case_type(warehouse, tmp_path):
    exports = tmp_path / "exports"
    _run(warehouse, exports)
    result = _run(warehouse, exports)  # a second run replaces the contents, it does not add to them
    with duckdb.connect(str(warehouse), read_only=True) as con:
        dfg = con.execute("select case_type, source, target, frequency, mean_hours, median_hours, p90_hours "
                          "from marts.mining_dfg order by case_type, frequency desc, source, target").fetchall()
        start_end = con.execute("select case_type, kind, activity, cases, share from marts.mining_start_end "
                                "order by case_type, kind desc, cases desc, activity").fetchall()
        variants = con.execute(
            "select case_type, variant_rank, variant, activities, events, cases, charged_total, payer_paid_total, "
            "written_off_total from marts.mining_variants order by case_type, variant_rank").fetchall()
        outcomes = con.execute("select variant_rank, denial_rate, median_days_to_payment from marts.mining_variants "
                               "where case_type = 'claim' order by variant_rank").fetchall()
    assert _rounded(dfg) == _rounded(EXPECTED_DFG)
    assert _rounded(start_end) == _rounded(EXPECTED_START_END)
    assert variants == [
        ("claim", 1, "claim submitted -> adjudicated: paid -> claim closed",
         ["claim submitted", "adjudicated: paid", "claim closed"], 3, 2, 250.0, 200.0, 0.0),
        ("claim", 2, "claim submitted -> adjudicated: denied -> claim written off",
         ["claim submitted", "adjudicated: denied", "claim written off"], 3, 1, 150.0, 0.0, 150.0),
        ("patient_journey", 1, "referral received -> first contact -> first session held",
         ["referral received", "first contact", "first session held"], 3, 2, 0.0, 0.0, 0.0),
        ("patient_journey", 2, "referral received -> referral lost",
         ["referral received", "referral lost"], 2, 1, 0.0, 0.0, 0.0),
    ]
    # C1 is paid 9 days 14 hours after submission, C3 2 days after: median (9 + 14/24 + 2) / 2 days; neither
    # is denied. C2 is denied first and never paid.
    assert _rounded(outcomes) == _rounded([(1, 0.0, (9 + 14 / 24 + 2) / 2), (2, 1.0, None)])
    metadata = result.metadata
    assert metadata["rows_mining_dfg"].value == 7
    assert metadata["rows_mining_start_end"].value == 6
    assert metadata["rows_mining_variants"].value == 4
    assert "| claim | 1 | claim submitted -> adjudicated: paid -> claim closed | 2 |" in metadata["top_variants"].value
    assert "full log" in metadata["xes_claim"].value


def _xes_cases(path) -> tuple[int, int]:
    import pm4py

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = pm4py.read_xes(str(path), show_progress_bar=False)
    return log["case:concept:name"].nunique(), len(log)


def test_the_asset_exports_the_full_logs_as_xes(warehouse, tmp_path):
    exports = tmp_path / "exports"
    _run(warehouse, exports)
    assert _xes_cases(exports / "event_log_patient_journey.xes") == (3, 8)
    assert _xes_cases(exports / "event_log_claim.xes") == (3, 9)


def test_the_asset_exports_the_recent_cases_as_ocel(warehouse, tmp_path):
    import pm4py

    exports = tmp_path / "exports"
    result = _run(warehouse, exports)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ocel = pm4py.read_ocel2_json(str(exports / "event_log.jsonocel"))
    # the last 6 months of a log whose cases start from 2024-01-01 to 2024-03-01: every case, 17 events; objects:
    # patient M1, referrals P1-P3, claims C1-C3 and their appointments AC1-AC3
    assert len(ocel.events) == 17
    assert ocel.objects.groupby("ocel:type").size().to_dict() == {"appointment": 3, "claim": 3, "patient": 1,
                                                                  "referral": 3}
    assert "17 events" in result.metadata["ocel"].value


def test_a_large_log_is_exported_variant_collapsed(warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(mining_assets, "FULL_LOG_MAX_EVENTS", 0)
    exports = tmp_path / "exports"
    result = _run(warehouse, exports)
    assert _xes_cases(exports / "event_log_patient_journey.xes") == (2, 5)
    assert _xes_cases(exports / "event_log_claim.xes") == (2, 6)
    assert "variants log" in result.metadata["xes_claim"].value


def test_a_claim_and_a_journey_with_the_same_case_id_stay_apart(warehouse, tmp_path):
    # A practice's systems may number referrals and appointments alike: journey "C1" is not claim "C1".
    with duckdb.connect(str(warehouse)) as con:
        con.executemany(INSERT_EVENT, [("C1", "patient_journey", "referral received", "2024-02-01 09:00", 1, None),
                                       ("C1", "patient_journey", "referral lost", "2024-02-01 12:00", 2, None)])
    _run(warehouse, tmp_path / "exports")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        lost = con.execute("select frequency, mean_hours from marts.mining_dfg where case_type = 'patient_journey' "
                           "and target = 'referral lost'").fetchall()
        claim_edges = con.execute("select sum(frequency) from marts.mining_dfg where case_type = 'claim'").fetchone()
        views = con.execute("select count(*) from marts.mining_events_claim").fetchone()
    assert lost == [(2, 13.5)]  # P3 24 h and the new C1 3 h
    assert claim_edges == (6,) and views == (9,)  # the claims' 9 events and 6 edges, untouched


def test_the_prepared_pairs_answer_filtered_maps_like_the_window_pass(warehouse, tmp_path):
    from mining.dfg import process_map
    from mining.events import EventFilter

    _run(warehouse, tmp_path / "exports")
    log = mining_assets.case_type_log("claim")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for filters in (EventFilter(), EventFilter(equals={"activity": "adjudicated: denied"})):
            stored = process_map(con, log.relation, filters, prepared=log.pairs)
            window = process_map(con, log.relation, filters)
            assert stored.dfg.equals(window.dfg) and stored.start_end.equals(window.start_end)
        assert len(process_map(con, log.relation, EventFilter(equals={"activity": "adjudicated: denied"}),
                               prepared=log.pairs).dfg) == 2  # C2 alone
    with pytest.raises(ValueError, match="unknown case type"):
        mining_assets.case_type_log("episode")


def test_the_asset_writes_the_bottlenecks_and_rework(warehouse, tmp_path):
    _run(warehouse, tmp_path / "exports")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        edges = con.execute("select source, target, frequency, cases, total_hours, share from "
                            "marts.mining_bottleneck_edges where case_type = 'claim' "
                            "order by total_hours desc, source").fetchall()
        rework = con.execute("select kind, activity, cases, minutes_per_rework, hourly_rate from marts.mining_rework "
                             "where case_type = 'claim' order by kind, activity").fetchall()
    # waiting time: denied -> written off 2880 h; submitted -> paid 230 + 48 = 278 h; submitted -> denied 240 h;
    # paid -> closed 0 h; 3398 h in all
    assert _rounded(edges) == _rounded([
        ("adjudicated: denied", "claim written off", 1, 1, 2880.0, 2880 / 3398),
        ("claim submitted", "adjudicated: paid", 2, 2, 278.0, 278 / 3398),
        ("claim submitted", "adjudicated: denied", 1, 1, 240.0, 240 / 3398),
        ("adjudicated: paid", "claim closed", 2, 2, 0.0, 0.0),
    ])
    assert rework == []  # no claim here is resubmitted, reversed or re-sent, and none repeats an activity


def test_the_asset_checks_conformance_against_the_reference_models(warehouse, tmp_path):
    _run(warehouse, tmp_path / "exports")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        summary = con.execute("select case_type, cases, log_fitness, percentage_of_fitting_traces "
                              "from marts.mining_conformance order by case_type").fetchall()
        cases = con.execute("select case_id, fitness, is_fit from marts.mining_conformance_cases "
                            "where case_type = 'claim' order by case_id").fetchall()
        deviations = con.execute("select deviation, cases, denial_cases_with, denied_with, denial_rate_with, "
                                 "denied_without, denial_rate_without from marts.mining_deviations "
                                 "where case_type = 'claim' and source = 'reference model' "
                                 "order by cases desc, deviation").fetchall()
        rules = con.execute("select deviation, cases, share, denial_cases_with, denied_with, denial_rate_with, "
                            "denial_cases_without, denied_without, denial_rate_without from marts.mining_deviations "
                            "where source = 'payer rules' order by cases desc, deviation").fetchall()
    # The claim model's shortest run is 5 steps: session held, note signed, claim submitted, a paying adjudication,
    # claim closed. C1 and C3 (submitted, paid, closed) skip the first two: 2 moves, fitness 1 - 2 / (3 + 5) = 0.75.
    # C2 (submitted, denied, written off) also skips a paying adjudication and closed, and does 2 unexpected
    # activities: 6 moves, 1 - 6 / 8 = 0.25. Log fitness 1 - 10 / 24 = 7/12, less a hair: pm4py's standard costs
    # add 1 per silent step to the 10,000 of a move.
    assert [row[:2] for row in summary] == [("claim", 3), ("patient_journey", 3)]
    assert abs(summary[0][2] - 7 / 12) < 1e-4 and summary[0][3] == 0.0
    assert cases == [("C1", 0.75, False), ("C2", 0.25, False), ("C3", 0.75, False)]
    # C2 is the one first-pass denial (fct_claims): a deviation only C2 shows has a denial rate of 1 against 0 for the
    # two other claims; one all three show has 1/3 and no claim without it.
    assert deviations == [
        ("skipped note signed", 3, 3, 1, 1 / 3, 0, None),
        ("skipped session held", 3, 3, 1, 1 / 3, 0, None),
        ("skipped adjudicated: paid", 1, 1, 1, 1.0, 0, 0.0),
        ("skipped claim closed", 1, 1, 1, 1.0, 0, 0.0),
        ("unexpected adjudicated: denied", 1, 1, 1, 1.0, 0, 0.0),
        ("unexpected claim written off", 1, 1, 1, 1.0, 0, 0.0),
    ]
    # late filing: C1 and C2, one denied (C2), against C3 not denied; note signed late: C2 alone, denied
    assert rules == [
        ("late filing", 2, 2 / 3, 2, 1, 0.5, 1, 0, 0.0),
        ("note signed after claim submission", 1, 1 / 3, 1, 1, 1.0, 2, 0, 0.0),
    ]


def test_the_headline_lantern_build_prints(warehouse, tmp_path):
    from orchestration.mining.headline import mining_headline

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert mining_headline(con) == []  # not mined yet
    _run(warehouse, tmp_path / "exports")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        lines = mining_headline(con)
    # Claims: most waiting 2880 of 3398 h (85%). Of the payer-rule deviations, the note signed late (C2 alone, denied:
    # 100% against 0% without) beats late filing (C1 and C2: 50% against 0%).
    # Journeys: waiting 6 + 42 + 24 = 72 h, 42 of them from first contact to first session (58%); no denials.
    assert lines == [
        "Claims: 3 cases in 2 variants (the most frequent 67%); fitness 0.58 against the intended process, 0% of "
        "cases fit; most waiting: adjudicated: denied → claim written off (85% of all waiting time); riskiest "
        "deviation: note signed after claim submission (33.3% of claims, first-pass denial 100% vs 0% without)",
        "Patient journeys: 3 cases in 2 variants (the most frequent 67%); fitness 0.48 against the intended process, "
        "0% of cases fit; most waiting: first contact → first session held (58% of all waiting time)",
    ]


def test_the_asset_stores_the_discovered_and_reference_models_to_draw(warehouse, tmp_path):
    _run(warehouse, tmp_path / "exports")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        models = con.execute("select model, tree, log_fitness, percentage_of_fitting_traces from marts.mining_models "
                             "where case_type = 'claim' order by model").fetchall()
        labels = con.execute("select model, list(label order by label) from marts.mining_model_elements "
                             "where case_type = 'claim' and element = 'transition' and not is_silent "
                             "group by model order by model").fetchall()
        flows = con.execute("select count(*) from marts.mining_model_elements where case_type = 'claim' "
                            "and model = 'discovered' and diagram = 'bpmn' and element = 'flow'").fetchone()[0]
    # The two claim variants (submitted, paid, closed; submitted, denied, written off) are a choice after the
    # submission, which every case fits; the reference model's fitness is checked in the conformance test above.
    assert models[0] == ("discovered", "->( 'claim submitted', X( ->( 'adjudicated: paid', 'claim closed' ), "
                                       "->( 'adjudicated: denied', 'claim written off' ) ) )", 1.0, 100.0)
    assert models[1][0] == "reference" and models[1][1].startswith("->( 'session held', +( ->( 'note signed'")
    assert labels == [
        ("discovered", ["adjudicated: denied", "adjudicated: paid", "claim closed", "claim submitted",
                        "claim written off"]),
        ("reference", ["277CA: accepted", "adjudicated: paid", "adjudicated: partially paid",
                       "adjudicated: patient responsibility", "claim closed", "claim submitted", "note signed",
                       "patient billed", "patient paid", "session held"]),
    ]
    # BPMN: start -> submitted -> split; split -> paid -> closed -> join; split -> denied -> written off -> join;
    # join -> end: 9 sequence flows
    assert flows == 9
