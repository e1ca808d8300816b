"""Who sees what in the dashboards (issue 8): a test per role that the pages outside it are not shown, even when
opened directly; a clinician's rows are their own; signing in with a local account, the one-time password
replaced first; the identity provider's claims turned into a role; every sign-in, view and refusal audited."""

from __future__ import annotations

import json
import stat

import pandas as pd
import pytest

from dashboards import audit, users
from dashboards.pages_list import PAGES
from dashboards.roles import PAGES_OF_ROLE, NoRole, Viewer, pages_for, viewer_from_identity
from dashboard_pages import LEADERSHIP, metrics, no_errors, run_app, run_page
from test_dashboards_access_outcomes import known_outcomes

pytestmark = pytest.mark.slow
EVERY_PAGE = [page.name for page in PAGES]
TITLES = {page.name: page.title for page in PAGES}
# what each role may open, written out again here so that a change to dashboards/roles.py shows up as a failure
EXPECTED = {
    "leadership": set(EVERY_PAGE),
    "finance": {"overview", "cost_of_inaction", "denials", "work_queue", "cash_forecast"},
    "billing": {"denials", "work_queue"},
    "clinician": {"copilot", "outcomes", "work_queue"},
    "analyst": {"overview", "leadership", "outcomes", "access", "data_health", "process_explorer"},
}


def test_each_roles_pages_are_the_ones_the_issue_gives_it():
    assert {role: set(pages) for role, pages in PAGES_OF_ROLE.items()} == EXPECTED
    # the menu keeps the app's order
    assert [p.name for p in pages_for("finance")] == ["overview", "cost_of_inaction", "denials", "work_queue",
                                                      "cash_forecast"]
    assert pages_for("nobody") == []
    # no note text for finance: the co-pilot (notes) and outcomes (clinical scores) are not theirs
    assert not {"copilot", "outcomes"} & EXPECTED["finance"]


@pytest.fixture
def built(dashboard_warehouse):
    return dashboard_warehouse


def a_clinician_with_queued_sessions(con) -> str:
    return con.execute("select clinician_npi from marts.claim_denial_risk where not is_billed "
                       "group by all order by count(*) desc, clinician_npi limit 1").fetchone()[0]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_a_role_sees_its_pages_and_is_refused_the_others(built, role):
    npi = a_clinician_with_queued_sessions(built) if role == "clinician" else None
    viewer = Viewer(f"someone-{role}", role, npi)
    # the app opens on the role's first page, and its menu is the role's pages only
    app = run_app(viewer)
    no_errors(app, error_boxes=role != "clinician")  # the co-pilot's checklist uses error boxes as content
    assert [t.value for t in app.title] == [TITLES[pages_for(role)[0].name]]
    for page in EVERY_PAGE:
        shown = run_page(page, viewer)
        assert not shown.exception, (page, [e.value for e in shown.exception])
        if page in EXPECTED[role]:
            assert [t.value for t in shown.title] == [TITLES[page]], page
        else:
            # typed in as an address: a refusal, and nothing of the page (no title, table, metric or chart)
            assert [e.value for e in shown.error] == [f"The {TITLES[page]} page is not open to the {role} role."]
            assert not shown.title and not shown.dataframe and not shown.metric, page


def test_nobody_signed_in_sees_no_page(built):
    for page in EVERY_PAGE:
        shown = run_page(page, viewer=None)
        assert [w.value for w in shown.warning] == ["Sign in first: open Lantern's start page."]
        assert not shown.title and not shown.dataframe and not shown.metric


def test_a_clinician_sees_only_their_own_sessions_in_the_work_queue(built):
    npi = a_clinician_with_queued_sessions(built)
    theirs, everyone = built.execute(
        "select count(*) filter (where clinician_npi = ?), count(*) from marts.claim_denial_risk "
        "where not is_billed", [npi]).fetchone()
    assert 0 < theirs < everyone
    app = run_page("work_queue", Viewer("dr", "clinician", npi))
    no_errors(app)
    assert metrics(app)["Sessions not yet billed"] == f"{theirs:,}"
    queue = app.dataframe[0].value
    assert len(queue) == theirs and set(queue["clinician_npi"]) == {npi}
    assert metrics(run_page("work_queue"))["Sessions not yet billed"] == f"{everyone:,}"


def test_a_clinician_picks_only_themselves_in_the_co_pilot(built):
    npi = a_clinician_with_queued_sessions(built)
    app = run_page("copilot", Viewer("dr", "clinician", npi))
    assert not app.exception
    assert app.selectbox(key="clinician").options == [built.execute(
        "select clinician_name || coalesce(', ' || credential, '') from marts.dim_clinicians "
        "where clinician_npi = ?", [npi]).fetchone()[0]]
    everyone = run_page("copilot").selectbox(key="clinician").options
    assert len(everyone) == built.execute("select count(*) from marts.dim_clinicians").fetchone()[0] > 1


def test_a_clinicians_outcomes_count_only_their_patients(tmp_path, monkeypatch):
    # the hand-built warehouse: 21 PHQ-9 patients, all clinician 1's (Ann Able); clinician 2 has none
    path = tmp_path / "known.duckdb"
    known_outcomes(path)
    monkeypatch.setenv("LANTERN_WAREHOUSE", str(path))
    monkeypatch.setenv("LANTERN_HOME", str(tmp_path))
    ann = run_page("outcomes", Viewer("ann", "clinician", "1"))
    no_errors(ann)
    assert metrics(ann) == {"Patients seen": "21", "Share measurable": "38.1%", "Reliable improvement": "50.0%",
                            "Response": "50.0%", "Remission": "16.7%"}
    assert list(ann.dataframe[0].value["clinician_name"]) == ["Ann Able"]
    bo = run_page("outcomes", Viewer("bo", "clinician", "2"))
    no_errors(bo)
    assert [i.value for i in bo.info] == ["No patient with a completed session in the warehouse yet."]
    assert not bo.metric and not bo.dataframe


def test_quarantined_records_and_the_audit_trail_are_for_leadership_only(built):
    analyst = run_page("data_health", Viewer("al", "analyst"))
    no_errors(analyst)
    lead = run_page("data_health", LEADERSHIP)
    no_errors(lead)
    if built.execute("select count(*) from raw.quarantine").fetchone()[0]:
        assert len(lead.dataframe) == len(analyst.dataframe) + 2  # the examples and the audit trail
        assert any("leadership sees them" in c.value for c in analyst.caption)
    else:
        assert len(lead.dataframe) == len(analyst.dataframe) + 1  # the audit trail, its own view in it
    assert "Audit trail" in [s.value for s in lead.subheader]
    assert "Audit trail" not in [s.value for s in analyst.subheader]


# ----------------------------------------------------------------------------- signing in


@pytest.fixture
def accounts(built, tmp_path, monkeypatch):
    """An empty home of our own (accounts, audit trail) beside the small practice's warehouse."""
    monkeypatch.setenv("LANTERN_HOME", str(tmp_path))
    return tmp_path


def sign_in(app, username: str, password: str):
    app.text_input(key="sign_in_username").input(username)
    app.text_input(key="sign_in_password").input(password)
    return app.button[0].click().run()


def events(home) -> list[tuple[str, str, str, str]]:
    trail = audit.read(audit.audit_file(home)).iloc[::-1]  # oldest first
    return list(trail[["username", "role", "action", "target"]].itertuples(index=False, name=None))


def test_without_accounts_the_app_says_how_to_add_one(accounts):
    app = run_app(viewer=None)
    no_errors(app)
    assert [t.value for t in app.title] == ["Lantern"]
    assert "lantern users add NAME --role leadership" in app.info[0].value and not app.metric


def test_signing_in_with_a_password_opens_the_roles_first_page_and_is_audited(accounts):
    known, _ = users.add({}, "bill", "billing", password="a long password")
    users.write(users.users_file(accounts), known)
    app = run_app(viewer=None)
    assert not app.metric and [t.value for t in app.title] == ["Lantern"]
    app = sign_in(app, "bill", "a wrong password")
    assert [e.value for e in app.error] == ["Wrong user name or password."]
    assert "viewer" not in app.session_state
    app = sign_in(app, "nobody", "a long password")
    assert [e.value for e in app.error] == ["Wrong user name or password."]
    app = sign_in(app, "bill", "a long password")
    no_errors(app)
    assert app.session_state["viewer"] == Viewer("bill", "billing", None, "password")
    assert [t.value for t in app.title] == ["Denials"]
    assert events(accounts) == [("bill", "", "sign-in refused", "password"),
                                ("nobody", "", "sign-in refused", "password"),
                                ("bill", "billing", "sign-in", "password"),
                                ("bill", "billing", "view", "denials")]
    trail = audit.audit_file(accounts)
    assert stat.S_IMODE(trail.stat().st_mode) == 0o600
    assert "a long password" not in trail.read_text() and "a wrong password" not in trail.read_text()


def test_a_one_time_password_must_be_replaced_before_the_first_page(accounts):
    known, one_time = users.add({}, "ana", "finance")
    users.write(users.users_file(accounts), known)
    app = sign_in(run_app(viewer=None), "ana", one_time)
    assert "viewer" not in app.session_state and not app.metric
    assert "one-time password" in app.info[0].value
    for new, again, message in [("short", "short", "a password needs at least 12 characters."),
                                ("a good long one", "a different one", "The two passwords differ."),
                                (one_time, one_time, "the new password must differ from the one-time password.")]:
        app.text_input(key="new_password").input(new)
        app.text_input(key="new_password_again").input(again)
        app = app.button[0].click().run()
        assert [e.value for e in app.error] == [message] and "viewer" not in app.session_state
    app.text_input(key="new_password").input("a good long one")
    app.text_input(key="new_password_again").input("a good long one")
    app = app.button[0].click().run()
    no_errors(app)
    assert app.session_state["viewer"] == Viewer("ana", "finance", None, "password")
    assert [t.value for t in app.title] == ["Overview"]
    stored = users.read(users.users_file(accounts))["ana"]
    assert not stored.must_change_password and users.verify_password("a good long one", stored.password_hash)
    assert not users.verify_password(one_time, stored.password_hash)
    assert [e[2] for e in events(accounts)] == ["password changed", "sign-in", "view"]


def test_signing_out_ends_the_session_and_is_audited(accounts):
    known, _ = users.add({}, "lee", "leadership", password="a long password")
    users.write(users.users_file(accounts), known)
    app = sign_in(run_app(viewer=None), "lee", "a long password")
    assert [t.value for t in app.title] == ["Overview"]
    app = app.sidebar.button[0].click().run()
    assert "viewer" not in app.session_state and [t.value for t in app.title] == ["Lantern"]
    assert [e[2] for e in events(accounts)] == ["sign-in", "view", "sign-out"]


# ----------------------------------------------------------------------------- the identity provider


def test_the_identity_providers_claims_give_the_role():
    mapping = {"role_claim": "lantern_role", "npi_claim": "npi",
               "users": {"Jane@Practice.org": {"role": "clinician", "npi": "1234567893"}}}
    # the mapping file's entry wins over the claim; e-mail addresses compare without case
    assert viewer_from_identity({"email": "jane@practice.org", "lantern_role": "leadership"}, mapping) == Viewer(
        "jane@practice.org", "clinician", "1234567893", "identity provider")
    assert viewer_from_identity({"email": "bo@practice.org", "lantern_role": "finance"}, mapping) == Viewer(
        "bo@practice.org", "finance", None, "identity provider")
    # a groups claim: the first group that is a Lantern role
    assert viewer_from_identity({"email": "cy@practice.org", "lantern_role": ["staff", "analyst", "billing"]},
                                mapping).role == "analyst"
    # a clinician's NPI from its claim; a subject when there is no e-mail address
    assert viewer_from_identity({"sub": "abc-123", "lantern_role": "clinician", "npi": 1234567893},
                                mapping) == Viewer("abc-123", "clinician", "1234567893", "identity provider")
    for claims, given, reason in [
        ({"email": "x@practice.org"}, {}, "no entry in the role mapping file, and it names no role claim"),
        ({"email": "x@practice.org", "lantern_role": "owner"}, mapping, "gives x@practice.org no Lantern role"),
        ({"email": "x@practice.org", "lantern_role": "clinician"}, mapping, "a clinician without a 10-digit NPI"),
        ({}, mapping, "neither an e-mail address nor a subject"),
    ]:
        with pytest.raises(NoRole, match=reason):
            viewer_from_identity(claims, given)


def test_the_audit_trail_is_read_newest_first_and_survives_a_torn_line(tmp_path):
    path = audit.audit_file(tmp_path)
    at = pd.Timestamp("2026-11-27T10:00:00Z").to_pydatetime()
    audit.append(path, audit.event("ana", "finance", "sign-in", "password", now=at))
    audit.append(path, audit.event("ana", "finance", "view", "overview", now=at))
    audit.append(path, audit.event("ana", "finance", "export", "denied_claims.csv", "denials: 12 rows",
                                   now=at + pd.Timedelta(seconds=5)))
    with path.open("a") as handle:
        handle.write('{"at": "2026-11-27T10:00:0')  # a crash mid-write
    trail = audit.read(path)
    assert list(trail["action"]) == ["export", "view", "sign-in"]
    assert trail.loc[0, "detail"] == "denials: 12 rows" and str(trail.loc[0, "at"]) == "2026-11-27 10:00:05+00:00"
    assert json.loads(path.read_text().splitlines()[0]) == {
        "at": "2026-11-27T10:00:00Z", "username": "ana", "role": "finance", "action": "sign-in",
        "target": "password", "detail": ""}
    with pytest.raises(ValueError, match="is not one of"):
        audit.event("ana", "finance", "deleted", "x")
