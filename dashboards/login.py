"""Signing in to the dashboards (issue 8). Two ways, never both:

- the practice's identity provider, through Streamlit's OIDC login (`st.login`), when `.streamlit/secrets.toml`
  has an `[auth]` section; the role comes from `<home>/config/sso_roles.toml` (an e-mail address's entry, else
  a claim it names: `dashboards.roles.viewer_from_identity`);
- otherwise the local accounts of `lantern users add`, with their scrypt-hashed passwords; a one-time password
  must be replaced before the first page opens.

Who signed in is kept in the session (`st.session_state["viewer"]`); every page then asks
`dashboards.common.require_access` for it. Sign-ins, refusals and sign-outs go to the audit trail.
"""

from __future__ import annotations

import tomllib

import streamlit as st

from dashboards import audit, data, users
from dashboards.roles import NoRole, Viewer, viewer_from_identity, viewer_of_user

VIEWER = "viewer"
_CHANGING = "changing_password_of"


def sso_configured() -> bool:
    """Whether Streamlit's secrets configure an identity provider (`[auth]`)."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def record(viewer: Viewer | None, action: str, target: str, detail: str = "", username: str = "") -> None:
    audit.append(audit.audit_file(data.lantern_home()),
                 audit.event(viewer.username if viewer else username, viewer.role if viewer else "", action,
                             target, detail))


def current_viewer() -> Viewer | None:
    """Who is signed in, or None (then the caller shows `sign_in`)."""
    if not sso_configured():
        return st.session_state.get(VIEWER)
    if not st.user.is_logged_in:
        st.session_state.pop(VIEWER, None)
        return None
    try:
        viewer = viewer_from_identity(dict(st.user), _sso_mapping())
    except NoRole as refused:
        if not st.session_state.get("_refusal_recorded"):
            record(None, "sign-in refused", "identity provider", str(refused),
                   username=str(st.user.get("email") or st.user.get("sub") or ""))
            st.session_state["_refusal_recorded"] = True
        st.error(f"Signed in, but without access to Lantern: {refused}. Ask the practice's Lantern administrator "
                 "to add you to `sso_roles.toml`.")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    if st.session_state.get(VIEWER) != viewer:
        st.session_state[VIEWER] = viewer
        record(viewer, "sign-in", "identity provider")
    return viewer


def _sso_mapping() -> dict:
    path = data.lantern_home() / "config" / "sso_roles.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        st.error(f"{path} is not valid TOML: {error}")
        st.stop()


def sign_in() -> None:
    """The sign-in page: the identity provider's button, or the local accounts' form."""
    st.title("Lantern")
    if sso_configured():
        st.write("Sign in with the practice's account.")
        st.button("Sign in", type="primary", on_click=st.login)
        return
    path = users.users_file(data.lantern_home())
    try:
        accounts = users.read(path)
    except users.UsersError as error:
        st.error(str(error))
        return
    if not accounts:
        st.info(f"No accounts yet in {path}: `lantern users add NAME --role leadership` adds one and prints its "
                "one-time password.")
        return
    changing = st.session_state.get(_CHANGING)
    if changing in accounts:
        _change_password(path, accounts, changing)
        return
    with st.form("sign_in"):
        username = st.text_input("User name", key="sign_in_username")
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    user = users.authenticate(accounts, username, password)
    if user is None:
        record(None, "sign-in refused", "password", "wrong user name or password", username=username.strip())
        st.error("Wrong user name or password.")
        return
    if user.must_change_password:
        st.session_state[_CHANGING] = user.username
        st.rerun()
    _signed_in(viewer_of_user(user))


def _change_password(path, accounts: dict, username: str) -> None:
    st.info(f"{username}: you signed in with a one-time password. Choose your own to go on.")
    with st.form("change_password"):
        new = st.text_input(f"New password ({users.MIN_PASSWORD_LENGTH} characters or more)", type="password",
                            key="new_password")
        again = st.text_input("The new password again", type="password", key="new_password_again")
        submitted = st.form_submit_button("Set the password", type="primary")
    if not submitted:
        return
    if new != again:
        st.error("The two passwords differ.")
        return
    try:
        updated = users.change_password(accounts, username, new)
    except users.UsersError as error:
        st.error(f"{error}.")
        return
    users.write(path, updated)
    viewer = viewer_of_user(updated[username])
    record(viewer, "password changed", "password")
    del st.session_state[_CHANGING]
    _signed_in(viewer)


def _signed_in(viewer: Viewer) -> None:
    st.session_state[VIEWER] = viewer
    record(viewer, "sign-in", "password")
    st.rerun()


def sign_out(viewer: Viewer) -> None:
    record(viewer, "sign-out", viewer.signed_in_with)
    for key in (VIEWER, "_last_page"):
        st.session_state.pop(key, None)
    if viewer.signed_in_with == "identity provider":
        st.logout()
