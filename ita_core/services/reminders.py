"""The reminders' write: one ``ReminderSent`` row per digest sent (or tried) to one address.

The sending happens before, outside any transaction (``ita_core.remind.send``); this only records
who got what, when and how it went. The unique key (channel, address, day, digest hash) keeps the
same digest from going out twice on one day: a failed try may be recorded again (its row is
updated), a delivered one is refused.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from ita_core import audit
from ita_core.auth import Actor
from ita_core.models import Person, ReminderSent, Station
from ita_core.permissions import Action, require
from ita_core.services.core import Saved, ValidationFailed, _now, create_row

AUDITED = ("person_id", "channel", "address", "day", "digest_hash", "ok", "result")
CHANNELS = ("email", "line")
MAX_RESULT = 500


def sent_before(session: Session, *, channel: str, address: str, day: date,
                digest_hash: str) -> ReminderSent | None:
    """The record of this digest to this address on ``day``, if any."""
    return session.exec(select(ReminderSent).where(
        ReminderSent.channel == channel, ReminderSent.address == address, ReminderSent.day == day,
        ReminderSent.digest_hash == digest_hash)).first()


def record_reminder(session: Session, actor: Actor, *, station_id: int, person_id: int | None, channel: str,
                    address: str, day: date, digest_hash: str, ok: bool, result: str,
                    sent_at: datetime | None = None, source: str = "cli") -> Saved:
    """Record one sending; refused when this digest already reached this address on ``day``."""
    require(actor, Action.SEND_REMINDERS, station_id=station_id)
    if channel not in CHANNELS:
        raise ValidationFailed([f"ช่องทาง {channel!r} ไม่รู้จัก (email / line)"])
    if session.get(Station, station_id) is None:
        raise ValidationFailed([f"ไม่พบสถานี รหัส {station_id}"])
    person = session.get(Person, person_id) if person_id is not None else None
    if person_id is not None and (person is None or person.station_id != station_id):
        raise ValidationFailed([f"ไม่พบบุคคลรหัส {person_id} ในสถานีนี้"])
    row = sent_before(session, channel=channel, address=address, day=day, digest_hash=digest_hash)
    if row is not None and row.ok:
        raise ValidationFailed([f"ส่งแล้ววันนี้: {address} ({channel})"])
    if row is None:
        row = ReminderSent(station_id=station_id, person_id=person_id, channel=channel, address=address,
                           day=day, digest_hash=digest_hash, sent_at=sent_at or _now(), ok=ok,
                           result=result[:MAX_RESULT])
        return create_row(session, actor, row, AUDITED, source)
    before = {name: getattr(row, name) for name in AUDITED}
    row.sent_at, row.ok, row.result = sent_at or _now(), ok, result[:MAX_RESULT]
    session.add(row)
    session.flush()
    audit.record_changes(session, actor=actor.username, source=source, table="reminder_sent",
                         row_id=row.id or 0, before=before,
                         after={name: getattr(row, name) for name in AUDITED}, station_id=station_id)
    return Saved(row.id or 0, 1)
