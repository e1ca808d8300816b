"""What the dashboards' page tests share: running a page of dashboards/views with Streamlit's AppTest, and
reading what it showed."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

VIEWS = Path(__file__).resolve().parents[1] / "dashboards" / "views"
TIMEOUT = 120  # seconds: a first run imports Plotly and may train or read the checker's model


def run_page(name: str) -> AppTest:
    return AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=TIMEOUT).run()


def no_errors(app: AppTest, error_boxes: bool = True) -> None:
    """No exception; and no st.error box, unless the page uses them for content (`error_boxes=False`)."""
    assert not app.exception, [e.value for e in app.exception]
    if error_boxes:
        assert not app.error, [e.value for e in app.error]


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}
