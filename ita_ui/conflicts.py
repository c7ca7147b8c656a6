"""One way every form remembers the version a user saw and meets someone else's change.

A form over versioned rows:

1. tags its widget keys with :func:`form_tag` — the row's key and the form's *round*, which
   advances only after a save or after the user chose the newer values, so nothing the user is
   typing is reset by a rerun, even when the row changed underneath (a key holding the row's
   version redrew the form empty and the save then found "no change");
2. compares what was typed with :func:`shown_values` (the values the round started with), so only
   the fields the user changed are saved and a field someone else changed is not put back;
3. calls :func:`conflict_panel` above the form: when its last save met a newer version, the panel
   shows "theirs" and "yours" side by side while the typed values stay in the form below;
4. after a draw that was not a save, calls :func:`keep_fresh`, which says when a row changed
   since the form was opened and offers its newer values (a new round) instead of wiping typing;
5. saves with :func:`save_versioned`, which looks up the versions seen: a ConflictError keeps
   the typed edits for the panel, whose "use mine" saves them over the newer version (so does a
   second submit of the form once the panel showed the newer values).

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
from ita_ui.writes import attempt, form_round, next_round

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
    """Remember the version of a row a form showed when its round began (kept until forgotten)."""
    st.session_state.setdefault(f"seen_{key}", _version(version))


def seen_version(key: str, current: Any) -> int | None:
    """The version the user saw when the form's round began (``current`` on the first draw)."""
    return st.session_state.get(f"seen_{key}", _version(current))


def forget_seen(key: str) -> None:
    """Forget the version and values seen and start the next round (after a save, or when the
    user took the newer values): the next draw shows the row as it is now, in fresh widgets."""
    st.session_state.pop(f"seen_{key}", None)
    st.session_state.pop(f"shown_{key}", None)
    next_round(key)


def form_tag(key: str, current: Any) -> str:
    """The widget-key suffix of a form over one row: ``{key}_r{round}``. It stays the same while
    the user types, whatever happens to the row, and remembers the version the round began with."""
    remember_seen(key, current)
    return f"{key}_r{form_round(key)}"


def shown_values(key: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values the form's round began with (``values`` at its first draw): the widgets show
    them and a save sends only the fields typed differently from them."""
    shown: dict[str, Any] = st.session_state.setdefault(f"shown_{key}", dict(values))
    return shown


CHANGED = "มีผู้อื่นแก้ไขรายการนี้หลังจากที่ท่านเปิดแบบฟอร์ม — ค่าที่ท่านพิมพ์ยังอยู่; ถ้าบันทึก จะแสดงค่าทั้งสองให้เลือก"
SHOW_NEWER = "🔄 แสดงค่าล่าสุด (ทิ้งค่าที่พิมพ์)"


def keep_fresh(current: Mapping[str, Any]) -> None:
    """After a draw that was not a save (``current``: ``{version key: version now stored}``): when
    a row changed since its round began, say so and offer its newer values; typing stays put."""
    changed = [key for key, version in current.items() if seen_version(key, version) != _version(version)]
    if not changed or any(_pending_over(key) for key in changed):
        return  # the conflict panel already shows both
    st.info(CHANGED)
    if st.button(SHOW_NEWER, key=f"fresh_{changed[0]}"):
        for key in current:
            forget_seen(key)
        st.rerun()


def _pending_over(key: str) -> bool:
    """Whether a conflict panel is waiting over the row ``key``."""
    return any(isinstance(value, Pending) and key in value.versions for value in st.session_state.values())


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
    and the page redraws with :func:`conflict_panel` above the form ``form``. A refused
    save (shown as errors) leaves the typed values in the form.
    """
    versions = {key: seen_version(key, current[key]) for key in edits}
    pending: Pending | None = st.session_state.pop(f"conflict_{form}", None)
    if pending is not None:  # the panel showed the newer values: this submit is the user's answer
        versions |= {key: version for key, version in pending.versions.items() if key in versions}
        if pending.conflicted in versions:
            versions[pending.conflicted] = pending.newer
    _save(form, save, edits, versions, success)


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


def conflict_panel(form: str, save: Save, label: Callable[[str, str], str]) -> None:
    """When the last save of ``form`` met a newer version, show both values side by side — "theirs"
    (stored now) and "yours" (typed) — and let the user choose: save theirs over with mine, or
    take theirs. The caller draws its form below as usual, so the typed values stay in its
    widgets (and may be changed and saved again). ``label(version key, field)`` names a field in Thai."""
    pending: Pending | None = st.session_state.get(f"conflict_{form}")
    if pending is None:
        return
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
