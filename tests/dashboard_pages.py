"""What the dashboards' page tests share: running a page of dashboards/views with Streamlit's AppTest as a
signed-in viewer, and reading what it showed."""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboards.roles import Viewer

DASHBOARDS = Path(__file__).resolve().parents[1] / "dashboards"
VIEWS = DASHBOARDS / "views"
TIMEOUT = 120  # seconds: a first run imports Plotly and may train or read the checker's model
LEADERSHIP = Viewer("lead", "leadership")


def _with_home() -> None:
    # pages write the audit trail under LANTERN_HOME: never into whatever data/ the tests run beside
    assert os.environ.get("LANTERN_HOME"), "set LANTERN_HOME (the dashboard_warehouse fixture does)"


def run_page(name: str, viewer: Viewer | None = LEADERSHIP) -> AppTest:
    """Page `name` as `viewer` sees it (None: nobody signed in)."""
    _with_home()
    app = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=TIMEOUT)
    if viewer is not None:
        app.session_state["viewer"] = viewer
    return app.run()


def run_app(viewer: Viewer | None = LEADERSHIP) -> AppTest:
    """The whole app (sign-in, menu, first page) as `viewer` sees it (None: nobody signed in yet)."""
    _with_home()
    app = AppTest.from_file(str(DASHBOARDS / "app.py"), default_timeout=TIMEOUT)
    if viewer is not None:
        app.session_state["viewer"] = viewer
    return app.run()


def no_errors(app: AppTest, error_boxes: bool = True) -> None:
    """No exception; and no st.error box, unless the page uses them for content (`error_boxes=False`)."""
    assert not app.exception, [e.value for e in app.exception]
    if error_boxes:
        assert not app.error, [e.value for e in app.error]


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}
