"""What a viewer may download (issue 8): for the analyst role, every file carries pseudonyms, not MRNs, names or
birth dates. A CSV is the table on screen passed through `frame_for_role`; the event-log files are the copies the
build wrote with pseudonyms (`<home>/exports/pseudonymised/`, `dashboards.data.process_exports`). Pure functions;
the practice's secret comes from `dashboards.data.practice_secret`.
"""

from __future__ import annotations

import pandas as pd

from dashboards.users import ROLES
from mining.pseudonyms import Pseudonymiser, pseudonymise_frame

# The roles whose downloads carry pseudonyms: the analyst's work needs no patient's identity.
PSEUDONYMISED_ROLES = frozenset({"analyst"})


def is_pseudonymised(role: str) -> bool:
    """Whether `role`'s downloads carry pseudonyms."""
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    return role in PSEUDONYMISED_ROLES


def frame_for_role(frame: pd.DataFrame, role: str, secret: bytes) -> pd.DataFrame:
    """The table as `role` may download it: for the analyst, its patient and record ids replaced by pseudonyms
    (the same as in the pseudonymised XES and OCEL files) and its names, birth dates and other direct identifiers
    dropped (mining.pseudonyms' catalogue); for any other role, unchanged."""
    if not is_pseudonymised(role):
        return frame
    return pseudonymise_frame(frame, Pseudonymiser(secret))
