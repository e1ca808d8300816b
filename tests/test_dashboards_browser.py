"""The dashboards in a real browser: headless Chromium (Debian's, installed by `make test`) opens every page of
a running `lantern serve` on the small practice's warehouse, waits for it to render, checks that no Streamlit
error box is shown, and saves a screenshot per page."""

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(built_small_practice, tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine: `make test` installs Debian's (it needs root or sudo)")
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


def test_every_page_renders_in_chromium_without_an_error(served, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    shots = Path(os.environ.get("LANTERN_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for number, info in enumerate(PAGES):
            page.goto(f"{served}/{info.name if number else ''}")  # the first page is the app's default, at /
            page.get_by_role("heading", name=info.title, exact=True).first.wait_for(timeout=RENDER_MS)
            page.wait_for_function(RENDERED, timeout=RENDER_MS)
            page.wait_for_timeout(SETTLE_MS)
            page.wait_for_function(RENDERED, timeout=RENDER_MS)
            assert page.get_by_text("Page not found").count() == 0, info.name
            errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
            assert errors.count() == 0, f"{info.name}: {errors.first.inner_text()}"
            page.screenshot(path=str(shots / f"{info.name}.png"), full_page=True)
            assert (shots / f"{info.name}.png").stat().st_size > 10_000
        browser.close()
