"""The app's pages, in the order of its menu, grouped by who reads them: the app builds its navigation from this
list, and the browser test opens every page in it."""

from dataclasses import dataclass
from pathlib import Path

# Not "pages/": Streamlit would list that folder's files as pages of its own before st.navigation runs.
PAGES_DIR = Path(__file__).with_name("views")


@dataclass(frozen=True)
class PageInfo:
    name: str  # the file in views/ and the URL path
    title: str  # the menu's entry and the page's st.title
    group: str
    icon: str


PAGES = [
    PageInfo("overview", "Overview", "Leadership", ":material/monitoring:"),
    PageInfo("leadership", "The leadership question", "Leadership", ":material/psychology:"),
    PageInfo("cost_of_inaction", "Cost of inaction", "Leadership", ":material/calculate:"),
    PageInfo("denials", "Denials", "Revenue", ":material/block:"),
    PageInfo("work_queue", "Work queue", "Revenue", ":material/checklist:"),
    PageInfo("cash_forecast", "Cash forecast", "Revenue", ":material/payments:"),
    PageInfo("copilot", "Documentation co-pilot", "Clinicians", ":material/edit_note:"),
    PageInfo("outcomes", "Outcomes", "Clinicians", ":material/trending_up:"),
    PageInfo("access", "Access", "Operations", ":material/event_available:"),
    PageInfo("data_health", "Data health", "Operations", ":material/health_and_safety:"),
    PageInfo("process_explorer", "Process explorer", "Analysts", ":material/account_tree:"),
]
