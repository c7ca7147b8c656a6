"""The one way pages write: Writer calls in one transaction, Thai errors, fresh reads after.

Every save goes through :class:`ita_core.services.writer.Writer` inside :func:`write`: the action
gets a Writer bound to the transaction's session, the logged-in actor and the source ``form``,
so pages never pass a session or an actor themselves, e.g.
``write(lambda w: w.save_activity(values=..., row_id=..., seen_version=...), "บันทึกแล้ว")``.
Forms over versioned rows use :mod:`ita_ui.conflicts` on top of it, so a save after someone
else's change shows both values instead of overwriting.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from ita_core.db import session_scope
from ita_core.permissions import PermissionDenied
from ita_core.services import ConflictError, ValidationFailed
from ita_core.services.writer import Writer
from ita_ui import loaders
from ita_ui.engine import engine
from ita_ui.login import current_actor
from ita_ui.notices import flash

T = TypeVar("T")
SOURCE = "form"  # the channel the audit trail records for every write from a page
log = logging.getLogger("ita.web")  # refused writes, in English with the Thai message the user saw

CONFLICT_ON_DELETE = "มีผู้อื่นแก้ไขรายการนี้ระหว่างนั้น จึงยังไม่ลบ — ตรวจสอบค่าล่าสุดแล้วกดลบอีกครั้ง"


def form_round(form_key: str) -> int:
    """Which round a form for new rows is in: its widget keys carry it, so after a save the next
    round starts empty, while a refused save leaves what was typed in place (unlike clear_on_submit)."""
    return st.session_state.get(f"round_{form_key}", 0)


def next_round(form_key: str) -> None:
    """Start the next, empty round of a form for new rows."""
    st.session_state[f"round_{form_key}"] = form_round(form_key) + 1


def write(action: Callable[[Writer], T], success: str = "บันทึกแล้ว", rerun: bool = True,
          new_form: str | None = None, deleting: bool = False) -> T | None:
    """Run ``action(writer)`` in one transaction; show Thai errors; refresh cached reads on success.

    With ``rerun`` the page redraws with the saved data and the toast shows after the redraw;
    without, the toast shows now and the result (warnings) goes back to the caller. A saved
    ``new_form`` starts its next round empty (see :func:`form_round`).
    ConflictError is re-raised so the form can show both values side by side
    (:func:`ita_ui.conflicts.save_versioned`); a delete (``deleting``) that meets one is simply
    not done, with a notice.
    """
    done, result = attempt(action, deleting=deleting)
    if not done:
        return None
    if new_form:
        next_round(new_form)
    if rerun:
        flash(success)
        st.rerun()
    st.toast(success, icon="✅")
    return result


def attempt(action: Callable[[Writer], T], *, deleting: bool = False) -> tuple[bool, T | None]:
    """The transaction of :func:`write` without its toast: (saved, the action's result). The action
    gets a :class:`Writer` of the current actor (source ``form``) bound to the transaction.
    Refusals are shown and logged; ConflictError is re-raised unless ``deleting``."""
    actor = current_actor()
    user = actor.username
    try:
        with session_scope(engine()) as session:
            result = action(Writer(session, actor, SOURCE))
    except ConflictError as exc:
        log.info("write by %s met a newer version: %s", user, exc)
        if not deleting:
            raise
        st.warning(CONFLICT_ON_DELETE)
        return False, None
    except ValidationFailed as exc:
        log.warning("write by %s refused, invalid input: %s", user, " | ".join(exc.errors))
        for error in exc.errors:
            st.error(error)
        return False, None
    except PermissionDenied as exc:
        log.warning("write by %s refused, not permitted: %s", user, exc)
        st.error(str(exc))
        return False, None
    loaders.clear()
    return True, result
