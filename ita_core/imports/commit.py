"""Applying an approved preview through the services write path, all or nothing.

The file is read again inside the caller's write transaction and refused when its preview moved
since the user saw it. Every row is written by ``ita_core.services`` (validated and audited,
source "import"). Imports add and change rows; they never delete a row or take a
responsibility away.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from ita_core import services
from ita_core.auth import Actor
from ita_core.db import stored_id
from ita_core.imports.model import CommitResult, Preview, RowPlan
from ita_core.imports.read import preview
from ita_core.models import Assignment, AssignmentRole, Person, PersonKind, Status
from ita_core.people import normalise_name
from ita_core.permissions import Action, require
from ita_core.services.writer import Writer
from ita_core.settings import Settings

SOURCE = "import"
# the trail's source of an import that kept due dates outside the year ± 1 because the admin ticked
# "dates outside the year are intended": who accepted those dates stays visible in the audit
SOURCE_DATES_INTENDED = "import-dates-outside-year"


def commit(session: Session, actor: Actor, data: bytes, file_name: str, *, station_id: int,
           fiscal_year: int, settings: Settings, expected: str | None = None,
           approve_names: Iterable[str] = (), dates_outside_year_intended: bool = False) -> CommitResult:
    """Write what the file's preview plans, in the caller's transaction (all or nothing).

    ``expected`` is the fingerprint of the preview the user saw; when the plan moved since,
    nothing is written. New names are added as people only when listed in ``approve_names``;
    other unknown names stay in the row's text without an assignment.
    ``dates_outside_year_intended`` imports due dates beyond the year ± 1 (otherwise refused); when
    a row needed it, the whole import is audited with source :data:`SOURCE_DATES_INTENDED`.
    """
    require(actor, Action.EDIT_PLAN, station_id=station_id)
    planned = preview(session, data, file_name, station_id=station_id, fiscal_year=fiscal_year,
                      settings=settings, dates_outside_year_intended=dates_outside_year_intended)
    if planned.errors:
        raise services.ValidationFailed([str(p) for p in planned.errors])
    if expected is not None and planned.fingerprint() != expected:
        raise services.ValidationFailed(["ข้อมูลในระบบเปลี่ยนไประหว่างตรวจไฟล์: กรุณาตรวจไฟล์ (ดูตัวอย่าง) ใหม่อีกครั้ง"])
    approved = {normalise_name(n) for n in approve_names}
    source = SOURCE_DATES_INTENDED if planned.dates_kept_outside_year else SOURCE
    writer = Writer(session, actor, source=source)
    writer.open_fiscal_year(be_year=fiscal_year)  # a new station's first plan may open a year
    started = writer.start_station_year(station_id=station_id, fiscal_year=fiscal_year)  # OIT items, calendar
    try:
        people = _add_people(writer, planned, approved=approved, station_id=station_id)
        assigned = 0
        for row in planned.rows:
            if row.action == "unchanged":
                continue
            row_id = _apply_row(writer, row, station_id=station_id, fiscal_year=fiscal_year)
            assigned += _assign(writer, row, row_id=row_id, people=people)
    except services.ConflictError as exc:
        raise services.ValidationFailed([f"แถว {exc.table} {exc.row_id} ถูกแก้ไขระหว่างนำเข้า: "
                                         "ไม่มีการบันทึกใด ๆ กรุณาตรวจไฟล์ใหม่"]) from exc
    return CommitResult(planned.count("add"), planned.count("change"),
                        sum(1 for name in people if name in approved), assigned, len(started.items))


def _add_people(writer: Writer, planned: Preview, *, approved: set[str], station_id: int) -> dict[str, int]:
    """Known people by canonical name, plus the approved new names created now."""
    people = {p.name: stored_id(p) for p in writer.session.exec(
        select(Person).where(Person.station_id == station_id, col(Person.deleted_at).is_(None)))}
    for name, rank in planned.new_names.items():
        if normalise_name(name) in approved and name not in people:
            values = {"name": name, "rank": rank, "kind": PersonKind.PERSON}
            saved = writer.save_person(values=values, station_id=station_id)
            people[name] = saved.row_id
    return people


def _apply_row(writer: Writer, row: RowPlan, *, station_id: int, fiscal_year: int) -> int:
    """Write one planned row's plan fields, then its progress; the row's id (new for an add)."""
    plan_changes = {k: row.plan_values[k] for k in row.plan_values if k in row.changes}
    progress_changes = {k: row.progress_values[k] for k in row.progress_values if k in row.changes}
    if row.action == "add":  # a new row starts not started at 0 %: write only what differs
        progress_changes = {k: v for k, v in progress_changes.items() if v not in ("", 0, Status.NOT_STARTED)}
    if row.table == "person":
        saved = writer.save_person(values=plan_changes, row_id=_row_id(row), seen_version=_version(row))
    elif row.table == "activity" and row.action == "add":
        saved = writer.save_activity(values=row.plan_values, station_id=station_id, fiscal_year=fiscal_year)
    elif row.table == "activity" and plan_changes:
        saved = writer.save_activity(values=plan_changes, row_id=_row_id(row), seen_version=_version(row))
    elif plan_changes:
        saved = writer.save_oit_item(row_id=_row_id(row), seen_version=_version(row), values=plan_changes)
    else:
        saved = services.Saved(_row_id(row), _version(row))
    if progress_changes:
        writer.update_progress(table=row.table, row_id=saved.row_id, seen_version=saved.version,
                               values=progress_changes)
    return saved.row_id


def _row_id(row: RowPlan) -> int:
    """The id of a row the file changes (only a row to add has none)."""
    if row.row_id is None:
        raise ValueError(f"{row.ref}: a row to change has no id")
    return row.row_id


def _version(row: RowPlan) -> int:
    """The version the file saw of a row it changes (required of such a row: a preview without it
    has an error and is never committed)."""
    if row.version is None:
        raise ValueError(f"{row.ref}: a row to change has no version")
    return row.version


def _assign(writer: Writer, row: RowPlan, *, row_id: int, people: dict[str, int]) -> int:
    """Make the row's named people responsible for it; how many assignments were added."""
    on_activity = row.table == "activity"
    target = col(Assignment.activity_id) if on_activity else col(Assignment.oit_item_id)
    count = 0
    for name in row.add_people:
        person_id = people.get(name)
        if person_id is None:  # a new name that was not approved: kept in the text only
            continue
        exists = writer.session.exec(select(Assignment.id).where(
            Assignment.person_id == person_id, target == row_id)).first()
        if exists is None:
            writer.add_assignment(person_id=person_id, role=AssignmentRole.RESPONSIBLE,
                                  activity_id=row_id if on_activity else None,
                                  oit_item_id=None if on_activity else row_id)
            count += 1
    return count
