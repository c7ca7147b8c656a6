"""Notices in one wording everywhere: missing parts of a plan, no plan at all, a save's toast."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

NO_PLAN = "ยังไม่มีแผนในฐานข้อมูล ให้ผู้ดูแลรัน `ita init` หรือนำเข้าแผน"
ADMIN_ONLY = "หน้านี้สำหรับผู้ดูแลระบบ (admin)"

MISSING = {  # one wording per kind of data, the same on every page
    "oit": "ยังไม่มีข้อมูล OIT ในแผนปีนี้",
    "activities": "ยังไม่มีกิจกรรมในแผนปีนี้",
    "people": "ยังไม่มีรายชื่อผู้รับผิดชอบ",
    "phases": "ยังไม่มีปฏิทิน ITA ของปีนี้",
    "quotas": "ยังไม่มีโควตาผู้ตอบ",
    "scores": "ยังไม่มีคะแนน",
    "framework": "ยังไม่มีเกณฑ์การประเมินของปีงบประมาณนี้",
}


def notice_missing(what: str, detail: str = "", *, warn: bool = False) -> None:
    """Say that a part of the plan is missing (``MISSING``, then ``detail``: what it means or who
    adds it), so a page with partial data explains its empty spots instead of showing bare zeros.
    ``warn`` when the page's main result depends on it (the score page without survey scores)."""
    (st.warning if warn else st.info)(" ".join(filter(None, [MISSING[what], detail])))


def notice_missing_rows(rows: pd.DataFrame) -> None:
    """The notices for a plan without activities or without OIT items (a new station's first plan)."""
    for kind, what in (("activity", "activities"), ("oit_item", "oit")):
        if not (rows["kind"] == kind).any():
            notice_missing(what)


def flash(message: str, warnings: Sequence[str] = ()) -> None:
    """A toast (and a save's warnings) to show after the coming rerun (see :func:`show_flash`)."""
    st.session_state["flash"] = message
    if warnings:
        st.session_state["flash_warnings"] = list(warnings)


def show_flash() -> None:
    """The toast of a save that was followed by a rerun, and the warnings the save gave."""
    message = st.session_state.pop("flash", None)
    if message:
        st.toast(message, icon="✅")
    for warning in st.session_state.pop("flash_warnings", []):
        st.warning(warning)
