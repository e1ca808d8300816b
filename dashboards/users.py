"""The dashboards' local accounts (issue 8's local default): a credentials file of users, each with a role and a
scrypt-hashed password, managed by `lantern users add|remove|list`. No password ships with Lantern: `add` makes a
one-time password, shown once, that its user is to change.

Pure functions over the file's contents, plus `read`/`write` that keep the file private to its owner (mode 0600)
and replace it whole or not at all.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from orchestration.private_files import write_private

ROLES = ("leadership", "finance", "billing", "clinician", "analyst")
# scrypt's cost: about 50 ms a check here, enough to slow guessing, little for a login
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16
ONE_TIME_PASSWORD_BYTES = 12
_NAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
_NPI = re.compile(r"\d{10}")
_PRACTICE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class UsersError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    username: str
    role: str
    password_hash: str
    clinician_npi: str | None = None  # a clinician sees only their own patients
    must_change_password: bool = True
    practice_id: str | None = None  # in a network's warehouse, the one practice whose rows they see (None: every)


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$N$r$p$salt$hash`, salt and hash in URL-safe base64."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    encode = lambda raw: base64.urlsafe_b64encode(raw).decode()  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt)}${encode(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` hashes to `stored` (compared in constant time); False for a malformed hash."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.urlsafe_b64decode(digest)
        found = hashlib.scrypt(password.encode(), salt=base64.urlsafe_b64decode(salt), n=int(n), r=int(r),
                               p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def add(users: dict[str, User], username: str, role: str, clinician_npi: str | None = None,
        password: str | None = None, practice_id: str | None = None) -> tuple[dict[str, User], str]:
    """The users with one more, and the password to give them (a new one-time password unless given)."""
    if not _NAME.fullmatch(username):
        raise UsersError(f"user name {username!r}: 2 to 64 of lower-case letters, digits and . _ @ -, "
                         "starting with a letter or digit")
    if username in users:
        raise UsersError(f"user {username!r} exists already: remove it first to replace it")
    if role not in ROLES:
        raise UsersError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if role == "clinician" and (clinician_npi is None or not _NPI.fullmatch(clinician_npi)):
        raise UsersError("a clinician user needs --npi, the clinician's 10-digit NPI: it decides whose patients "
                         "they see")
    if role != "clinician" and clinician_npi is not None:
        raise UsersError("--npi is for clinician users only")
    if practice_id is not None and not _PRACTICE.fullmatch(practice_id):
        raise UsersError(f"practice {practice_id!r}: a practice id is letters, digits, '.', '_' and '-', starting "
                         "with a letter or digit (as in the network file)")
    given = password is not None
    password = password if given else secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    user = User(username, role, hash_password(password), clinician_npi, must_change_password=not given,
                practice_id=practice_id)
    return {**users, username: user}, password


MIN_PASSWORD_LENGTH = 12
# checked against when the user name is unknown, so a wrong name costs the same time as a wrong password
_NO_SUCH_USER = hash_password("", salt=b"\0" * SALT_BYTES)


def users_file(home: Path) -> Path:
    """Where the local accounts live: `<home>/config/users.json`."""
    return home / "config" / "users.json"


def authenticate(users: dict[str, User], username: str, password: str) -> User | None:
    """The user whose name and password these are; None otherwise (without saying which was wrong)."""
    user = users.get(username.strip().lower())
    matches = verify_password(password, user.password_hash if user else _NO_SUCH_USER)
    return user if user is not None and matches else None


def change_password(users: dict[str, User], username: str, new_password: str) -> dict[str, User]:
    """The users with `username`'s password replaced by one they chose (no longer one-time)."""
    if username not in users:
        raise UsersError(f"no user {username!r}")
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise UsersError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if verify_password(new_password, users[username].password_hash):
        raise UsersError("the new password must differ from the one-time password")
    user = users[username]
    return {**users, username: User(user.username, user.role, hash_password(new_password), user.clinician_npi,
                                    must_change_password=False, practice_id=user.practice_id)}


def remove(users: dict[str, User], username: str) -> dict[str, User]:
    if username not in users:
        raise UsersError(f"no user {username!r}")
    return {name: user for name, user in users.items() if name != username}


def read(path: Path) -> dict[str, User]:
    """The users in the credentials file; none when there is no file."""
    if not path.is_file():
        return {}
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["users"]
        return {row["username"]: User(**row) for row in rows}
    except (ValueError, KeyError, TypeError) as error:
        raise UsersError(f"{path} is not a Lantern credentials file: {error}") from error


def write(path: Path, users: dict[str, User]) -> None:
    """Replace the credentials file with `users`, readable and writable by its owner only."""
    text = json.dumps({"users": [asdict(users[name]) for name in sorted(users)]}, indent=2) + "\n"
    write_private(path, text.encode("utf-8"))
