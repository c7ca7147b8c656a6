"""Forms that write: an officer's progress form, the generic edit and new-row forms of one plan row
(and the select that picks between them), and the widgets they draw.

Every save goes through the Writer (:mod:`ita_ui.writes`) via
:func:`ita_ui.conflicts.save_versioned`: the version a user saw is remembered per row, so a save
after someone else's change shows both values (the conflict panel) instead of overwriting, and
nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from sqlmodel import SQLModel

from ita_core.labels import DUTY_KIND_TH, PERSON_KIND_TH, RHYTHM_TH, STATUS_TH
from ita_core.meeting import markdown_text
from ita_core.services.writer import Writer
from ita_core.status import badge
from ita_core.thai_dates import format_be
from ita_ui.conflicts import (
    Edits,
    Versions,
    conflict_panel,
    form_tag,
    keep_fresh,
    save_versioned,
    shown_values,
)
from ita_ui.dates import be_date_input
from ita_ui.writes import form_round, write

T = TypeVar("T")
R = TypeVar("R", bound=SQLModel)  # a stored row the admin forms edit

FIELD_TH = {"status": "สถานะ", "progress": "ความคืบหน้า (%)", "note": "หมายเหตุ", "evidence_url": "ลิงก์หลักฐาน",
            "done": "ทำแล้ว"}
NO_CHANGE = "ไม่มีการเปลี่ยนแปลง"

# select widgets of edit_form: value → Thai label
CHOICES: dict[str, dict[str, str]] = {
    "kind": {str(kind): label for kind, label in PERSON_KIND_TH.items()},
    "tool": {"EIT": "EIT · ผู้มีส่วนได้ส่วนเสียภายนอก", "IIT": "IIT · ผู้มีส่วนได้ส่วนเสียภายใน"},
    "duty_kind": {str(kind): label for kind, label in DUTY_KIND_TH.items()},
    "rhythm": {str(rhythm): label for rhythm, label in RHYTHM_TH.items()},
    "scheme": {"rating": "ระดับผล (ผ่านดีเยี่ยม … ต้องปรับปรุงโดยด่วน)", "letter": "เกรด AA–F (ก่อนปี 2566)"},
}


def pick_row(label: str, rows: Mapping[int, T], *, key: str, new_label: str,
             describe: Callable[[T], str]) -> int | None:
    """A select of the stored rows with "➕ add" first: the id chosen, or None for a new row."""
    return st.selectbox(label, [None, *rows], key=key,
                        format_func=lambda i: new_label if i is None else describe(rows[i]))


def new_row_form(form_key: str, fields: Mapping[str, tuple[str, str]], *, submit: str, success: str,
                 save: Callable[[Writer, dict[str, Any]], object]) -> None:
    """A form for one new row: a widget per field (see :func:`field_widget`), saved through the
    Writer. Its keys carry the form's round, so a refused save keeps what was typed and a saved one
    starts empty (:func:`ita_ui.writes.form_round`)."""
    turn = form_round(form_key)
    with st.form(f"{form_key}_{turn}", enter_to_submit=False):
        values = {name: field_widget(widget, label, None, f"{form_key}_{name}_{turn}")
                  for name, (label, widget) in fields.items()}
        if st.form_submit_button(submit, type="primary"):
            write(lambda w: save(w, values), success, new_form=form_key)


def row_editor(name: str, rows: Mapping[int, R], *, label: str, new_label: str, describe: Callable[[R], str],
               fields: dict[str, tuple[str, str]], submit: str, success: str, save: Callable[..., object],
               scope: Mapping[str, int], new_fields: Mapping[str, tuple[str, str]] | None = None) -> R | None:
    """Pick one of ``rows`` (by id) to edit, or "➕ add" for a new one, and show its form: the
    edit form of :func:`edit_form` or the new-row form of :func:`new_row_form` (``new_fields``,
    default ``fields``). Both save through the Writer method ``save`` (``Writer.save_activity``,
    ``Writer.save_quota`` …): a new row with its ``scope`` (station, year), an edit with the row id
    and the version seen. Widget keys: ``edit_{name}`` (the select), ``new_{name}``, ``{name}_{id}``.

    Returns the row being edited (None while adding), for what only that table shows below its
    form (a delete button, recurring duties)."""
    chosen = pick_row(label, rows, key=f"edit_{name}", new_label=new_label, describe=describe)
    if chosen is None:
        new_row_form(f"new_{name}", fields if new_fields is None else new_fields, submit=submit,
                     success=success, save=lambda w, values: save(w, values=values, **scope))
        return None
    edit_form(f"{name}_{chosen}", rows[chosen].model_dump(), fields,
              lambda w, version, changes: save(w, values=changes, row_id=chosen, seen_version=version))
    return rows[chosen]


def component_key(component_id: int) -> str:
    """The version key of an OIT component (its table and id, as ConflictError names it)."""
    return f"oit_component_{component_id}"


def component_checkbox(label: str, component: Any, prefix: str) -> bool:
    """A component's tick, keyed ``{prefix}_{component key}_r{round}`` (see
    :func:`ita_ui.conflicts.form_tag`), showing the tick its round began with."""
    key = component_key(component.id)
    tag = form_tag(key, component.version)  # the label is Markdown: the component's text is escaped
    return st.checkbox(markdown_text(label), component_done(component), key=f"{prefix}_{tag}")


def component_done(component: Any) -> bool:
    """A component's tick as its form's round began (what a save compares the typed tick with)."""
    return bool(shown_values(component_key(component.id), {"done": bool(component.done)})["done"])


def save_component_ticks(writer: Writer, edits: Edits, versions: Versions) -> None:
    """The changed component ticks of ``edits`` (keys of :func:`component_key`)."""
    for key, fields in edits.items():
        if key.startswith("oit_component_"):
            component_id = int(key.removeprefix("oit_component_"))
            writer.set_component_done(component_id=component_id, seen_version=versions[key],
                                      done=fields["done"])


def progress_form(row: pd.Series, components: pd.DataFrame) -> None:
    """Status, percent, note, evidence URL (and component checkboxes for OIT items) of one row,
    saved in one transaction as the logged-in user (the Writer of :mod:`ita_ui.writes`)."""
    table, key, row_id = row["kind"], f"{row['kind']}_{row['id']}", int(row["id"])
    current = {key: row["version"], **{component_key(c.id): c.version for c in components.itertuples()}}
    texts = {component_key(c.id): c.text for c in components.itertuples()}

    def save(writer: Writer, edits: Edits, versions: Versions) -> None:
        if key in edits:
            writer.update_progress(table=table, row_id=row_id, seen_version=versions[key],
                                   values=edits[key])
        save_component_ticks(writer, edits, versions)

    def label(version_key: str, field: str) -> str:
        return f"องค์ประกอบ: {texts[version_key]}" if version_key in texts else FIELD_TH.get(field, field)

    conflict_panel(key, save, label)
    tag = form_tag(key, row["version"])  # the same keys while the user types, until a save or "show newer"
    shown = shown_values(key, {f: row[f] for f in FIELD_TH if f != "done"})
    with st.form(f"form_{key}", enter_to_submit=False):
        status = st.selectbox("สถานะ", list(STATUS_TH), index=list(STATUS_TH).index(shown["status"]),
                              format_func=STATUS_TH.get, key=f"status_{tag}")
        progress = progress_steps(int(shown["progress"]), key=f"progress_{tag}")
        evidence = st.text_input("ลิงก์หลักฐาน (URL)", shown["evidence_url"], placeholder="https://…",
                                 key=f"url_{tag}")
        note = st.text_area("หมายเหตุ", shown["note"], height=80, key=f"note_{tag}")
        ticked = {component_key(c.id): component_checkbox(c.text, c, "tick") for c in components.itertuples()}
        submitted = st.form_submit_button("💾 บันทึก", type="primary", width="stretch")
    if not submitted:
        keep_fresh(current)
        return
    typed = {"status": status, "progress": progress, "evidence_url": evidence, "note": note}
    edits: Edits = {}
    if changes := {f: v for f, v in typed.items() if v != shown[f]}:
        edits[key] = changes
    done_now = {component_key(c.id): component_done(c) for c in components.itertuples()}
    edits |= {k: {"done": done} for k, done in ticked.items() if done != done_now[k]}
    if not edits:
        st.info(NO_CHANGE)
        return
    save_versioned(key, save, edits, current)


PROGRESS_STEPS = (0, 25, 50, 75, 100)


def progress_steps(current: int, *, key: str) -> int:
    """Percent done as five big buttons (0/25/50/75/100) a thumb hits on a phone, where a slider's
    12 px handle had to be dragged. A stored value between the steps (an imported 30) is kept as
    its own button, so opening the form never changes it."""
    options = sorted({*PROGRESS_STEPS, current})
    chosen = st.segmented_control("ความคืบหน้า (%)", options, default=current, required=True, key=key,
                                  width="stretch")  # bare numbers: five fit a phone's form
    return current if chosen is None else int(chosen)


def row_heading(row: pd.Series) -> str:
    """One line per row in lists: light, code, title (escaped: the plan's text shown as typed), due date."""
    due = format_be(row["judged_due"]) if pd.notna(row["judged_due"]) else "ไม่มีกำหนดวัน"
    title = markdown_text(row["title"][:60])
    return f"{badge(row['light'])} · {markdown_text(row['ref'])} {title} · กำหนด {due}"


def edit_form(form_key: str, row: dict[str, Any], fields: dict[str, tuple[str, str]],
              save: Callable[[Writer, int | None, dict[str, Any]], object]) -> None:
    """A form over ``fields`` ({name: (Thai label, widget)}) of one versioned row; ``save(writer,
    version seen, changed fields)`` writes it through the Writer (:mod:`ita_ui.writes`).

    Widgets: ``text``, ``area``, ``date``, ``number``, ``score`` (0–100 with decimals, may stay
    empty), ``indicator`` and the selects of ``CHOICES`` (``kind``, ``tool``, ``duty_kind``,
    ``rhythm``, ``scheme``). On a conflict the other user's values and the typed ones
    are shown side by side above the form, which keeps them (:func:`ita_ui.conflicts.conflict_panel`).
    """
    def save_edits(writer: Writer, edits: Edits, versions: Versions) -> object:
        return save(writer, versions[form_key], edits[form_key])

    conflict_panel(form_key, save_edits, lambda _key, field: fields[field][0])
    tag = form_tag(form_key, row["version"])  # the same keys while the user types, until a save
    shown = shown_values(form_key, {name: row.get(name) for name in fields})
    with st.form(f"form_{form_key}", enter_to_submit=False):
        typed = {name: field_widget(widget, label, shown[name], f"{name}_{tag}")
                 for name, (label, widget) in fields.items()}
        submitted = st.form_submit_button("💾 บันทึก", type="primary")
    if not submitted:
        keep_fresh({form_key: row["version"]})
        return
    changes = {name: value for name, value in typed.items() if value != shown[name]}
    if not changes:
        st.info(NO_CHANGE)
        return
    save_versioned(form_key, save_edits, {form_key: changes}, {form_key: row["version"]})


def field_widget(widget: str, label: str, value: Any, key: str) -> Any:
    """One input of ``widget`` kind (see :func:`edit_form`) showing ``value``."""
    if widget == "number":
        return st.number_input(label, min_value=0, max_value=100_000, step=1, key=key,
                               value=None if value is None else int(value))
    if widget == "score":  # weights, pass marks, band bounds: a score out of 100, empty means none
        return st.number_input(label, min_value=0.0, max_value=100.0, step=0.5, format="%.2f", key=key,
                               value=None if value is None else float(value))
    if widget in CHOICES:
        options = CHOICES[widget]
        return st.selectbox(label, list(options), index=list(options).index(value) if value in options else 0,
                            format_func=options.get, key=key)
    if widget == "area":
        return st.text_area(label, value or "", key=key)
    if widget == "date":  # day, Thai month, BE year (Streamlit's picker shows Gregorian only)
        return be_date_input(label, value=value, key=key, allow_empty=True, in_form=True)
    if widget == "indicator":
        return st.selectbox(label, list(range(1, 11)), index=int(value) - 1 if value else 0, key=key)
    return st.text_input(label, value or "", key=key)
