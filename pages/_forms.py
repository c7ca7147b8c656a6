"""Forms that write: an officer's progress form with conflict handling, and row history.

Every save goes through ita_core.services via pages._shared.write. The version a user saw
is remembered per row, so a save after someone else's change becomes a conflict that shows
both values instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlmodel import Session

from ita_core import audit, services
from ita_core.auth import Actor
from ita_core.models import Status
from ita_core.recurring import KIND_TH
from ita_core.services import ConflictError
from ita_core.status import badge
from ita_core.thai_dates import format_be
from pages._shared import engine, write

STATUS_TH = {Status.NOT_STARTED: "ยังไม่เริ่ม", Status.IN_PROGRESS: "กำลังดำเนินการ", Status.DONE: "เสร็จแล้ว",
             Status.NOT_APPLICABLE: "ไม่เกี่ยวข้อง"}
FIELD_TH = {"status": "สถานะ", "progress": "ความคืบหน้า (%)", "note": "หมายเหตุ", "evidence_url": "ลิงก์หลักฐาน",
            "done": "ทำแล้ว"}


# select widgets of edit_form: value → Thai label
CHOICES: dict[str, dict[str, str]] = {
    "kind": {"person": "บุคคล", "position": "ตำแหน่ง", "group": "กลุ่ม"},
    "tool": {"EIT": "EIT · ผู้มีส่วนได้ส่วนเสียภายนอก", "IIT": "IIT · ผู้มีส่วนได้ส่วนเสียภายใน"},
    "duty_kind": {str(kind): label for kind, label in KIND_TH.items()},
}


def _seen(key: str, current: int) -> int:
    """The version the user saw when the form was last drawn (the current one on first draw)."""
    return st.session_state.get(f"seen_{key}", current)


def _save(actor: Actor, table: str, row_id: int, version: int, changes: dict[str, Any],
          ticks: list[tuple[int, int, bool]]) -> None:
    """Progress and component ticks in one transaction; a conflict is kept for the user."""
    key = f"{table}_{row_id}"

    def action(session: Session) -> None:
        if changes:
            services.update_progress(session, actor, table, row_id, version, changes)
        for component_id, component_version, done in ticks:
            services.set_component_done(session, actor, component_id, component_version, done)

    try:
        write(action)
    except ConflictError as conflict:
        st.session_state[f"conflict_{key}"] = (conflict, changes)
        st.rerun()


def progress_form(actor: Actor, row: pd.Series, components: pd.DataFrame) -> None:
    """Status, percent, note, evidence URL (and component checkboxes for OIT items) of one row."""
    table, key = row["kind"], f"{row['kind']}_{row['id']}"
    conflict = st.session_state.get(f"conflict_{key}")
    if conflict:
        _conflict_panel(actor, table, int(row["id"]), *conflict)
        return
    seen = _seen(key, int(row["version"]))
    component_seen = {int(c.id): _seen(f"c{c.id}", int(c.version)) for c in components.itertuples()}
    version_tag = f"{key}_v{row['version']}"  # widgets reset when the row changes underneath
    with st.form(f"form_{key}"):
        status = st.selectbox("สถานะ", list(STATUS_TH), index=list(STATUS_TH).index(row["status"]),
                              format_func=STATUS_TH.get, key=f"status_{version_tag}")
        progress = st.slider("ความคืบหน้า (%)", 0, 100, int(row["progress"]), step=5,
                             key=f"progress_{version_tag}")
        evidence = st.text_input("ลิงก์หลักฐาน (URL)", row["evidence_url"], placeholder="https://…",
                                 key=f"url_{version_tag}")
        note = st.text_area("หมายเหตุ", row["note"], height=80, key=f"note_{version_tag}")
        ticked = {
            int(c.id): st.checkbox(c.text, bool(c.done), key=f"tick_{c.id}_v{c.version}")
            for c in components.itertuples()
        }
        submitted = st.form_submit_button("💾 บันทึก", type="primary", width="stretch")
    if not submitted:
        st.session_state[f"seen_{key}"] = int(row["version"])
        for component in components.itertuples():
            st.session_state[f"seen_c{component.id}"] = int(component.version)
        return
    typed = {"status": status, "progress": progress, "evidence_url": evidence, "note": note}
    changes = {f: v for f, v in typed.items() if v != row[f]}
    ticks = [(cid, component_seen[cid], done) for cid, done in ticked.items()
             if done != bool(components.set_index("id").loc[cid, "done"])]
    if not changes and not ticks:
        st.info("ไม่มีการเปลี่ยนแปลง")
        return
    _save(actor, table, int(row["id"]), seen, changes, ticks)


def _conflict_panel(actor: Actor, table: str, row_id: int, conflict: ConflictError,
                    typed: dict[str, Any]) -> None:
    """Both values side by side; the user picks. Nothing typed is dropped silently."""
    key = f"{table}_{row_id}"
    st.warning("มีผู้อื่นแก้ไขรายการนี้หลังจากที่ท่านเปิดแบบฟอร์ม — โปรดเลือกค่าที่จะใช้")
    st.dataframe(pd.DataFrame([
        {"ช่อง": FIELD_TH.get(f, f), "ค่าล่าสุดในระบบ": conflict.theirs.get(f), "ค่าที่ท่านพิมพ์": typed.get(f)}
        for f in typed
    ]), hide_index=True, width="stretch")
    mine, theirs = st.columns(2)
    if mine.button("ใช้ค่าของฉัน (บันทึกทับ)", key=f"mine_{key}", type="primary", width="stretch"):
        del st.session_state[f"conflict_{key}"]
        _save(actor, table, row_id, conflict.current_version, typed, [])
    if theirs.button("ใช้ค่าล่าสุดในระบบ (ทิ้งค่าของฉัน)", key=f"theirs_{key}", width="stretch"):
        del st.session_state[f"conflict_{key}"]
        st.rerun()


def history_panel(table: str, row_id: int) -> None:
    """The row's changes from the audit trail, newest first."""
    with Session(engine()) as session:
        changes = audit.history(session, table, row_id)
    if changes.empty:
        st.caption("ยังไม่มีการแก้ไข")
        return
    changes["field"] = changes["field"].map(lambda f: FIELD_TH.get(f, f))
    st.dataframe(changes[["at", "user", "source", "field", "old", "new"]].rename(columns={
        "at": "เวลา", "user": "ผู้แก้ไข", "source": "ช่องทาง", "field": "ช่อง", "old": "ค่าเดิม",
        "new": "ค่าใหม่"}), hide_index=True, width="stretch")


def row_heading(row: pd.Series) -> str:
    """One line per row in lists: light, code, title, due date."""
    due = format_be(row["judged_due"]) if pd.notna(row["judged_due"]) else "ไม่มีกำหนดวัน"
    return f"{badge(row['light'])} · {row['ref']} {row['title'][:60]} · กำหนด {due}"


def edit_form(form_key: str, row: dict[str, Any], fields: dict[str, tuple[str, str]],
              save: Callable[[Session, int, dict[str, Any]], object]) -> None:
    """A form over ``fields`` ({name: (Thai label, widget)}) of one versioned row.

    Widgets: ``text``, ``area``, ``date``, ``number``, ``indicator`` and the selects of ``CHOICES``
    (``kind``, ``tool``, ``duty_kind``). On a conflict the other
    user's values and the typed ones are shown side by side, and the typed ones stay in the form.
    """
    seen = _seen(form_key, int(row["version"]))
    tag = f"{form_key}_v{row['version']}"
    with st.form(f"form_{form_key}"):
        typed = {name: field_widget(widget, label, row.get(name), f"{name}_{tag}")
                 for name, (label, widget) in fields.items()}
        submitted = st.form_submit_button("💾 บันทึก", type="primary")
    if not submitted:
        st.session_state[f"seen_{form_key}"] = int(row["version"])
        return
    changes = {name: value for name, value in typed.items() if value != row.get(name)}
    if not changes:
        st.info("ไม่มีการเปลี่ยนแปลง")
        return
    try:
        saved = write(lambda session: save(session, seen, changes), rerun=False)
    except ConflictError as conflict:
        st.warning("มีผู้อื่นแก้ไขรายการนี้หลังจากที่ท่านเปิดแบบฟอร์ม ค่าที่ท่านพิมพ์ยังอยู่ในแบบฟอร์ม "
                   "ตรวจสอบแล้วกดบันทึกอีกครั้งเพื่อบันทึกทับ")
        st.dataframe(pd.DataFrame([
            {"ช่อง": fields[f][0], "ค่าล่าสุดในระบบ": str(conflict.theirs.get(f)), "ค่าที่ท่านพิมพ์": str(v)}
            for f, v in changes.items()]), hide_index=True, width="stretch")
        st.session_state[f"seen_{form_key}"] = conflict.current_version
        return
    if saved is not None:
        for warning in getattr(saved, "warnings", []):
            st.warning(warning)
        st.session_state[f"seen_{form_key}"] = saved.version


def field_widget(widget: str, label: str, value: Any, key: str) -> Any:
    """One input of ``widget`` kind (see :func:`edit_form`) showing ``value``."""
    if widget == "number":
        return st.number_input(label, min_value=0, max_value=100_000, step=1, key=key,
                               value=None if value is None else int(value))
    if widget in CHOICES:
        options = CHOICES[widget]
        return st.selectbox(label, list(options), index=list(options).index(value) if value in options else 0,
                            format_func=options.get, key=key)
    if widget == "area":
        return st.text_area(label, value or "", key=key)
    if widget == "date":
        return st.date_input(label, value, format="DD/MM/YYYY", key=key)
    if widget == "indicator":
        return st.selectbox(label, list(range(1, 11)), index=int(value) - 1, key=key)
    return st.text_input(label, value or "", key=key)
