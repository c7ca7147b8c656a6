"""The shared machinery of the write path: errors, the versioned compare-and-set write, inserts
and deletes, each audited in the caller's transaction. Only the service modules call these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from urllib.parse import urlparse

from sqlalchemy import inspect, update
from sqlmodel import Session, SQLModel, col

from ita_core import audit, models
from ita_core.auth import Actor
from ita_core.db import stored_id
from ita_core.limits import clean_values
from ita_core.permissions import Action, require, require_station
from ita_core.thai_dates import fiscal_year_bounds

# the tables whose rows officers update and admins delete by name
TABLES: dict[str, type[models.Activity] | type[models.OitItem]] = {
    "activity": models.Activity, "oit_item": models.OitItem}

# the rows written with compare-and-set: an integer primary key (``id``; a framework's
# ``fiscal_year``) and an optimistic-lock ``version``
Versioned = (models.Activity | models.OitItem | models.OitComponent | models.Person | models.Phase
             | models.RecurringDuty | models.SurveyQuota | models.SurveyCount | models.Publication
             | models.ScoreInput | models.ScoreHistory | models.User | models.PlanIssue | models.Framework
             | models.RatingBand | models.FrameworkIndicator | models.FrameworkSubIndicator
             | models.CatalogueItem | models.CatalogueComponent | models.FrameworkPhase
             | models.SurveyMinimum)
VersionedT = TypeVar("VersionedT", bound=Versioned)


def table_name(model: type[SQLModel]) -> str:
    """The table of a model (SQLModel types ``__tablename__`` as a name or a function giving it)."""
    name = model.__tablename__
    return name if isinstance(name, str) else name()


class ValidationFailed(ValueError):
    """Input that cannot be stored; ``errors`` holds one Thai message per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class ConflictError(Exception):
    """The row changed since the user opened it. Both values are kept for the user to choose."""

    def __init__(self, table: str, row_id: int, current_version: int, theirs: dict[str, Any],
                 yours: dict[str, Any]) -> None:
        super().__init__(f"{table} {row_id} changed (now version {current_version})")
        self.table, self.row_id, self.current_version = table, row_id, current_version
        self.theirs, self.yours = theirs, yours


@dataclass
class Saved:
    """The outcome of a write: the row id, its new version and any warnings to show."""

    row_id: int
    version: int
    warnings: list[str] = field(default_factory=list)


def row_key(row: Versioned | models.Assignment) -> int:
    """The integer primary key of a stored row: its ``id``, or a framework's ``fiscal_year``."""
    return row.fiscal_year if isinstance(row, models.Framework) else stored_id(row)


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _valid_url(text: str) -> bool:
    parsed = urlparse(text)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and " " not in text


def _due_warning(fiscal_year: int, due: date | None) -> list[str]:
    start, end = fiscal_year_bounds(fiscal_year)
    if due is not None and not start <= due <= end:
        return [f"กำหนดเสร็จ {due.isoformat()} อยู่นอกปีงบประมาณ {fiscal_year} — ตรวจสอบอีกครั้ง"]
    return []


def _cleaned(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """The one text rule of :mod:`ita_core.limits`, applied to every value written (NFC, control
    characters dropped, length caps, station codes); raises ValidationFailed naming each field."""
    cleaned, errors = clean_values(table, values)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _snapshot(row: SQLModel, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}


def _write(session: Session, actor: Actor, model: type[VersionedT], row_id: int, expected_version: int | None,
           changes: dict[str, Any], source: str, *, at: datetime | None = None) -> Saved:
    """Compare-and-set one row, then audit each changed field. Raises ConflictError, also when
    ``expected_version`` is None (the user saw no row, yet there is one).

    ``at`` is the ``updated_at`` stamped on the row (default now); the audit trail always records
    the real time of the write."""
    table = table_name(model)
    row = session.get(model, row_id)
    if row is None or getattr(row, "deleted_at", None) is not None:
        raise ValidationFailed([f"ไม่พบรายการ {table} {row_id} (อาจถูกลบไปแล้ว)"])
    require_station(actor, getattr(row, "station_id", None))
    changes = _cleaned(table, changes)
    before = _snapshot(row, list(changes))
    if expected_version is None or row.version != expected_version:
        raise ConflictError(table, row_id, row.version, before, changes)
    stamp = {"updated_at": at or _now(), "updated_by": actor.username} if hasattr(model, "updated_by") else {}
    key = inspect(model).primary_key[0]  # ``id``, or ``fiscal_year`` of a framework
    result = session.exec(
        update(model).where(key == row_id, col(model.version) == expected_version)
        .values(**changes, **stamp, version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # someone committed between our read and our write
        session.expire(row)
        raise ConflictError(table, row_id, row.version, _snapshot(row, list(changes)), changes)
    session.expire(row)
    audit.record_changes(session, actor=actor.username, source=source, table=table, row_id=row_id,
                         before=before, after=changes, station_id=getattr(row, "station_id", None))
    return Saved(row_id, expected_version + 1)


def create_row(session: Session, actor: Actor, row: SQLModel, fields: tuple[str, ...], source: str, *,
               audit_id: int | None = None) -> Saved:
    """Insert a row and audit every field it was created with.

    ``audit_id`` is the trail's row id for a row whose key is not a number (a sub-indicator's code:
    the id of the framework row it was made from; ``fields`` then name the key)."""
    require_station(actor, getattr(row, "station_id", None))
    texts = {name: value for name in type(row).model_fields if isinstance(value := getattr(row, name), str)}
    for name, value in _cleaned(table_name(type(row)), texts).items():
        setattr(row, name, value)
    if hasattr(row, "updated_by"):
        row.updated_by, row.updated_at = actor.username, _now()
    session.add(row)
    session.flush()
    # the primary key: ``id``, or ``be_year`` of a fiscal year
    row_id = audit_id if audit_id is not None else inspect(row).identity[0]
    audit.record_changes(session, actor=actor.username, source=source, table=table_name(type(row)),
                         row_id=row_id, before={}, after=_snapshot(row, fields),
                         station_id=getattr(row, "station_id", None))
    return Saved(row_id, getattr(row, "version", 1))


def _row_as_seen(session: Session, actor: Actor, model: type[VersionedT], row_id: int, expected_version: int,
                fields: tuple[str, ...], missing: str, station_id: int | None = None) -> VersionedT:
    """The row about to be deleted, still as the user saw it: it exists (else ``missing``), it is of
    a station the user may write (its own ``station_id`` unless given), and nobody changed it since."""
    row = session.get(model, row_id)
    if row is None:
        raise ValidationFailed([missing])
    require_station(actor, station_id if station_id is not None else getattr(row, "station_id", None))
    if row.version != expected_version:
        raise ConflictError(table_name(model), row_id, row.version, _snapshot(row, fields), {})
    return row


def hard_delete(session: Session, actor: Actor, row: Versioned | models.Assignment, fields: tuple[str, ...],
                source: str, station_id: int | None) -> None:
    """Delete a row that has no soft delete; the trail keeps every value it had."""
    audit.record_changes(session, actor=actor.username, source=source, table=table_name(type(row)),
                         row_id=row_key(row),
                         before=_snapshot(row, fields), after=dict.fromkeys(fields), station_id=station_id)
    session.delete(row)


def _delete_as_seen(session: Session, actor: Actor, action: Action, model: type[VersionedT], row_id: int,
                    expected_version: int, fields: tuple[str, ...], source: str, *, missing: str,
                    station_id: int | None = None,
                    refuse: Callable[[VersionedT], str | None] | None = None) -> None:
    """The hard delete of a row the user saw (a quota, a recurring duty, a calendar step, a component):
    asks for ``action``, checks the row with :func:`_row_as_seen`, stops with the reason ``refuse``
    gives (if any), then deletes it with :func:`hard_delete`, the trail keeping every value of ``fields``."""
    require(actor, action)
    row = _row_as_seen(session, actor, model, row_id, expected_version, fields, missing, station_id)
    reason = refuse(row) if refuse is not None else None
    if reason:
        raise ValidationFailed([reason])
    hard_delete(session, actor, row, fields, source,
                station_id if station_id is not None else getattr(row, "station_id", None))


def _save_keyed(session: Session, actor: Actor, existing: Versioned | None, expected_version: int | None,
                changes: dict[str, Any], new_row: Callable[[], Versioned], fields: tuple[str, ...],
                source: str) -> Saved:
    """Insert the row of a natural key (item × month, quota × day, station × year) or update it.

    ``expected_version`` None means "I saw no row": if one exists meanwhile, that is a conflict.
    """
    if existing is None:
        return create_row(session, actor, new_row(), fields, source)
    if expected_version is None:
        raise ConflictError(table_name(type(existing)), row_key(existing), existing.version,
                            _snapshot(existing, list(changes)), changes)
    return _write(session, actor, type(existing), row_key(existing), expected_version, changes, source)


def _whole_number(value: Any, low: int, high: int) -> int | None:
    """``value`` as an int in [low, high], or None when it is not one (5.5, True and "ห้า" are not)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value.strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        return None
    if not isinstance(value, str) and number != value:
        return None
    return number if low <= number <= high else None


def _as_whole_numbers(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The checked numbers of ``values`` stored as plain ints (a form may give 60.0)."""
    return {k: (_whole_number(v, 0, 10**9) if k in names and v is not None else v) for k, v in values.items()}
