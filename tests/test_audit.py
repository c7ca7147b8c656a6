"""The audit trail on its own: how values are kept, which fields a change records, secrets masked."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlmodel import Session

from ita_core import audit
from ita_core.db import session_scope


def test_values_are_kept_as_text() -> None:
    assert audit.as_text(None) is None
    assert (audit.as_text(True), audit.as_text(False)) == ("true", "false")
    assert audit.as_text(date(2024, 3, 16)) == "2024-03-16"
    assert audit.as_text(30) == "30"


def test_only_changed_fields_are_recorded_and_secrets_are_masked(engine: Engine) -> None:
    with session_scope(engine) as session:
        audit.record_changes(session, actor="somchai", source="form", table="activity", row_id=3,
                             before={"progress": 0, "note": "เดิม", "done": False},
                             after={"progress": 30, "note": "เดิม", "done": "false"}, station_id=1)
        audit.record_changes(session, actor="admin", source="cli", table="app_user", row_id=7,
                             before={"password_hash": "old"}, after={"password_hash": "new"}, station_id=None)
    with Session(engine) as session:
        changes = audit.history(session, "activity", 3)
        secret = audit.history(session, "app_user", 7)
    assert changes[["field", "old", "new"]].values.tolist() == [["progress", "0", "30"]]
    assert secret[["old", "new"]].values.tolist() == [["***", "***"]]
