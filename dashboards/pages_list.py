"""The app's pages, in the order of its menu, grouped by who reads them: the app builds its navigation from this
list, and the browser test opens every page in it."""

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).with_name("pages")


@dataclass(frozen=True)
class PageInfo:
    name: str  # the file in pages/ and the URL path
    title: str  # the menu's entry and the page's st.title
    group: str
    icon: str


PAGES = [
    PageInfo("overview", "Overview", "Leadership", ":material/monitoring:"),
    PageInfo("leadership", "The leadership question", "Leadership", ":material/psychology:"),
    PageInfo("denials", "Denials", "Revenue", ":material/block:"),
    PageInfo("work_queue", "Work queue", "Revenue", ":material/checklist:"),
    PageInfo("cash_forecast", "Cash forecast", "Revenue", ":material/payments:"),
    PageInfo("data_health", "Data health", "Operations", ":material/health_and_safety:"),
]
