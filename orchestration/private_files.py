"""Files only their owner may read or write (mode 0600): the dashboards' credentials (`dashboards.users`) and the
practice's secret key for pseudonyms (`practice_secret`).

Each is written whole or not at all: the bytes go to a private temporary file beside the target, which then takes
the target's name, so a reader never sees half a file and a crash leaves the old one.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path

SECRET_BYTES = 32


class PrivateFileError(RuntimeError):
    pass


def _private_temporary(path: Path, data: bytes) -> Path:
    """A new file beside `path` holding `data`, mode 0600 from the start (mkstemp's), on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, readable and writable by its owner only."""
    partial = _private_temporary(path, data)
    try:
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def create_private(path: Path, data: bytes) -> bool:
    """Create `path` holding `data` (mode 0600) unless it exists; False when it did. Two processes creating it at
    once leave one of their files, whole: a hard link claims the name only if it is free."""
    partial = _private_temporary(path, data)
    try:
        os.link(partial, path)
    except FileExistsError:
        return False
    finally:
        partial.unlink(missing_ok=True)
    return True


def practice_secret(path: Path) -> bytes:
    """The practice's secret key for pseudonyms: read from `path`, or, when there is no file yet, SECRET_BYTES random
    bytes written there first (mode 0600). It is never printed. Raises PrivateFileError for a file others may read
    or one too short to be a key."""
    if not path.exists():
        create_private(path, secrets.token_bytes(SECRET_BYTES))
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise PrivateFileError(f"{path}: the practice secret is readable by others (mode {mode:04o}); "
                               f"`chmod 600 {path}` it, and replace it if anyone else may have read it")
    secret = path.read_bytes()
    if len(secret) < SECRET_BYTES:
        raise PrivateFileError(f"{path}: {len(secret)} bytes, not a practice secret (it has {SECRET_BYTES}); "
                               "restore it from a backup, or delete it to start new pseudonyms")
    return secret
