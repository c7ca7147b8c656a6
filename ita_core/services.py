"""The one write path. Every change — form, import, rollover, admin, CLI — goes through here.

Each function takes the acting user, checks the role (and station), validates, compares the
row version the user saw (optimistic locking: ``UPDATE … WHERE version = seen``), writes,
bumps the version and appends the audit trail, all in the caller's transaction. Callers wrap
one or many calls in ``db.session_scope`` so multi-row edits are all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import update
from sqlmodel import Session, SQLModel, select

from ita_core import audit
from ita_core.auth import Actor, AuthError, check_password_rules, has_admin, hash_password
from ita_core.models import (
    Activity,
    Assignment,
    DutyKind,
    FiscalYear,
    OitComponent,
    OitItem,
    Person,
    PersonKind,
    Phase,
    Publication,
    RecurringDuty,
    Role,
    ScoreHistory,
    ScoreInput,
    Station,
    Status,
    SurveyCount,
    SurveyQuota,
    User,
    UserRole,
)
from ita_core.oit_matrix import first_of_month, item_required_months
from ita_core.permissions import Action, PermissionDenied, require, require_assigned, require_station
from ita_core.thai_dates import fiscal_year_bounds, format_be_month

PROGRESS_FIELDS = ("status", "progress", "note", "evidence_url")
ACTIVITY_FIELDS = ("indicator", "issue", "activity", "output", "awareness", "due_date", "due_text",
                   "start_date", "cadence_text", "responsible_text")
OIT_FIELDS = ("sub_indicator", "group_heading", "title", "due_date", "due_text", "start_date",
              "rhythm_text", "responsible_text")
PERSON_FIELDS = ("name", "kind", "rank", "position", "variants", "note")
QUOTA_FIELDS = ("tool", "department", "min_respondents", "note")
DUTY_FIELDS = ("activity_id", "oit_item_id", "kind", "day", "interval_days", "start", "end", "text")
SURVEY_TOOLS = ("EIT", "IIT")
TABLES: dict[str, type[SQLModel]] = {"activity": Activity, "oit_item": OitItem}


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


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def require_admin(actor: Actor) -> None:
    """Transitional name for ``require(actor, Action.EDIT_PLAN)`` while imports.py is being split."""
    require(actor, Action.EDIT_PLAN)


# --- validation ----------------------------------------------------------------------------

def _valid_url(text: str) -> bool:
    parsed = urlparse(text)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and " " not in text


def validate_progress(table: str, values: dict[str, Any]) -> dict[str, Any]:
    """Check status, percent and evidence; return the cleaned values (done means 100 %)."""
    errors, clean = [], dict(values)
    if "status" in clean and clean["status"] not in set(Status):
        errors.append(f"สถานะ {clean['status']!r} ไม่ถูกต้อง")
    if "progress" in clean:
        try:
            clean["progress"] = int(clean["progress"])
        except (TypeError, ValueError):
            errors.append("ความคืบหน้าต้องเป็นตัวเลข 0–100")
        else:
            if not 0 <= clean["progress"] <= 100:
                errors.append("ความคืบหน้าต้องอยู่ระหว่าง 0 ถึง 100")
    if "evidence_url" in clean:
        clean["evidence_url"] = (clean["evidence_url"] or "").strip()
        if clean["evidence_url"] and not _valid_url(clean["evidence_url"]):
            errors.append("ลิงก์หลักฐานต้องขึ้นต้นด้วย http:// หรือ https:// และเป็นที่อยู่เว็บที่ถูกต้อง")
    if "note" in clean:
        clean["note"] = (clean["note"] or "").strip()
    if table == "oit_item" and clean.get("status") == Status.DONE and not clean.get("evidence_url"):
        errors.append("ข้อมูล OIT จะนับว่าเสร็จได้ต้องมีลิงก์หลักฐาน (ผู้ประเมินตรวจจากลิงก์)")
    if errors:
        raise ValidationFailed(errors)
    if clean.get("status") == Status.DONE:
        clean["progress"] = 100
    return clean


def _due_warning(fiscal_year: int, due: date | None) -> list[str]:
    start, end = fiscal_year_bounds(fiscal_year)
    if due is not None and not start <= due <= end:
        return [f"กำหนดเสร็จ {due.isoformat()} อยู่นอกปีงบประมาณ {fiscal_year} — ตรวจสอบอีกครั้ง"]
    return []


# --- generic versioned write ---------------------------------------------------------------

def _snapshot(row: SQLModel, fields: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}


def _write(session: Session, actor: Actor, model: type[SQLModel], row_id: int, expected_version: int,
           changes: dict[str, Any], source: str) -> Saved:
    """Compare-and-set one row, then audit each changed field. Raises ConflictError."""
    table = model.__tablename__
    row = session.get(model, row_id)
    if row is None or getattr(row, "deleted_at", None) is not None:
        raise ValidationFailed([f"ไม่พบรายการ {table} {row_id} (อาจถูกลบไปแล้ว)"])
    require_station(actor, getattr(row, "station_id", None))
    before = _snapshot(row, list(changes))
    if row.version != expected_version:
        raise ConflictError(table, row_id, row.version, before, changes)
    stamp = {"updated_at": _now(), "updated_by": actor.username} if hasattr(model, "updated_by") else {}
    result = session.execute(
        update(model).where(model.id == row_id, model.version == expected_version)
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


def create_row(session: Session, actor: Actor, row: SQLModel, fields: tuple[str, ...], source: str) -> Saved:
    """Insert a row and audit every field it was created with."""
    require_station(actor, getattr(row, "station_id", None))
    if hasattr(row, "updated_by"):
        row.updated_by, row.updated_at = actor.username, _now()
    session.add(row)
    session.flush()
    audit.record_changes(session, actor=actor.username, source=source, table=row.__tablename__,
                         row_id=row.id, before={}, after=_snapshot(row, fields),
                         station_id=getattr(row, "station_id", None))
    return Saved(row.id, getattr(row, "version", 1))


def _row_as_seen(session: Session, actor: Actor, model: type[SQLModel], row_id: int, expected_version: int,
                fields: tuple[str, ...], missing: str, station_id: int | None = None) -> SQLModel:
    """The row about to be deleted, still as the user saw it: it exists (else ``missing``), it is of
    a station the user may write (its own ``station_id`` unless given), and nobody changed it since."""
    row = session.get(model, row_id)
    if row is None:
        raise ValidationFailed([missing])
    require_station(actor, station_id if station_id is not None else getattr(row, "station_id", None))
    if row.version != expected_version:
        raise ConflictError(model.__tablename__, row_id, row.version, _snapshot(row, fields), {})
    return row


def hard_delete(session: Session, actor: Actor, row: SQLModel, fields: tuple[str, ...], source: str,
                 station_id: int | None) -> None:
    """Delete a row that has no soft delete; the trail keeps every value it had."""
    audit.record_changes(session, actor=actor.username, source=source, table=row.__tablename__, row_id=row.id,
                         before=_snapshot(row, fields), after=dict.fromkeys(fields), station_id=station_id)
    session.delete(row)


# --- officers: progress of their rows --------------------------------------------------------

def update_progress(session: Session, actor: Actor, table: str, row_id: int, expected_version: int,
                    changes: dict[str, Any], source: str = "form") -> Saved:
    """Status, percent, note and evidence URL of an activity or OIT item."""
    if table not in TABLES:
        raise ValidationFailed([f"ไม่รู้จักตาราง {table!r}"])
    unknown = set(changes) - set(PROGRESS_FIELDS)
    if unknown:
        raise PermissionDenied(f"แบบฟอร์มนี้แก้ได้เฉพาะสถานะ ความคืบหน้า หมายเหตุ และลิงก์หลักฐาน ({unknown})")
    require_assigned(session, actor, table=table, row_id=row_id)
    row = session.get(TABLES[table], row_id)
    merged = {**(_snapshot(row, PROGRESS_FIELDS) if row else {}), **changes}
    clean = validate_progress(table, merged)
    return _write(session, actor, TABLES[table], row_id, expected_version,
                  {k: clean[k] for k in {*changes, *(("progress",) if "status" in changes else ())}}, source)


def set_component_done(session: Session, actor: Actor, component_id: int, expected_version: int,
                       done: bool, source: str = "form") -> Saved:
    """Tick or untick one required component of an OIT item."""
    component = session.get(OitComponent, component_id)
    if component is None:
        raise ValidationFailed([f"ไม่พบองค์ประกอบ {component_id}"])
    require_assigned(session, actor, table="oit_item", row_id=component.item_id)
    item = session.get(OitItem, component.item_id)
    require_station(actor, item.station_id if item else None)
    return _write(session, actor, OitComponent, component_id, expected_version, {"done": bool(done)}, source)


# --- OIT publication matrix, survey counts, scores (issue 7) ----------------------------------

def _save_keyed(session: Session, actor: Actor, existing: SQLModel | None, expected_version: int | None,
                changes: dict[str, Any], new_row: Callable[[], SQLModel], fields: tuple[str, ...],
                source: str) -> Saved:
    """Insert the row of a natural key (item × month, quota × day, station × year) or update it.

    ``expected_version`` None means "I saw no row": if one exists meanwhile, that is a conflict.
    """
    if existing is None:
        return create_row(session, actor, new_row(), fields, source)
    if expected_version is None:
        raise ConflictError(existing.__tablename__, existing.id, existing.version,
                            _snapshot(existing, list(changes)), changes)
    return _write(session, actor, type(existing), existing.id, expected_version, changes, source)


def set_publication(session: Session, actor: Actor, item_id: int, month: date, done: bool, url: str,
                    expected_version: int | None = None, note: str = "", source: str = "form") -> Saved:
    """Tick (or untick) one cell of the OIT publication matrix: the item published for ``month``.

    Officers assigned to the item and admins may; a ticked cell needs the link of what was
    published (assessors check it), and only months the item's rhythm requires can be ticked.
    """
    item = session.get(OitItem, item_id)
    if item is None or item.deleted_at is not None:
        raise ValidationFailed([f"ไม่พบข้อมูล OIT รหัส {item_id}"])
    require_assigned(session, actor, table="oit_item", row_id=item_id)
    require_station(actor, item.station_id)
    month = first_of_month(month)
    url = (url or "").strip()
    errors = []
    if month not in item_required_months(session, item):
        errors.append(f"{item.code} ไม่ต้องเผยแพร่ในเดือน {format_be_month(month.year, month.month)} "
                      "ตามรอบที่กำหนดในแผน")
    if done and not url:
        errors.append(f"{item.code} เดือน {format_be_month(month.year, month.month)}: ต้องใส่ลิงก์ของข้อมูลที่"
                      "เผยแพร่ (ผู้ประเมินตรวจจากลิงก์)")
    if url and not _valid_url(url):
        errors.append("ลิงก์ต้องขึ้นต้นด้วย http:// หรือ https:// และเป็นที่อยู่เว็บที่ถูกต้อง")
    if errors:
        raise ValidationFailed(errors)
    existing = session.exec(select(Publication).where(Publication.item_id == item_id,
                                                      Publication.month == month)).first()
    changes = {"done": bool(done), "url": url, "note": (note or "").strip()}
    return _save_keyed(
        session, actor, existing, expected_version, changes,
        lambda: Publication(station_id=item.station_id, fiscal_year=item.fiscal_year, item_id=item_id,
                            month=month, **changes),
        ("item_id", "month", "done", "url", "note"), source)


def record_survey_count(session: Session, actor: Actor, quota_id: int, day: date, collected: Any,
                        expected_version: int | None = None, note: str = "", source: str = "form") -> Saved:
    """Respondents collected on ``day`` for one quota row (a second entry for the same day replaces
    the first). A day outside the tool's collection window is kept with a warning."""
    require(actor, Action.RECORD_SURVEY)
    quota = session.get(SurveyQuota, quota_id)
    if quota is None:
        raise ValidationFailed([f"ไม่พบโควตาผู้ตอบแบบวัด รหัส {quota_id}"])
    require_station(actor, quota.station_id)
    errors = []
    try:
        count = int(collected)
    except (TypeError, ValueError):
        count = -1
    if not 0 <= count <= 100_000:
        errors.append(f"{quota.tool} {quota.department}: จำนวนผู้ตอบต้องเป็นจำนวนเต็ม 0 ขึ้นไป (ได้รับ {collected!r})")
    start, end = fiscal_year_bounds(quota.fiscal_year)
    if not start <= day <= end:
        errors.append(f"วันที่ {day.isoformat()} อยู่นอกปีงบประมาณ {quota.fiscal_year}")
    if errors:
        raise ValidationFailed(errors)
    window = session.exec(select(Phase).where(Phase.station_id == quota.station_id,
                                              Phase.fiscal_year == quota.fiscal_year,
                                              Phase.kind == f"{quota.tool.lower()}_collection")).first()
    existing = session.exec(select(SurveyCount).where(SurveyCount.quota_id == quota_id,
                                                      SurveyCount.day == day)).first()
    changes = {"collected": count, "note": (note or "").strip()}
    saved = _save_keyed(
        session, actor, existing, expected_version, changes,
        lambda: SurveyCount(station_id=quota.station_id, fiscal_year=quota.fiscal_year, quota_id=quota_id,
                            day=day, **changes),
        ("quota_id", "day", "collected", "note"), source)
    if window is not None and not window.start <= day <= window.end:
        saved.warnings.append(f"วันที่ {day.isoformat()} อยู่นอกช่วงเก็บข้อมูล {quota.tool} "
                              f"({window.start.isoformat()} ถึง {window.end.isoformat()})")
    return saved


def _scores(values: dict[str, Any], fields: tuple[str, ...],
            required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Scores 0–100 (two decimals) or None; Thai errors name the field."""
    errors, clean = [], {}
    for name in fields:
        raw = values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if name in required:
                errors.append(f"ต้องระบุคะแนน {name.upper()}")
            clean[name] = None
            continue
        try:
            score = round(float(raw), 2)
        except (TypeError, ValueError):
            errors.append(f"คะแนน {name.upper()} ต้องเป็นตัวเลข (ได้รับ {raw!r})")
            continue
        if not 0 <= score <= 100:
            errors.append(f"คะแนน {name.upper()} ต้องอยู่ระหว่าง 0 ถึง 100 (ได้รับ {raw!r})")
        clean[name] = score
    if errors:
        raise ValidationFailed(errors)
    return clean


def save_score_input(session: Session, actor: Actor, station_id: int, fiscal_year: int,
                     values: dict[str, Any], expected_version: int | None = None,
                     source: str = "form") -> Saved:
    """The IIT and EIT scores the projection uses this year (entered by the secretary) and their basis."""
    require(actor, Action.RECORD_SURVEY, station_id=station_id)
    changes = {**_scores(values, ("iit", "eit")), "basis": (values.get("basis") or "").strip()}
    existing = session.exec(select(ScoreInput).where(ScoreInput.station_id == station_id,
                                                     ScoreInput.fiscal_year == fiscal_year)).first()
    return _save_keyed(session, actor, existing, expected_version, changes,
                       lambda: ScoreInput(station_id=station_id, fiscal_year=fiscal_year, **changes),
                       ("iit", "eit", "basis"), source)


def save_score_history(session: Session, actor: Actor, station_id: int, fiscal_year: Any,
                       values: dict[str, Any], expected_version: int | None = None,
                       source: str = "form") -> Saved:
    """A past year's real ITA result of a station (as the NACC published it). Admins only."""
    require(actor, Action.EDIT_RESULTS, station_id=station_id)
    try:
        year = int(fiscal_year)
    except (TypeError, ValueError):
        year = 0
    if not 2550 <= year <= 2700:
        raise ValidationFailed([f"ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2566 (ได้รับ {fiscal_year!r})"])
    changes = {**_scores(values, ("iit", "eit", "oit", "total"), required=("total",)),
               "note": (values.get("note") or "").strip()}
    existing = session.exec(select(ScoreHistory).where(ScoreHistory.station_id == station_id,
                                                       ScoreHistory.fiscal_year == year)).first()
    return _save_keyed(session, actor, existing, expected_version, changes,
                       lambda: ScoreHistory(station_id=station_id, fiscal_year=year, **changes),
                       ("fiscal_year", "iit", "eit", "oit", "total", "note"), source)


# --- admins: the plan itself ---------------------------------------------------------------

def save_activity(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
                  expected_version: int | None = None, source: str = "form", *, station_id: int | None = None,
                  fiscal_year: int | None = None) -> Saved:
    """Create (``row_id`` None, with station and year) or edit a row of the measures table."""
    require(actor, Action.EDIT_PLAN)
    errors = []
    if "indicator" in values and values["indicator"] not in range(1, 11):
        errors.append("ตัวชี้วัดต้องเป็นเลข 1–10")
    if row_id is None and not (values.get("activity") or "").strip():
        errors.append("ต้องระบุกิจกรรมที่จะดำเนินการ")
    if errors:
        raise ValidationFailed(errors)
    if row_id is None:
        seq = (session.exec(select(Activity.seq).where(Activity.station_id == station_id,
               Activity.fiscal_year == fiscal_year).order_by(Activity.seq.desc())).first() or 0) + 1
        row = Activity(station_id=station_id, fiscal_year=fiscal_year, seq=seq,
                       **{k: v for k, v in values.items() if k in ACTIVITY_FIELDS})
        saved = create_row(session, actor, row, ("seq", *ACTIVITY_FIELDS), source)
        year = fiscal_year
    else:
        saved = _write(session, actor, Activity, row_id, expected_version,
                       {k: v for k, v in values.items() if k in ACTIVITY_FIELDS}, source)
        year = session.get(Activity, row_id).fiscal_year
    saved.warnings = _due_warning(year, values.get("due_date"))
    return saved


def save_oit_item(session: Session, actor: Actor, row_id: int, expected_version: int,
                  values: dict[str, Any], source: str = "form") -> Saved:
    """Edit an OIT item's plan fields (the 25 items are fixed by the NACC: no create)."""
    require(actor, Action.EDIT_PLAN)
    saved = _write(session, actor, OitItem, row_id, expected_version,
                   {k: v for k, v in values.items() if k in OIT_FIELDS}, source)
    saved.warnings = _due_warning(session.get(OitItem, row_id).fiscal_year, values.get("due_date"))
    return saved


def delete_row(session: Session, actor: Actor, table: str, row_id: int, expected_version: int,
               source: str = "form") -> Saved:
    """Soft-delete an activity, OIT item or person: hidden everywhere, kept in the trail."""
    require(actor, Action.EDIT_PLAN)
    model = {**TABLES, "person": Person}.get(table)
    if model is None:
        raise ValidationFailed([f"ลบจากตาราง {table!r} ไม่ได้"])
    return _write(session, actor, model, row_id, expected_version, {"deleted_at": _now()}, source)


def save_component(session: Session, actor: Actor, item_id: int, text: str, component_id: int | None = None,
                   expected_version: int | None = None, source: str = "form") -> Saved:
    """Add a component to an OIT item, or change a component's text."""
    require(actor, Action.EDIT_PLAN)
    if not text.strip():
        raise ValidationFailed(["ข้อความองค์ประกอบว่างไม่ได้"])
    if component_id is not None:
        return _write(session, actor, OitComponent, component_id, expected_version, {"text": text.strip()},
                      source)
    seq = (session.exec(select(OitComponent.seq).where(OitComponent.item_id == item_id)
                        .order_by(OitComponent.seq.desc())).first() or 0) + 1
    return create_row(session, actor, OitComponent(item_id=item_id, seq=seq, text=text.strip()),
                   ("item_id", "seq", "text"), source)


def delete_component(session: Session, actor: Actor, component_id: int, expected_version: int,
                     source: str = "form") -> None:
    """Remove a component; its text stays in the audit trail."""
    require(actor, Action.EDIT_PLAN)
    fields = ("item_id", "seq", "text", "done")
    found = session.get(OitComponent, component_id)
    station = session.get(OitItem, found.item_id).station_id if found else None
    component = _row_as_seen(session, actor, OitComponent, component_id, expected_version, fields,
                            f"ไม่พบองค์ประกอบ {component_id}", station)
    hard_delete(session, actor, component, fields, source, station)


def save_person(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
                expected_version: int | None = None, source: str = "form", *,
                station_id: int | None = None) -> Saved:
    """Create or edit a person, position or group (with the spellings plans use for it)."""
    require(actor, Action.EDIT_PLAN)
    clean = {k: v for k, v in values.items() if k in PERSON_FIELDS}
    if "name" in clean and not str(clean["name"]).strip():
        raise ValidationFailed(["ชื่อว่างไม่ได้"])
    if "kind" in clean and clean["kind"] not in set(PersonKind):
        raise ValidationFailed([f"ประเภท {clean['kind']!r} ไม่ถูกต้อง (person / position / group)"])
    if row_id is None:
        return create_row(session, actor, Person(station_id=station_id, **clean), PERSON_FIELDS, source)
    return _write(session, actor, Person, row_id, expected_version, clean, source)


def add_assignment(session: Session, actor: Actor, person_id: int, role: str, *,
                   activity_id: int | None = None, oit_item_id: int | None = None, note: str = "",
                   source: str = "form") -> Saved:
    """Give a person or group a role on one activity or one OIT item."""
    require(actor, Action.EDIT_PLAN)
    if role not in set(Role):
        raise ValidationFailed([f"บทบาท {role!r} ไม่ถูกต้อง"])
    if (activity_id is None) == (oit_item_id is None):
        raise ValidationFailed(["ต้องเลือกกิจกรรมหรือข้อมูล OIT อย่างใดอย่างหนึ่ง"])
    target = session.get(Activity, activity_id) if activity_id else session.get(OitItem, oit_item_id)
    if target is None:
        raise ValidationFailed(["ไม่พบรายการที่จะมอบหมาย"])
    row = Assignment(station_id=target.station_id, fiscal_year=target.fiscal_year, person_id=person_id,
                     role=role, activity_id=activity_id, oit_item_id=oit_item_id, note=note)
    fields = ("person_id", "role", "activity_id", "oit_item_id", "note")
    return create_row(session, actor, row, fields, source)


def remove_assignment(session: Session, actor: Actor, assignment_id: int, source: str = "form") -> None:
    """Take a role away; the trail keeps who held it."""
    require(actor, Action.EDIT_PLAN)
    row = session.get(Assignment, assignment_id)
    if row is None:
        raise ValidationFailed([f"ไม่พบการมอบหมาย {assignment_id}"])
    require_station(actor, row.station_id)
    hard_delete(session, actor, row, ("person_id", "role", "activity_id", "oit_item_id", "note"), source,
                 row.station_id)


# --- admins: survey quotas and recurring duties -------------------------------------------------

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


def _check_quota(values: dict[str, Any]) -> list[str]:
    errors = []
    if "tool" in values and values["tool"] not in SURVEY_TOOLS:
        errors.append(f"เครื่องมือต้องเป็น EIT หรือ IIT (ได้รับ {values['tool']!r})")
    if "department" in values and not str(values["department"] or "").strip():
        errors.append("ต้องระบุฝ่าย (หรือ “รวมทั้งสถานี”)")
    if "min_respondents" in values and _whole_number(values["min_respondents"], 1, 100_000) is None:
        errors.append(f"จำนวนผู้ตอบขั้นต่ำต้องเป็นจำนวนเต็ม 1–100,000 (ได้รับ {values['min_respondents']!r})")
    return errors


def save_quota(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
               expected_version: int | None = None, source: str = "form", *, station_id: int | None = None,
               fiscal_year: int | None = None) -> Saved:
    """Create (``row_id`` None, with station and year) or edit a survey quota: the minimum number of
    EIT/IIT respondents of one department or of the whole station."""
    require(actor, Action.EDIT_PLAN)
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in QUOTA_FIELDS}
    errors = _check_quota(clean)
    current = session.get(SurveyQuota, row_id) if row_id is not None else None
    if row_id is not None and current is None:
        errors.append(f"ไม่พบโควตา รหัส {row_id}")
    if not errors:
        scope = (current.station_id, current.fiscal_year) if current else (station_id, fiscal_year)
        merged = {**(_snapshot(current, QUOTA_FIELDS) if current else {}), **clean}
        same = session.exec(select(SurveyQuota.id).where(
            SurveyQuota.station_id == scope[0], SurveyQuota.fiscal_year == scope[1],
            SurveyQuota.tool == merged.get("tool"), SurveyQuota.department == merged.get("department"),
            SurveyQuota.id != (row_id or -1))).first()
        if same is not None:
            errors.append(f"มีโควตา {merged.get('tool')} ของ “{merged.get('department')}” อยู่แล้ว — แก้แถวเดิมแทน")
    if errors:
        raise ValidationFailed(errors)
    clean = _as_whole_numbers(clean, ("min_respondents",))
    if current is None:
        if set(QUOTA_FIELDS[:3]) - set(clean):
            raise ValidationFailed(["โควตาใหม่ต้องมีเครื่องมือ ฝ่าย และจำนวนขั้นต่ำ"])
        row = SurveyQuota(station_id=station_id, fiscal_year=fiscal_year, **clean)
        return create_row(session, actor, row, QUOTA_FIELDS, source)
    return _write(session, actor, SurveyQuota, row_id, expected_version, clean, source)


def delete_quota(session: Session, actor: Actor, quota_id: int, expected_version: int,
                 source: str = "form") -> None:
    """Remove a quota nobody has counted against yet (counts keep their quota; the trail keeps it)."""
    require(actor, Action.EDIT_PLAN)
    quota = _row_as_seen(session, actor, SurveyQuota, quota_id, expected_version, QUOTA_FIELDS,
                        f"ไม่พบโควตา รหัส {quota_id}")
    if session.exec(select(SurveyCount.id).where(SurveyCount.quota_id == quota_id).limit(1)).first():
        raise ValidationFailed([f"โควตา {quota.tool} “{quota.department}” มีจำนวนผู้ตอบบันทึกไว้แล้ว จึงลบไม่ได้ "
                                "— แก้จำนวนขั้นต่ำแทน"])
    hard_delete(session, actor, quota, QUOTA_FIELDS, source, quota.station_id)


def _check_duty(values: dict[str, Any], fiscal_year: int) -> list[str]:
    """A duty's rhythm makes sense: a day of the month 1–31, an interval of days, dates in the year."""
    errors = []
    kind = values.get("kind")
    if kind not in set(DutyKind):
        errors.append(f"รอบการทำซ้ำ {kind!r} ไม่ถูกต้อง")
    if kind == DutyKind.DAY_OF_MONTH and _whole_number(values.get("day"), 1, 31) is None:
        errors.append(f"วันที่ของเดือนต้องเป็น 1–31 (ได้รับ {values.get('day')!r})")
    if kind == DutyKind.EVERY_N_DAYS and _whole_number(values.get("interval_days"), 1, 366) is None:
        errors.append(f"ทุกกี่วันต้องเป็นจำนวนเต็ม 1–366 (ได้รับ {values.get('interval_days')!r})")
    first, last = fiscal_year_bounds(fiscal_year)
    for name, label in (("start", "วันเริ่ม"), ("end", "วันสิ้นสุด")):
        day = values.get(name)
        if day is not None and not first <= day <= last:
            errors.append(f"{label} {day.isoformat()} อยู่นอกปีงบประมาณ {fiscal_year}")
    if values.get("start") and values.get("end") and values["start"] > values["end"]:
        errors.append("วันเริ่มต้องไม่หลังวันสิ้นสุด")
    return errors


def save_recurring_duty(session: Session, actor: Actor, values: dict[str, Any], row_id: int | None = None,
                        expected_version: int | None = None, source: str = "form") -> Saved:
    """Create (with ``activity_id`` or ``oit_item_id``) or edit a duty that repeats: a report on
    the 28th, at every month end, every N days or daily, optionally only from ``start`` to ``end``.
    A row without its own due date is judged by its next occurrence."""
    require(actor, Action.EDIT_PLAN)
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items() if k in DUTY_FIELDS}
    current = session.get(RecurringDuty, row_id) if row_id is not None else None
    if row_id is not None and current is None:
        raise ValidationFailed([f"ไม่พบรอบงาน รหัส {row_id}"])
    if current is None:
        if (clean.get("activity_id") is None) == (clean.get("oit_item_id") is None):
            raise ValidationFailed(["ต้องเลือกกิจกรรมหรือข้อมูล OIT อย่างใดอย่างหนึ่ง"])
        target = (session.get(Activity, clean["activity_id"]) if clean.get("activity_id")
                  else session.get(OitItem, clean["oit_item_id"]))
        if target is None:
            raise ValidationFailed(["ไม่พบรายการที่จะกำหนดรอบงาน"])
        scope = {"station_id": target.station_id, "fiscal_year": target.fiscal_year}
    else:
        # a duty stays on its row: only its rhythm changes
        clean = {k: v for k, v in clean.items() if k not in ("activity_id", "oit_item_id")}
        scope = {"station_id": current.station_id, "fiscal_year": current.fiscal_year}
    merged = {**(_snapshot(current, DUTY_FIELDS) if current else {}), **clean}
    errors = _check_duty(merged, scope["fiscal_year"])
    if errors:
        raise ValidationFailed(errors)
    clean = _as_whole_numbers(clean, ("day", "interval_days"))
    if current is None:
        return create_row(session, actor, RecurringDuty(**scope, **clean), DUTY_FIELDS, source)
    return _write(session, actor, RecurringDuty, row_id, expected_version, clean, source)


def delete_recurring_duty(session: Session, actor: Actor, duty_id: int, expected_version: int,
                          source: str = "form") -> None:
    """Remove a recurring duty; the trail keeps its rhythm."""
    require(actor, Action.EDIT_PLAN)
    duty = _row_as_seen(session, actor, RecurringDuty, duty_id, expected_version, DUTY_FIELDS,
                       f"ไม่พบรอบงาน รหัส {duty_id}")
    hard_delete(session, actor, duty, DUTY_FIELDS, source, duty.station_id)


# --- stations ---------------------------------------------------------------------------------

def check_fiscal_year(be_year: int) -> None:
    """Refuse a year that cannot be a BE fiscal year (a CE year typed by mistake, a typo).

    The one rule for which years a plan may open, for the web import page, ``ita import``,
    ``ita init --from-plan`` and rollover alike: :func:`ensure_fiscal_year` checks it before it
    writes, and ``imports.import_year`` before the CLI previews a file.
    """
    if not 2500 <= be_year <= 2700:
        raise ValidationFailed([f"ปีงบประมาณ {be_year} ไม่ใช่ปี พ.ศ. ที่ใช้ได้ (เช่น 2568)"])


def ensure_fiscal_year(session: Session, be_year: int) -> None:
    """The shared fiscal-year row a first plan of ``be_year`` needs (1 Oct – 30 Sep).

    Reference data, the same for every station, so it carries no version or audit entry; it is
    called inside a write (import, rollover) that has already checked the user's role.
    """
    check_fiscal_year(be_year)
    if session.get(FiscalYear, be_year) is None:
        start, end = fiscal_year_bounds(be_year)
        session.add(FiscalYear(be_year=be_year, start=start, end=end))
        session.flush()


def create_station(session: Session, actor: Actor, code: str, name_th: str, province: str = "",
                   source: str = "form") -> Saved:
    """Add a station (an admin not tied to one station: region or system administrator)."""
    require(actor, Action.ADD_STATION)
    errors = []
    if not code.strip() or not name_th.strip():
        errors.append("ต้องระบุรหัสและชื่อสถานี")
    if session.exec(select(Station.id).where(Station.code == code.strip())).first() is not None:
        errors.append(f"มีสถานีรหัส {code!r} แล้ว")
    if errors:
        raise ValidationFailed(errors)
    row = Station(code=code.strip(), name_th=name_th.strip(), province=province.strip())
    return create_row(session, actor, row, ("code", "name_th", "province"), source)


# --- users -----------------------------------------------------------------------------------

def create_user(session: Session, actor: Actor | None, username: str, password: str, role: str, *,
                person_id: int | None = None, station_id: int | None = None, can_edit_all: bool = False,
                province: str | None = None, source: str = "form") -> Saved:
    """Add a login. ``actor`` None is the one-time first-admin setup (only while no admin exists).

    ``station_id`` ties the login to one station; ``province`` (without a station) makes it a
    province office login that sees and, as admin, edits every station of that province.
    """
    if actor is None:
        if has_admin(session) or role != UserRole.ADMIN:
            raise PermissionDenied("ตั้งค่าผู้ดูแลระบบคนแรกได้ครั้งเดียว")
        actor = Actor(username or "setup", UserRole.ADMIN)
    require(actor, Action.MANAGE_USERS)
    errors = []
    if not username.strip():
        errors.append("ต้องระบุชื่อผู้ใช้")
    if role not in set(UserRole):
        errors.append(f"บทบาท {role!r} ไม่ถูกต้อง (viewer / officer / admin)")
    if session.exec(select(User.id).where(User.username == username.strip())).first() is not None:
        errors.append(f"มีชื่อผู้ใช้ {username!r} แล้ว")
    try:
        check_password_rules(password)
    except AuthError as exc:
        errors.append(str(exc))
    if errors:
        raise ValidationFailed(errors)
    user = User(username=username.strip(), password_hash=hash_password(password), role=role,
                person_id=person_id, station_id=station_id, can_edit_all=can_edit_all,
                province=province or None)
    fields = ("username", "role", "person_id", "station_id", "province", "can_edit_all")
    return create_row(session, actor, user, fields, source)


def update_user(session: Session, actor: Actor, user_id: int, expected_version: int,
                values: dict[str, Any], source: str = "form") -> Saved:
    """Change a login's role, person, station, rights, active flag or password (hashed)."""
    require(actor, Action.MANAGE_USERS)
    allowed = {"role", "person_id", "station_id", "can_edit_all", "active", "password"}
    changes = {k: v for k, v in values.items() if k in allowed}
    if "role" in changes and changes["role"] not in set(UserRole):
        raise ValidationFailed([f"บทบาท {changes['role']!r} ไม่ถูกต้อง"])
    if "password" in changes:
        try:
            check_password_rules(changes["password"])
        except AuthError as exc:
            raise ValidationFailed([str(exc)]) from exc
        changes["password_hash"] = hash_password(changes.pop("password"))
    return _write(session, actor, User, user_id, expected_version, changes, source)
