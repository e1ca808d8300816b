"""The dashboards' local accounts (dashboards/users.py and `lantern users`): hashed passwords only, a one-time
password shown once, roles checked, the file private to its owner."""

from __future__ import annotations

import json
import stat

import pytest
from typer.testing import CliRunner

from dashboards import users
from orchestration.cli import app


def test_a_password_is_stored_as_a_salted_scrypt_hash_and_checked_against_it():
    stored = users.hash_password("correct horse", salt=b"\x00" * 16)
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p, salt) == ("scrypt", "16384", "8", "1", "AAAAAAAAAAAAAAAAAAAAAA==")
    assert len(digest) == 44 and "correct horse" not in stored
    assert users.verify_password("correct horse", stored)
    assert not users.verify_password("correct horsE", stored)
    # another salt, another hash; a malformed or foreign hash never verifies
    assert users.hash_password("correct horse") != stored
    assert not users.verify_password("correct horse", "md5$abc")
    assert not users.verify_password("correct horse", "scrypt$16384$8$1$!!$!!")


def test_users_are_added_with_a_one_time_password_and_checked_roles():
    known, password = users.add({}, "ana", "leadership")
    assert len(password) == 16 and users.verify_password(password, known["ana"].password_hash)
    assert known["ana"].must_change_password
    known, given = users.add(known, "dr.lee", "clinician", clinician_npi="1234567893", password="chosen one")
    assert given == "chosen one" and not known["dr.lee"].must_change_password
    for args, message in [(("ana", "leadership"), "exists already"), (("bob", "owner"), "is not one of"),
                          (("bob", "clinician"), "needs --npi"), (("Bob!", "finance"), "user name"),
                          (("bob", "finance", "1234567893"), "clinician users only")]:
        with pytest.raises(users.UsersError, match=message):
            users.add(known, *args)
    assert set(users.remove(known, "ana")) == {"dr.lee"}
    with pytest.raises(users.UsersError, match="no user 'carol'"):
        users.remove(known, "carol")


def test_the_credentials_file_is_private_and_read_back_the_same(tmp_path):
    path = tmp_path / "config" / "users.json"
    assert users.read(path) == {}
    known, _ = users.add({}, "ana", "finance")
    users.write(path, known)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert users.read(path) == known
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(users.UsersError, match="not a Lantern credentials file"):
        users.read(path)


def test_lantern_users_adds_lists_and_removes(tmp_path):
    runner = CliRunner()
    home = ["--home", str(tmp_path)]
    added = runner.invoke(app, [*home, "users", "add", "ana", "--role", "billing"], env={"COLUMNS": "200"})
    assert added.exit_code == 0, added.output
    password = added.output.split("One-time password (shown once): ")[1].split()[0]
    saved = json.loads((tmp_path / "config" / "users.json").read_text())["users"]
    assert [u["username"] for u in saved] == ["ana"] and password not in json.dumps(saved)
    assert users.verify_password(password, saved[0]["password_hash"])
    listed = runner.invoke(app, [*home, "users", "list"], env={"COLUMNS": "200"})
    assert "ana" in listed.output and "billing" in listed.output and saved[0]["password_hash"] not in listed.output
    refused = runner.invoke(app, [*home, "users", "add", "lee", "--role", "clinician"], env={"COLUMNS": "200"})
    assert refused.exit_code == 2 and "needs --npi" in refused.output
    removed = runner.invoke(app, [*home, "users", "remove", "ana"], env={"COLUMNS": "200"})
    assert removed.exit_code == 0 and users.read(tmp_path / "config" / "users.json") == {}
