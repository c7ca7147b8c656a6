"""Writer.record_reminder: a failed try is retried (its row updated), a delivered digest is never
recorded twice for the same address and day, and every change is in the audit trail."""

from datetime import date

import pytest
from sqlmodel import Session, select

from ita_core.auth import CLI
from ita_core.models import AuditLog, ReminderSent, Station
from ita_core.services import ValidationFailed
from ita_core.services.writer import Writer

DAY = date(2024, 3, 16)


def test_a_failed_try_is_retried_and_a_sent_digest_refused(session: Session, station: Station) -> None:
    writer = Writer(session, CLI, source="cli")
    first = writer.record_reminder(station_id=station.id, person_id=None, channel="email", address="a@b.co",
                                   day=DAY, digest_hash="h1", ok=False, result="timeout")
    again = writer.record_reminder(station_id=station.id, person_id=None, channel="email", address="a@b.co",
                                   day=DAY, digest_hash="h1", ok=True, result="ส่งแล้ว")
    assert again.row_id == first.row_id
    rows = session.exec(select(ReminderSent)).all()
    assert [(r.ok, r.result) for r in rows] == [(True, "ส่งแล้ว")]
    with pytest.raises(ValidationFailed) as refused:
        writer.record_reminder(station_id=station.id, person_id=None, channel="email", address="a@b.co",
                               day=DAY, digest_hash="h1", ok=True, result="ส่งแล้ว")
    assert refused.value.errors == ["ส่งแล้ววันนี้: a@b.co (email)"]
    trail = session.exec(select(AuditLog).where(AuditLog.table_name == "reminder_sent",
                                                AuditLog.field == "ok")).all()
    assert [(a.old, a.new, a.source) for a in trail] == [(None, "false", "cli"), ("false", "true", "cli")]


def test_an_unknown_channel_is_refused(session: Session, station: Station) -> None:
    with pytest.raises(ValidationFailed):
        Writer(session, CLI, source="cli").record_reminder(
            station_id=station.id, person_id=None, channel="fax", address="1", day=DAY, digest_hash="h",
            ok=True, result="")
