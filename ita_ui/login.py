"""Who is using the app: the login form, the current actor, and the login kept across reloads.

The login form sits at the foot of the sidebar and, where a page needs a login, on the page
itself (a phone hides the sidebar behind ">>"). A login is kept in this browser for
``ITA_SESSION_HOURS`` through a signed token in the cookie ``ita_session``
(:mod:`ita_core.sessions`), so a reload, which opens a new Streamlit session, does not log the
user out. Streamlit can read cookies (``st.context.cookies``, the cookies of the connection) but
has no call to write one; the smallest means it offers is a line of JavaScript through
``st.html(..., unsafe_allow_javascript=True)``, drawn once after login and once after logout
(:func:`keep_login_cookie`, called by dashboard.py on every run).
"""

from __future__ import annotations

import json
import logging

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ita_core import sessions
from ita_core.auth import ANONYMOUS, Actor, AuthError, authenticate
from ita_core.db import session_scope
from ita_core.labels import label_th
from ita_core.models import UserRole
from ita_core.permissions import PermissionDenied
from ita_core.services import ValidationFailed
from ita_core.services.writer import Writer
from ita_core.settings import get_settings
from ita_ui.engine import engine
from ita_ui.expanders import lazy_expander

log = logging.getLogger("ita.web")

COOKIE = "ita_session"
LOGIN_FIRST = "กรุณาเข้าสู่ระบบเพื่อดูข้อมูล"
_CHECKED = "login_cookie_checked"  # this session has looked at the cookie it was opened with
_PENDING = "login_cookie_pending"  # ("set", token) or ("clear", "") for the next run to draw


def current_actor() -> Actor:
    """The logged-in user (restored from the kept login on a session's first run), or the anonymous reader."""
    if "actor" not in st.session_state and not st.session_state.get(_CHECKED):
        st.session_state[_CHECKED] = True
        restored = _actor_from_cookie()
        if restored is not None:
            st.session_state["actor"] = restored
    return st.session_state.get("actor", ANONYMOUS)


def login_box() -> Actor:
    """Login form (or the logged-in name and a logout button) at the foot of the sidebar."""
    actor = current_actor()
    box = st.sidebar.container(border=True)
    if actor is not ANONYMOUS:
        box.markdown(f"👤 **{actor.username}** · {label_th(actor.role, UserRole)}")
        if box.button("ออกจากระบบ", key="logout", width="stretch"):
            log_out()
        own_password_form(box, actor)
        return actor
    login_form(box, key="login")
    return ANONYMOUS


def own_password_form(where: DeltaGenerator, actor: Actor) -> None:
    """"เปลี่ยนรหัสผ่าน" under the logged-in name: the current password, the new one twice. The
    fields clear after each try; the kept login is renewed, since the old token dies with the old
    password hash (:mod:`ita_core.sessions`).

    A lazy expander: every page of a logged-in user has it, and its three fields were drawn on
    every run though it is seldom opened."""
    box = lazy_expander("เปลี่ยนรหัสผ่าน", key="own_password_open", where=where)
    if not box.open:
        return
    with box:
        with st.form("own_password", clear_on_submit=True, border=False, enter_to_submit=False):
            current = st.text_input("รหัสผ่านปัจจุบัน", type="password", key="own_password_current")
            new = st.text_input("รหัสผ่านใหม่ (อย่างน้อย 10 ตัวอักษร ไม่ใช่รหัสที่เดาง่าย)", type="password",
                                key="own_password_new")
            again = st.text_input("ยืนยันรหัสผ่านใหม่", type="password", key="own_password_again")
            submitted = st.form_submit_button("เปลี่ยนรหัสผ่าน", width="stretch")
        if not submitted:
            return
        errors = _change_own_password(actor, current=current, new=new, again=again)
        for error in errors:
            st.error(error)
        if not errors:
            st.success("เปลี่ยนรหัสผ่านแล้ว")


def _change_own_password(actor: Actor, *, current: str, new: str, again: str) -> list[str]:
    """Save the new password through the Writer; the Thai reasons it was refused (empty: saved)."""
    if new != again:
        return ["รหัสผ่านใหม่สองช่องไม่ตรงกัน"]
    errors: list[str] = []
    with session_scope(engine()) as session:  # commits a wrong current password's count too
        try:
            Writer(session, actor, source="form").change_own_password(current_password=current,
                                                                      new_password=new)
            token = sessions.remember(session, actor.username, get_settings())
        except ValidationFailed as exc:
            errors = exc.errors
        except PermissionDenied as exc:
            errors = [str(exc)]
    if errors:
        return errors
    log.info("%s changed their own password", actor.username)
    if token:
        st.session_state[_PENDING] = ("set", token)
    return []


def login_here(message: str) -> None:
    """``message`` and, for an anonymous reader, the login form on the page itself: the place a
    phone user looks, where the sidebar is folded away."""
    st.info(message)
    if current_actor() is ANONYMOUS:
        login_form(st.container(border=True, width=420), key="page_login")


def login_form(where: DeltaGenerator, *, key: str) -> None:
    """The user name and password form in ``where``; a good login reruns the app as that user and
    asks the next run to keep it in the browser."""
    with where.form(key, clear_on_submit=False, border=False, enter_to_submit=False):
        username = st.text_input("ชื่อผู้ใช้", key=f"{key}_user")
        password = st.text_input("รหัสผ่าน", type="password", key=f"{key}_password")
        submitted = st.form_submit_button("เข้าสู่ระบบ", width="stretch", type="primary")
    if not submitted:
        return
    error = None
    with session_scope(engine()) as session:  # commits the failed-login counter too
        try:
            st.session_state["actor"] = authenticate(session, username, password, client=_client_address())
            token = sessions.remember(session, username.strip(), get_settings())
        except AuthError as exc:
            error = str(exc)
    if error:
        where.error(error)
        return
    if token:
        st.session_state[_PENDING] = ("set", token)
    st.rerun()


def _client_address() -> str | None:
    """The browser's address as Streamlit sees it (None when unknown, e.g. in AppTest); behind a
    reverse proxy every browser has the proxy's address, and the per-address rules then act as one."""
    try:
        address = st.context.ip_address
    except Exception:  # an older Streamlit or no connection: per-account rules only
        return None
    return address if isinstance(address, str) and address else None


def log_out() -> None:
    """Forget the user in this session and in the browser, and rerun as the anonymous reader."""
    st.session_state.pop("actor", None)
    st.session_state[_CHECKED] = True  # the cookie this connection was opened with is gone now
    st.session_state[_PENDING] = ("clear", "")
    st.rerun()


def require_reader() -> Actor:
    """Show the login box; stop the page for anonymous users when public reading is off."""
    actor = login_box()
    if actor is ANONYMOUS and not get_settings().public_read:
        login_here(LOGIN_FIRST)
        st.stop()
    return actor


def keep_login_cookie() -> None:
    """Write or clear the login cookie once, in the run after a login or logout.

    The token goes into the cookie only, never the address (which people copy into chats).
    The cookie is ``SameSite=Strict`` (sent only by this site's own pages), ``Secure`` when the
    app is served over HTTPS, ``Path=/``, and expires with the token. JavaScript has to write it,
    so it cannot be ``HttpOnly``; nothing the app shows runs script from users' text.
    """
    pending = st.session_state.pop(_PENDING, None)
    if pending is None:
        return
    action, token = pending
    max_age = get_settings().session_hours * 3600 if action == "set" else 0
    cookie = json.dumps(f"{COOKIE}={token}; Path=/; Max-Age={max_age}; SameSite=Strict")
    with st.container(key="login_cookie"):
        st.html("<style>.st-key-login_cookie{display:none}</style>"
                f'<script>document.cookie = {cookie} + (location.protocol === "https:" ? "; Secure" : "");'
                "</script>", unsafe_allow_javascript=True)


def _actor_from_cookie() -> Actor | None:
    """The user of a valid kept login in this connection's cookie; a bad or revoked one is
    cleared from the browser."""
    token = st.context.cookies.get(COOKIE)
    if not isinstance(token, str) or not token:  # none kept (AppTest's stand-in client has no cookies)
        return None
    with session_scope(engine()) as session:
        actor = sessions.restore(session, token, get_settings())
    if actor is None:
        st.session_state[_PENDING] = ("clear", "")
    return actor
