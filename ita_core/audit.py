"""The audit trail: one row per changed field, written in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from ita_core.models import AuditLog, OitComponent, OitItem, User
from ita_core.settings import get_settings

EXPORT_COLUMNS = ["at", "user", "source", "table", "row_id", "field", "old", "new"]
SECRET_FIELDS = {"password_hash"}  # the trail says it changed, never what it was
# station-less tables every station's plan is built from (the year's framework, fiscal years, indicator
# names): a change there shapes each station's year, so each station's trail shows it
SHARED_TABLES = ("fiscal_year", "indicator", "sub_indicator", "framework", "framework_indicator",
                 "framework_sub_indicator", "framework_phase", "oit_catalogue_item",
                 "oit_catalogue_component", "rating_band", "survey_minimum")


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


def trail(session: Session, *, station_id: int | None = None, central: bool = False, actor: str | None = None,
          table: str | None = None, source: str | None = None, since: date | None = None,
          until: date | None = None) -> pd.DataFrame:
    """The audit trail filtered, oldest first, with the export columns.

    A station's trail is what belongs to that station: its rows, its logins (their changes and
    failed logins, kept station-less), its OIT items' components (a component has no station of
    its own), and the shared framework its year is built from. ``central`` adds what belongs to
    no station at all (central and province logins): for central admins only, so a station admin
    never sees another station's logins or the guesses at them.
    """
    query = select(AuditLog)
    if station_id is not None:
        query = query.where(_of_station(station_id, central=central))
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


def _of_station(station_id: int, *, central: bool) -> ColumnElement[bool]:
    """The trail rows of one station (see :func:`trail`): a station-less row counts when it is of
    a login of the station, a component of one of its items, the station itself, or the shared
    framework; ``central`` adds the logins of no station and every other station-less table."""
    stationless = col(AuditLog.station_id).is_(None)
    table, row_id = col(AuditLog.table_name), col(AuditLog.row_id)
    holders = col(User.station_id) == station_id
    logins = select(User.id).where(or_(holders, col(User.station_id).is_(None)) if central else holders)
    components = (select(OitComponent.id).join(OitItem, col(OitComponent.item_id) == col(OitItem.id))
                  .where(OitItem.station_id == station_id))
    kept = ("app_user", "oit_component", "station")  # station-less tables whose rows have a station
    return or_(col(AuditLog.station_id) == station_id, and_(stationless, or_(
        and_(table == "app_user", row_id.in_(logins)),
        and_(table == "oit_component", row_id.in_(components)),
        and_(table == "station", row_id == station_id),
        table.not_in(kept) if central else table.in_(SHARED_TABLES),
    )))


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
