"""One way every form remembers the version a user saw and meets someone else's change.

A form over versioned rows:

1. tags its widget keys with :func:`form_tag` — the version the user *saw*, so what was typed
   survives a rerun in which the row changed underneath (the keys stay the same until the form
   is saved or was drawn untouched);
2. calls :func:`conflict_panel` first: when its last save met a newer version, the panel shows
   "theirs" and "yours" side by side instead of the form, and nothing typed is dropped;
3. after a draw that was not a save, calls :func:`keep_fresh`, which remembers the versions
   shown and redraws at once when one changed, so an untouched form shows the new values;
4. saves with :func:`save_versioned`, which looks up the versions seen: a ConflictError keeps
   the typed edits for the panel, whose "use mine" saves them over the newer version.

Edits are grouped per versioned row: ``{version key: {field: typed value}}``, where the version
key is the row's key (``activity_3``, ``oit_component_12``, ``pub_5_2023-10-01``). A key of the
form ``{table}_{row id}`` is how a conflict of a multi-row form finds its row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from ita_core.services import ConflictError
from ita_core.services.writer import Writer
from ita_ui.notices import flash
from ita_ui.writes import attempt

Edits = dict[str, dict[str, Any]]  # version key → {field: the value the user typed}
Versions = dict[str, int | None]  # version key → the version the save changes (None: a new row)
Save = Callable[[Writer, Edits, Versions], object]  # writes edits over versions through the Writer

CONFLICT = "มีผู้อื่นแก้ไขรายการนี้หลังจากที่ท่านเปิดแบบฟอร์ม — โปรดเลือกค่าที่จะใช้"
THEIRS = "ค่าล่าสุดในระบบ"
YOURS = "ค่าที่ท่านพิมพ์"


def _version(value: Any) -> int | None:
    """A row version as int (pandas hands out numpy ints and NaN for "no row yet")."""
    return None if value is None or pd.isna(value) else int(value)


def remember_seen(key: str, version: Any) -> None:
    """Remember the version of a row a form showed (at each draw that was not a save)."""
    st.session_state[f"seen_{key}"] = _version(version)


def seen_version(key: str, current: Any) -> int | None:
    """The version the user saw when the form was last drawn (``current`` on the first draw)."""
    return st.session_state.get(f"seen_{key}", _version(current))


def forget_seen(key: str) -> None:
    """Forget the version seen (after a save): the next draw shows the row as it is now."""
    st.session_state.pop(f"seen_{key}", None)


def form_tag(key: str, current: Any) -> str:
    """The widget-key suffix of a form over one row: ``{key}_v{version seen}``."""
    return f"{key}_v{seen_version(key, current)}"


def keep_fresh(current: Mapping[str, Any]) -> None:
    """After a draw that was not a save: remember the versions now in the database (``{version
    key: version}``); when one differs from what the form showed, redraw so it shows them."""
    changed = False
    for key, version in current.items():
        changed |= seen_version(key, version) != _version(version)
        remember_seen(key, version)
    if changed:
        st.rerun()


@dataclass(frozen=True)
class Pending:
    """A save that met a newer version: what was typed, the versions it was saved over, which
    row someone else changed, that row's stored values and its newer version."""

    edits: Edits
    versions: Versions
    conflicted: str
    theirs: dict[str, Any]
    newer: int


def save_versioned(form: str, save: Save, edits: Edits, current: Mapping[str, Any], *,
                   success: str = "บันทึกแล้ว") -> None:
    """Save ``edits`` over the versions the user saw of their rows (``current``: the versions now
    in the database, for a row the form has not remembered yet), in one transaction.

    ``save(writer, edits, versions)`` makes the Writer calls. On success the page redraws with
    the saved rows, the toast and the result's warnings. On a ConflictError the edits are kept
    and the page redraws with :func:`conflict_panel` in place of the form ``form``. A refused
    save (shown as errors) leaves the typed values in the form.
    """
    _save(form, save, edits, {key: seen_version(key, current[key]) for key in edits}, success)


def _save(form: str, save: Save, edits: Edits, versions: Versions, success: str = "บันทึกแล้ว") -> None:
    """Save ``edits`` over ``versions`` (:func:`ita_ui.writes.attempt`); returns only when refused.

    On success the versions seen are forgotten, so the form redraws with the saved rows.
    """
    try:
        done, saved = attempt(lambda writer: save(writer, edits, versions))
    except ConflictError as conflict:
        key = f"{conflict.table}_{conflict.row_id}"
        key = key if key in edits else next(iter(edits))
        st.session_state[f"conflict_{form}"] = Pending(edits, dict(versions), key, dict(conflict.theirs),
                                                       conflict.current_version)
        st.rerun()
    if not done:
        return
    for key in versions:
        forget_seen(key)
    flash(success, list(getattr(saved, "warnings", [])))
    st.rerun()


def conflict_panel(form: str, save: Save, label: Callable[[str, str], str]) -> bool:
    """When the last save of ``form`` met a newer version, show both values side by side — "theirs"
    (stored now) and "yours" (typed) — and let the user choose: save theirs over with mine, or
    take theirs. True when the panel was shown (the caller then skips its form). ``label(version
    key, field)`` names a field in Thai."""
    pending: Pending | None = st.session_state.get(f"conflict_{form}")
    if pending is None:
        return False
    st.warning(CONFLICT)
    st.dataframe(pd.DataFrame([  # only the conflicted row has newer values of its own
        {"ช่อง": label(key, field),
         THEIRS: _text(pending.theirs.get(field) if key == pending.conflicted else None),
         YOURS: _text(value)}
        for key, fields in pending.edits.items() for field, value in fields.items()
    ]), hide_index=True, width="stretch")
    mine, theirs = st.columns(2)
    if mine.button("ใช้ค่าของฉัน (บันทึกทับ)", key=f"mine_{form}", type="primary", width="stretch"):
        del st.session_state[f"conflict_{form}"]
        _save(form, save, pending.edits, {**pending.versions, pending.conflicted: pending.newer})
        st.session_state[f"conflict_{form}"] = pending  # refused (errors shown): keep what was typed
    if theirs.button("ใช้ค่าล่าสุดในระบบ (ทิ้งค่าของฉัน)", key=f"theirs_{form}", width="stretch"):
        del st.session_state[f"conflict_{form}"]
        for key in pending.versions:
            forget_seen(key)
        st.rerun()
    return True


def by_field(names: Mapping[str, str]) -> Callable[[str, str], str]:
    """A ``label`` for :func:`conflict_panel` from one Thai name per field."""
    return lambda _key, field: names.get(field, field)


def _text(value: Any) -> str:
    """A value as the table shows it (booleans of a tick in Thai)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✔ ใช่" if value else "✘ ไม่"
    return str(value)
