"""The one way Lantern opens the warehouse: a plain DuckDB file, or, with a key, one encrypted by DuckDB's own
database encryption (AES-256-GCM over every block of the file, its write-ahead log and, with
`temp_file_encryption`, the files a query spills).

An encrypted file is attached to an in-memory database under the catalog name DuckDB would give the plain file
(`warehouse` for `warehouse.duckdb`), then made the default with USE, so every query reads as on a plain file.

DuckDB encrypts with the crypto module of its httpfs extension (OpenSSL); its built-in one (mbedTLS) decrypts but
refuses to encrypt, since its nonces do not come from a secure random source. Lantern loads httpfs from DuckDB's
extension folder and never downloads it: writing an encrypted warehouse without it is refused. Reading needs
nothing more. `WarehouseKey.unsafe_test_crypto` makes DuckDB encrypt with mbedTLS anyway: for tests, which have
no httpfs, never for patient data (docs/encryption.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

ENV_WAREHOUSE_KEY = "LANTERN_WAREHOUSE_KEY"
# The key goes into SQL (ATTACH) and into dbt's profile: an alphabet that needs no quoting anywhere (base64, hex).
KEY_ALPHABET = re.compile(r"[A-Za-z0-9._~+/=-]+")
# DuckDB derives the AES key from the key with one salted SHA-256, no stretching: a short one could be guessed.
MIN_KEY_CHARACTERS = 32
# Names DuckDB gives its own catalogs; an attached warehouse cannot take them.
RESERVED_CATALOGS = frozenset({"memory", "system", "temp", "main"})
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SECURE_CRYPTO_EXTENSION = "httpfs"
DOCS = "docs/encryption.md"


class WarehouseAccessError(RuntimeError):
    """The warehouse cannot be opened as asked: what is wrong, in words a person can act on."""


@dataclass(frozen=True, slots=True)
class WarehouseKey:
    """The key an encrypted warehouse is opened with. Its text never shows in a repr, a log or a traceback."""

    secret: str = field(repr=False)
    unsafe_test_crypto: bool = False  # encrypt with DuckDB's built-in mbedTLS: tests only (module docstring)

    def __post_init__(self) -> None:
        check_key_text(self.secret, "the warehouse key")


def check_key_text(text: str, where: str) -> None:
    """Refuse a key too short to resist guessing, or one with characters SQL or YAML would need to quote."""
    if len(text) < MIN_KEY_CHARACTERS:
        raise WarehouseAccessError(f"{where} has {len(text)} characters; a warehouse key needs at least "
                                   f"{MIN_KEY_CHARACTERS} (`lantern warehouse key` makes one; {DOCS})")
    if not KEY_ALPHABET.fullmatch(text):
        raise WarehouseAccessError(f"{where} holds characters other than letters, digits and . _ ~ + / = - "
                                   f"(`lantern warehouse key` makes a key of those; {DOCS})")


def catalog_name(path: str | Path) -> str:
    """The catalog DuckDB names a plain file after (first dot-separated part of its name, `warehouse` for
    `warehouse.duckdb`), which the encrypted file is attached as, so that dbt and every query see the same names."""
    name = Path(path).name.lstrip(".").split(".")[0]
    if not IDENTIFIER.fullmatch(name) or name.lower() in RESERVED_CATALOGS:
        raise WarehouseAccessError(f"{path}: an encrypted warehouse's file name, up to its first dot, must be letters, "
                                   f"digits and _, not start with a digit, and not be one of "
                                   f"{', '.join(sorted(RESERVED_CATALOGS))} (the default is warehouse.duckdb)")
    return name


def connect(path: str | Path, key: WarehouseKey | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse at `path`: plain without `key`, encrypted with it. Opening an encrypted file
    without its key, with a wrong key, or a plain file with a key raises WarehouseAccessError saying so; so does
    writing an encrypted file without the crypto module DuckDB encrypts with. Writable connections create the
    file (and its folder) when there is none."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if key is None:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as error:
            raise _explained(error, path) from None
    catalog = catalog_name(path)
    config = {
        "autoinstall_known_extensions": "false",  # httpfs comes from the extension folder or not at all
        "temp_file_encryption": "true",  # what a query spills to disk is patient data too
        "temp_directory": f"{path}.tmp",  # where DuckDB puts a plain file's spills: beside it, not in the cwd
    }
    if key.unsafe_test_crypto:
        config["force_mbedtls_unsafe"] = "true"
    con = duckdb.connect(":memory:", config=config)
    try:
        if not key.unsafe_test_crypto:
            _load_secure_crypto(con, path, required=not read_only)
        options = f"ENCRYPTION_KEY {_literal(key.secret)}" + (", READ_ONLY" if read_only else "")
        con.execute(f'ATTACH {_literal(str(path))} AS "{catalog}" ({options})')
        con.execute(f'USE "{catalog}"')
    except duckdb.Error as error:
        con.close()
        raise _explained(error, path) from None
    except BaseException:
        con.close()
        raise
    return con


def is_encrypted(path: str | Path) -> bool:
    """Whether the DuckDB file at `path` is encrypted (opened read-only, without a key, to find out)."""
    try:
        duckdb.connect(str(path), read_only=True).close()
    except duckdb.CatalogException as error:
        if "without a key" in str(error):
            return True
        raise
    return False


def encrypt_warehouse(path: str | Path, key: WarehouseKey) -> list[tuple[str, int]]:
    """Encrypt the plain warehouse at `path` in place: every schema, table, view and sequence copied into a new
    encrypted file beside it (COPY FROM DATABASE), each table's row count checked against the plain one's, then the
    new file takes the old one's name. Returns (schema.table, rows) per table. The plain file's blocks are not
    overwritten on the disk: see docs/encryption.md."""
    path = Path(path)
    if not path.is_file():
        raise WarehouseAccessError(f"no warehouse at {path}: nothing to encrypt")
    if is_encrypted(path):
        raise WarehouseAccessError(f"the warehouse {path} is encrypted already")
    staged = path.with_name(f"{path.name}.encrypting")
    for leftover in (staged, staged.with_name(f"{staged.name}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        with connect(staged, key) as con:
            con.execute(f"ATTACH {_literal(str(path))} AS lantern_plain (READ_ONLY)")
            con.execute(f'COPY FROM DATABASE lantern_plain TO "{catalog_name(staged)}"')
            counts = []
            tables = con.execute("select schema_name, table_name from duckdb_tables() "
                                 "where database_name = 'lantern_plain' order by 1, 2").fetchall()
            for schema, table in tables:
                plain = con.execute(f'select count(*) from lantern_plain."{schema}"."{table}"').fetchone()[0]
                copied = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
                if plain != copied:
                    raise WarehouseAccessError(f"{schema}.{table}: {copied} rows copied of {plain}; "
                                               f"the plain warehouse {path} is left as it was")
                counts.append((f"{schema}.{table}", copied))
            con.execute("DETACH lantern_plain")
            con.execute("CHECKPOINT")
        staged.replace(path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return counts


def _load_secure_crypto(con: duckdb.DuckDBPyConnection, path: Path, required: bool) -> None:
    try:
        con.execute(f"LOAD {SECURE_CRYPTO_EXTENSION}")
    except duckdb.Error:
        if required:
            raise WarehouseAccessError(
                f"writing the encrypted warehouse {path} needs DuckDB's {SECURE_CRYPTO_EXTENSION} extension (its "
                f"OpenSSL crypto; DuckDB {duckdb.__version__}'s built-in one only decrypts), and it is not in "
                f"DuckDB's extension folder; Lantern never downloads it. Install it once where there is internet "
                f"access (`.venv/bin/python -c \"import duckdb; duckdb.connect().install_extension('httpfs')\"`), "
                f"or copy ~/.duckdb/extensions/v{duckdb.__version__}/ from such a machine ({DOCS})") from None


def _explained(error: duckdb.Error, path: Path) -> Exception:
    """DuckDB's errors about keys, in Lantern's words; any other error as it was."""
    text = str(error)
    if "without a key" in text:
        return WarehouseAccessError(f"the warehouse {path} is encrypted: give its key in {ENV_WAREHOUSE_KEY} or in a "
                                    f"key file (--warehouse-key-file, default <home>/config/warehouse.key; {DOCS})")
    if "Wrong encryption key" in text:
        return WarehouseAccessError(f"wrong key for the encrypted warehouse {path}")
    if "is not encrypted" in text:
        return WarehouseAccessError(f"the warehouse {path} is not encrypted, but a key was given: "
                                    f"`lantern warehouse encrypt` encrypts it ({DOCS})")
    return error


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
