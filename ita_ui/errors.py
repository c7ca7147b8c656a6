"""Unexpected errors: users see a Thai message with a reference, the log gets the traceback."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

import streamlit as st

from ita_ui.login import current_actor

log = logging.getLogger("ita.web")

UNEXPECTED = "เกิดข้อผิดพลาดที่ไม่คาดคิด แจ้งผู้ดูแลระบบพร้อมรหัสอ้างอิง {ref}"


def run_safely(page: Callable[[], None], name: str) -> None:
    """Run a page so that a bug shows users a Thai message with a reference, never a traceback
    (which names files and code), and puts the traceback in the server log under that reference,
    where an admin finds it (``journalctl … | grep REF``).

    Streamlit's own control flow (st.rerun, st.stop, st.switch_page) raises ScriptControlException,
    a BaseException, so it passes through ``except Exception`` untouched (tested).
    """
    try:
        page()
    except Exception:
        ref = secrets.token_hex(4).upper()
        log.exception("unexpected error, reference %s, on page %s for user %s", ref, name,
                      current_actor().username)
        st.error(UNEXPECTED.format(ref=ref))
