"""The database helpers: ids of stored rows, and a write transaction that is all-or-nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core.db import session_scope, stored_id
from ita_core.models import Station


def test_stored_id_refuses_a_row_never_flushed(session: Session) -> None:
    assert stored_id(session.exec(select(Station)).one()) == 1
    with pytest.raises(ValueError, match="Station has no id"):
        stored_id(Station(code="x", name_th="สภ.ทดสอบ"))


def test_session_scope_commits_or_rolls_back_everything(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        session.add(Station(code="rolled-back", name_th="สภ.ทดสอบ"))
        session.flush()
        raise RuntimeError("stop")
    with session_scope(engine) as session:
        session.add(Station(code="kept", name_th="สภ.ทดสอบ"))
    with Session(engine) as session:
        assert sorted(s.code for s in session.exec(select(Station))) == ["chiangmai", "kept"]
