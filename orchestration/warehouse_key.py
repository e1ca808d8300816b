"""Where the warehouse's key comes from, if there is one: the same precedence as every path of Lantern
(orchestration/paths.py) — an explicit option, then an environment variable, then a default under home.

1. `--warehouse-key-file FILE`: the key is that file's text (the file must exist);
2. else `LANTERN_WAREHOUSE_KEY`: the key itself;
3. else `<home>/config/warehouse.key` when that file exists;
4. else no key: the warehouse is a plain DuckDB file.

A key file holds the key on its first line, is readable by its owner only (mode 0600; one others may read is
refused, as ssh refuses such a private key), and `lantern warehouse key` writes a new one.
"""

from __future__ import annotations

import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

from orchestration.private_files import create_private
from orchestration.warehouse_connection import ENV_WAREHOUSE_KEY, WarehouseAccessError, WarehouseKey, check_key_text

KEY_BYTES = 32  # 256 random bits, written as 43 characters of URL-safe base64


def resolve_warehouse_key(key_file: Path | None, env: Mapping[str, str], default_file: Path) -> WarehouseKey | None:
    """The key the command line was given (module docstring); None for a plain warehouse. `env` is the environment
    to consult (the command line passes `os.environ`)."""
    if key_file is not None:
        return WarehouseKey(read_key_file(key_file))
    if env.get(ENV_WAREHOUSE_KEY):
        text = env[ENV_WAREHOUSE_KEY]
        check_key_text(text, ENV_WAREHOUSE_KEY)
        return WarehouseKey(text)
    if default_file.exists():
        return WarehouseKey(read_key_file(default_file))
    return None


def read_key_file(path: Path) -> str:
    """The key in `path` (its first line); WarehouseAccessError for a missing file, one others may read, or one that
    holds no usable key."""
    if not path.is_file():
        raise WarehouseAccessError(f"no warehouse key file at {path}")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise WarehouseAccessError(f"{path}: the warehouse key file is readable by others (mode {mode:04o}); "
                                   f"`chmod 600 {path}` it, and change the key if anyone else may have read it")
    lines = path.read_text(encoding="utf-8").splitlines()
    text = lines[0].strip() if lines else ""
    check_key_text(text, str(path))
    return text


def write_new_key(path: Path) -> None:
    """Write a new random key to `path` (mode 0600); refuses to replace a key file, whose loss would lose the
    warehouse it opens."""
    if not create_private(path, (secrets.token_urlsafe(KEY_BYTES) + "\n").encode("ascii")):
        raise WarehouseAccessError(f"{path} exists: a warehouse key is never replaced (the warehouse it encrypts "
                                   "could not be opened again); move it away first if you mean to")
