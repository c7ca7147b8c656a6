"""The audit trail: one row per changed field, written in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from ita_core.models import AuditLog, OitComponent, OitItem, User
from ita_core.settings import get_settings

EXPORT_COLUMNS = ["at", "user", "source", "table", "row_id", "field", "old", "new"]
SelectT = TypeVar("SelectT", bound=SelectOfScalar[Any])
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


@dataclass(frozen=True)
class TrailFilter:
    """Which trail rows to read (see :func:`trail`); every field None or False: the whole trail."""

    station_id: int | None = None
    central: bool = False
    actor: str | None = None
    table: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class TrailPage:
    """One page of the trail, newest first; ``before_id`` is what asks for the next (older) page,
    None when this page is the last."""

    rows: pd.DataFrame
    before_id: int | None


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
    wanted = TrailFilter(station_id=station_id, central=central, actor=actor, table=table, source=source,
                         since=since, until=until)
    return _frame(session.exec(_filtered(select(AuditLog), wanted).order_by(col(AuditLog.id))).all())


def trail_page(session: Session, wanted: TrailFilter, *, before_id: int | None = None,
               limit: int = 200) -> TrailPage:
    """``limit`` trail rows older than ``before_id`` (the newest when None), newest first.

    Keyset pagination: each page starts below the last id shown, so reading page 1,000 of two
    million rows costs what page 1 does (an OFFSET would skip every earlier row again)."""
    # a station's own rows and its station-less ones are read apart, each down its (station_id, id)
    # index, and merged: as one OR, PostgreSQL walks the whole trail backwards to find old stations' rows
    arms: list[ColumnElement[bool] | None] = [None]
    if wanted.station_id is not None:
        arms = list(_station_arms(wanted.station_id, central=wanted.central))
    rows: list[AuditLog] = []
    for arm in arms:
        query = _filtered(select(AuditLog), wanted, station_clause=arm)
        if before_id is not None:
            query = query.where(col(AuditLog.id) < before_id)
        rows += session.exec(query.order_by(col(AuditLog.id).desc()).limit(limit + 1)).all()
    rows = sorted(rows, key=lambda row: row.id or 0, reverse=True)[:limit + 1]
    shown = rows[:limit]
    return TrailPage(_frame(shown), shown[-1].id if len(rows) > limit else None)


def trail_count(session: Session, wanted: TrailFilter) -> int:
    """How many trail rows match (the page shows one page of them at a time)."""
    query = _filtered(select(func.count()).select_from(AuditLog), wanted)
    return int(session.exec(query).one())


def trail_choices(session: Session, wanted: TrailFilter) -> dict[str, list[str]]:
    """The users, tables and sources found in a station's trail (``wanted``'s station and
    ``central`` only), sorted: the audit page's filter choices, read with DISTINCT, not the rows."""
    scope = TrailFilter(station_id=wanted.station_id, central=wanted.central)
    columns = {"user": col(AuditLog.actor), "table": col(AuditLog.table_name), "source": col(AuditLog.source)}
    return {name: sorted(session.exec(_filtered(select(column).distinct(), scope)).all())
            for name, column in columns.items()}


def _filtered(query: SelectT, wanted: TrailFilter, *,
              station_clause: ColumnElement[bool] | None = None) -> SelectT:
    """``query`` limited to the trail rows ``wanted`` asks for (``station_clause``: one arm of the
    station's scope instead of all of it)."""
    if station_clause is not None:
        query = query.where(station_clause)
    elif wanted.station_id is not None:
        query = query.where(_of_station(wanted.station_id, central=wanted.central))
    if wanted.actor:
        query = query.where(AuditLog.actor == wanted.actor)
    if wanted.table:
        query = query.where(AuditLog.table_name == wanted.table)
    if wanted.source:
        query = query.where(AuditLog.source == wanted.source)
    zone = _zone()
    if wanted.since:
        query = query.where(AuditLog.at >= datetime.combine(wanted.since, time.min, tzinfo=zone))
    if wanted.until:
        query = query.where(AuditLog.at < datetime.combine(wanted.until + timedelta(days=1), time.min,
                                                           tzinfo=zone))
    return query


def _of_station(station_id: int, *, central: bool) -> ColumnElement[bool]:
    """The trail rows of one station (see :func:`trail`): a station-less row counts when it is of
    a login of the station, a component of one of its items, the station itself, or the shared
    framework; ``central`` adds the logins of no station and every other station-less table."""
    return or_(*_station_arms(station_id, central=central))


def _station_arms(station_id: int, *, central: bool) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The two disjoint halves of :func:`_of_station`: the station's own rows, and its station-less ones."""
    stationless = col(AuditLog.station_id).is_(None)
    table, row_id = col(AuditLog.table_name), col(AuditLog.row_id)
    holders = col(User.station_id) == station_id
    logins = select(User.id).where(or_(holders, col(User.station_id).is_(None)) if central else holders)
    components = (select(OitComponent.id).join(OitItem, col(OitComponent.item_id) == col(OitItem.id))
                  .where(OitItem.station_id == station_id))
    kept = ("app_user", "oit_component", "station")  # station-less tables whose rows have a station
    return col(AuditLog.station_id) == station_id, and_(stationless, or_(
        and_(table == "app_user", row_id.in_(logins)),
        and_(table == "oit_component", row_id.in_(components)),
        and_(table == "station", row_id == station_id),
        table.not_in(kept) if central else table.in_(SHARED_TABLES),
    ))


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
