"""The dashboards in a real browser: headless Chromium (Debian's, installed by `make test`) signs in to a running
`lantern serve` on the small practice's warehouse, opens every page from the menu, waits for it to render, checks
that no Streamlit error box is shown, and saves a screenshot per page; a billing user's menu holds their two pages
only; a download is in the audit trail."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboards import audit, users
from dashboards.pages_list import PAGES

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Chromium as these machines need it: no sandbox as root, no GPU, and none of its own network traffic (the
# machine's closed network refuses it, many connections at a time).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_SECONDS = 90
# Rendered: the script has finished (no running indicator, no placeholder skeletons) and every Plotly chart and
# Graphviz map has drawn its SVG. Streamlit loads some elements' code on first use, so the test also waits for
# the page to hold still (SETTLE_MS) and checks again.
RENDERED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('svg.main-svg'))
    && [...document.querySelectorAll('[data-testid="stGraphVizChart"]')].every(c => c.querySelector('svg'))"""
SETTLE_MS = 1500
RENDER_MS = 60_000
PASSWORD = "browser test password"
ACCOUNTS = {"lead": "leadership", "biller": "billing"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(built_small_practice, tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine: `make test` installs Debian's (it needs root or sudo)")
    home = built_small_practice.home
    known = {name: user for name, user in users.read(users.users_file(home)).items() if name not in ACCOUNTS}
    for name, role in ACCOUNTS.items():
        known, _ = users.add(known, name, role, password=PASSWORD)
    users.write(users.users_file(home), known)
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    environment = {**os.environ, "COLUMNS": "200"}
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("lantern")), "--home", str(built_small_practice.home), "serve",
             "--port", str(port), "--warehouse", str(built_small_practice.warehouse)],
            stdout=output, stderr=subprocess.STDOUT, env=environment)
    url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"lantern serve did not start: {log.read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def sign_in(page, url: str, username: str) -> None:
    page.goto(url)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {username}").wait_for(timeout=RENDER_MS)
    # the menu is drawn after the sign-in's own text: on a loaded machine, read too early it was still empty
    page.locator('[data-testid="stSidebarNavLink"]').first.wait_for(timeout=RENDER_MS)


def menu(page) -> list[str]:
    # a link's text is its icon's ligature name, then its title
    return [link.inner_text().split("\n")[-1].strip()
            for link in page.locator('[data-testid="stSidebarNavLink"]').all()]


def wait_rendered(page, title: str) -> None:
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=RENDER_MS)
    page.wait_for_function(RENDERED, timeout=RENDER_MS)
    page.wait_for_timeout(SETTLE_MS)
    page.wait_for_function(RENDERED, timeout=RENDER_MS)


def test_every_page_renders_in_chromium_without_an_error(served, built_small_practice, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("LANTERN_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(served)
        page.get_by_label("User name").wait_for(timeout=RENDER_MS)
        page.screenshot(path=str(shots / "sign_in.png"), full_page=True)
        sign_in(page, served, "lead")
        assert menu(page) == [info.title for info in PAGES]
        for info in PAGES:
            # from the menu, as a person would: the session (and its sign-in) lives as long as the tab's
            page.locator('[data-testid="stSidebarNavLink"]').filter(has_text=info.title).first.click()
            wait_rendered(page, info.title)
            assert page.get_by_text("Page not found").count() == 0, info.name
            errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
            assert errors.count() == 0, f"{info.name}: {errors.first.inner_text()}"
            page.screenshot(path=str(shots / f"{info.name}.png"), full_page=True)
            assert (shots / f"{info.name}.png").stat().st_size > 10_000
        # a download from the work queue is recorded: who, which file, from where, how many rows
        page.locator('[data-testid="stSidebarNavLink"]').filter(has_text="Work queue").first.click()
        wait_rendered(page, "Work queue")
        with page.expect_download(timeout=RENDER_MS) as download:
            page.get_by_role("button", name="Download the queue (CSV)").click()
        rows = sum(1 for _ in open(download.value.path(), encoding="utf-8")) - 1
        deadline = time.monotonic() + 10  # the click's callback runs on the server, after the download began
        while True:
            trail = audit.read(audit.audit_file(built_small_practice.home))
            exports = trail[(trail["username"] == "lead") & (trail["action"] == "export")]
            if len(exports) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert list(exports[["target", "detail"]].iloc[0]) == ["work_queue.csv", f"work_queue: {rows:,} rows"]
        browser.close()


def test_a_billing_users_menu_holds_their_pages_only(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        sign_in(page, served, "biller")
        wait_rendered(page, "Denials")
        assert menu(page) == ["Denials", "Work queue"]
        assert page.get_by_role("heading", name="Cash forecast").count() == 0
        browser.close()
