"""The audit trail: one row per changed field, written in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import or_
from sqlmodel import Session, col, select

from ita_core.models import AuditLog
from ita_core.settings import get_settings

EXPORT_COLUMNS = ["at", "user", "source", "table", "row_id", "field", "old", "new"]
SECRET_FIELDS = {"password_hash"}  # the trail says it changed, never what it was


def as_text(value: object) -> str | None:
    """How a value is kept in the trail: dates ISO, booleans as true/false, None as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def record(session: Session, *, actor: str, source: str, table: str, row_id: int, field: str,
           old: object, new: object, station_id: int | None) -> None:
    """Append one change to the trail (the caller's transaction commits it with the change)."""
    if field in SECRET_FIELDS:
        old, new = ("***" if old else None), "***"
    session.add(AuditLog(actor=actor, source=source, table_name=table, row_id=row_id, field=field,
                         old=as_text(old), new=as_text(new), station_id=station_id))


def record_changes(session: Session, *, actor: str, source: str, table: str, row_id: int,
                   before: dict[str, object], after: dict[str, object], station_id: int | None) -> None:
    """One trail row per field whose value differs between ``before`` and ``after``."""
    for field, new in after.items():
        old = before.get(field)
        if as_text(old) != as_text(new):
            record(session, actor=actor, source=source, table=table, row_id=row_id, field=field,
                   old=old, new=new, station_id=station_id)


def history(session: Session, table: str, row_id: int) -> pd.DataFrame:
    """A row's changes, newest first."""
    rows = session.exec(
        select(AuditLog).where(AuditLog.table_name == table, AuditLog.row_id == row_id)
        .order_by(col(AuditLog.id).desc())
    ).all()
    return _frame(rows)


def trail(session: Session, *, station_id: int | None = None, actor: str | None = None,
          table: str | None = None, source: str | None = None, since: date | None = None,
          until: date | None = None) -> pd.DataFrame:
    """The audit trail filtered, oldest first, with the export columns.

    A station's trail includes changes that belong to no station (logins and users).
    """
    query = select(AuditLog)
    if station_id is not None:
        query = query.where(or_(col(AuditLog.station_id) == station_id, col(AuditLog.station_id).is_(None)))
    if actor:
        query = query.where(AuditLog.actor == actor)
    if table:
        query = query.where(AuditLog.table_name == table)
    if source:
        query = query.where(AuditLog.source == source)
    zone = _zone()
    if since:
        query = query.where(AuditLog.at >= datetime.combine(since, time.min, tzinfo=zone))
    if until:
        query = query.where(AuditLog.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone))
    return _frame(session.exec(query.order_by(col(AuditLog.id))).all())


def _zone() -> ZoneInfo:
    """The station's clock (Asia/Bangkok unless ITA_TIMEZONE says otherwise)."""
    return ZoneInfo(get_settings().timezone)


def _frame(rows: Sequence[AuditLog]) -> pd.DataFrame:
    """Times on the station's clock without an offset, so a spreadsheet shows them as real
    date-times (BE in the Excel export) and nobody converts from UTC by hand."""
    zone = _zone()
    return pd.DataFrame(
        [{"at": r.at.astimezone(zone).replace(tzinfo=None), "user": r.actor, "source": r.source,
          "table": r.table_name, "row_id": r.row_id, "field": r.field, "old": r.old, "new": r.new}
         for r in rows],
        columns=EXPORT_COLUMNS,
    )
