"""A row's changes from the audit trail, newest first (the "history" toggle under a form)."""

from __future__ import annotations

import streamlit as st

from ita_core import audit
from ita_core.exports import in_words
from ita_ui.engine import reading
from ita_ui.forms import FIELD_TH


def history_panel(table: str, row_id: int) -> None:
    """The row's changes from the audit trail, newest first."""
    with reading() as session:
        changes = audit.history(session, table, row_id)
    if changes.empty:
        st.caption("ยังไม่มีการแก้ไข")
        return
    changes = in_words(changes, "audit", "th")  # sources and statuses in Thai words
    changes["field"] = changes["field"].map(lambda f: FIELD_TH.get(f, f))
    st.dataframe(changes[["at", "user", "source", "field", "old", "new"]].rename(columns={
        "at": "เวลา", "user": "ผู้แก้ไข", "source": "ช่องทาง", "field": "ช่อง", "old": "ค่าเดิม",
        "new": "ค่าใหม่"}), hide_index=True, width="stretch")
