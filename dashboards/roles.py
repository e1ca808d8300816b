"""Who may see what (issue 8): the pages of each role, the signed-in viewer, and how a viewer signed in through
the practice's identity provider gets a role. Pure functions; `dashboards/login.py` puts them on screen.

leadership  every page
finance     revenue-cycle and forecast pages; no page that shows note text or outcomes
billing     denials and the work queue
clinician   the documentation co-pilot, their own outcomes and their own sessions in the work queue
analyst     the KPI pages and the process explorer, patient identifiers pseudonymised in what they download
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dashboards.pages_list import PAGES
from dashboards.users import ROLES, User

_EVERY_PAGE = frozenset(page.name for page in PAGES)
PAGES_OF_ROLE: dict[str, frozenset[str]] = {
    "leadership": _EVERY_PAGE,
    "finance": frozenset({"overview", "cost_of_inaction", "denials", "work_queue", "cash_forecast"}),
    "billing": frozenset({"denials", "work_queue"}),
    "clinician": frozenset({"copilot", "outcomes", "work_queue"}),
    "analyst": frozenset({"overview", "leadership", "outcomes", "access", "data_health", "process_explorer"}),
}
assert set(PAGES_OF_ROLE) == set(ROLES), "every role has its pages"
assert all(pages <= _EVERY_PAGE for pages in PAGES_OF_ROLE.values()), "roles name existing pages"


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their name, their role, a clinician's NPI (their rows), how they signed in, and in a
    network's warehouse the practice whose rows alone they see (None: any practice of the warehouse)."""

    username: str
    role: str
    clinician_npi: str | None = None
    signed_in_with: str = "password"  # or "identity provider"
    practice_id: str | None = None

    @property
    def own_npi(self) -> str | None:
        """The NPI whose rows alone this viewer sees; None for the roles that see every clinician's."""
        return self.clinician_npi if self.role == "clinician" else None

    @property
    def sees_pseudonyms(self) -> bool:
        return self.role == "analyst"

    @property
    def sees_raw_records(self) -> bool:
        """Quarantined records quote the delivered rows (names, birth dates): leadership only."""
        return self.role == "leadership"

    @property
    def sees_audit_log(self) -> bool:
        return self.role == "leadership"


def may_see(role: str, page: str) -> bool:
    return page in PAGES_OF_ROLE.get(role, frozenset())


def pages_for(role: str) -> list:
    """The pages of `role`, in the menu's order."""
    return [page for page in PAGES if may_see(role, page.name)]


def viewer_of_user(user: User) -> Viewer:
    return Viewer(user.username, user.role, user.clinician_npi, "password", user.practice_id)


class NoRole(LookupError):
    """A signed-in identity that the practice has given no Lantern role."""


def viewer_from_identity(claims: Mapping[str, Any], mapping: Mapping[str, Any]) -> Viewer:
    """The viewer for an identity provider's claims (`st.user`), given the practice's role mapping
    (`<home>/config/sso_roles.toml`):

        role_claim = "lantern_role"   # optional: the claim that holds the role
        npi_claim = "npi"             # optional: the claim that holds a clinician's NPI
        practice_claim = "practice"   # optional: the claim that holds the practice whose rows they see
        [users."jane@practice.org"]   # optional: a role per e-mail address, which wins over the claim
        role = "clinician"
        npi = "1234567890"
        practice = "north"

    Raises NoRole, saying why, when neither gives a valid role.
    """
    email = str(claims.get("email") or "").strip().lower()
    name = email or str(claims.get("sub") or "").strip()
    if not name:
        raise NoRole("the identity provider sent neither an e-mail address nor a subject")
    users = {str(key).lower(): value for key, value in (mapping.get("users") or {}).items()}
    entry = users.get(email) if email else None
    if entry is not None:
        role, npi, source = entry.get("role"), entry.get("npi"), f"the mapping file's entry for {email}"
        practice = entry.get("practice")
    elif mapping.get("role_claim"):
        role = claims.get(mapping["role_claim"])
        npi = claims.get(mapping["npi_claim"]) if mapping.get("npi_claim") else None
        practice = claims.get(mapping["practice_claim"]) if mapping.get("practice_claim") else None
        source = f"the claim {mapping['role_claim']!r}"
    else:
        raise NoRole(f"{name} has no entry in the role mapping file, and it names no role claim")
    if isinstance(role, list | tuple):  # a groups claim: the first that is a Lantern role
        role = next((r for r in role if r in ROLES), None)
    if role not in ROLES:
        raise NoRole(f"{source} gives {name} no Lantern role (one of {', '.join(ROLES)}): {role!r}")
    npi = None if npi is None else str(npi)
    if role == "clinician" and not (npi and npi.isdigit() and len(npi) == 10):
        raise NoRole(f"{source} makes {name} a clinician without a 10-digit NPI: whose patients they see is unknown")
    return Viewer(name, role, npi if role == "clinician" else None, "identity provider",
                  None if practice is None else str(practice))
