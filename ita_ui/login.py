"""Who is using the app: the login box at the foot of the sidebar and the current actor."""

from __future__ import annotations

import streamlit as st

from ita_core.auth import ANONYMOUS, Actor, AuthError, authenticate
from ita_core.db import session_scope
from ita_core.labels import label_th
from ita_core.models import UserRole
from ita_core.settings import get_settings
from ita_ui.engine import engine


def current_actor() -> Actor:
    """The logged-in user, or the anonymous reader."""
    return st.session_state.get("actor", ANONYMOUS)


def login_box() -> Actor:
    """Login form (or the logged-in name and a logout button) at the foot of the sidebar."""
    actor = current_actor()
    box = st.sidebar.container(border=True)
    if actor is not ANONYMOUS:
        box.markdown(f"👤 **{actor.username}** · {label_th(actor.role, UserRole)}")
        if box.button("ออกจากระบบ", key="logout", width="stretch"):
            del st.session_state["actor"]
            st.rerun()
        return actor
    with box.form("login", clear_on_submit=False, border=False):
        username = st.text_input("ชื่อผู้ใช้", key="login_user")
        password = st.text_input("รหัสผ่าน", type="password", key="login_password")
        submitted = st.form_submit_button("เข้าสู่ระบบ", width="stretch")
    if submitted:
        error = None
        with session_scope(engine()) as session:  # commits the failed-login counter too
            try:
                st.session_state["actor"] = authenticate(session, username, password)
            except AuthError as exc:
                error = str(exc)
        if error:
            box.error(error)
        else:
            st.rerun()
    return ANONYMOUS


def require_reader() -> Actor:
    """Show the login box; stop the page for anonymous users when public reading is off."""
    actor = login_box()
    if actor is ANONYMOUS and not get_settings().public_read:
        st.info("กรุณาเข้าสู่ระบบเพื่อดูข้อมูล (ด้านซ้าย)")
        st.stop()
    return actor
