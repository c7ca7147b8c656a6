"""Reading our own export sheets back (``ita export activities|oit-items|plan``).

Rows are matched by id (activities; a blank id adds a row) or by code (OIT items, fixed by the
NACC: never added). The row's version must be the one exported when it changes something, so an
edit made in the app meanwhile is not overwritten. Export → import changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlmodel import col, select

from ita_core import queries, services
from ita_core.contacts import clean_contacts
from ita_core.exports import _ILLEGAL_XML, COLUMNS
from ita_core.imports.model import (
    ImportContext,
    Preview,
    RowPlan,
    changed_fields,
    due_date_kept,
    first_line,
)
from ita_core.labels import value_of, words_of
from ita_core.models import Person, Status
from ita_core.sheet_reader import Problem, RowReader, Sheet, whole_number

IMPORTABLE = ("activities", "oit-items", "people")  # export tables that are read back
# exported, never read
READ_ONLY = ("phases", "plan-rows", "summary", "audit", "oit-matrix", "plan-issues")


def read_export_sheet(sheet: Sheet, *, header_row: int, table: str, context: ImportContext,
                      result: Preview) -> None:
    """Add a planned row to ``result`` for each data row of an export ``table`` (one of
    :data:`IMPORTABLE`) below ``header_row``, or its problems to ``result.errors``."""
    if table == "people":
        _read_people(sheet, header_row=header_row, context=context, result=result)
        return
    for reader in _data_rows(sheet, header_row=header_row, table=table, result=result):
        before = len(result.errors)
        if _duplicate(reader, table, result):
            continue
        plan = (_activity(reader, context, result) if table == "activities"
                else _oit_item(reader, context, result))
        if plan is not None and "due_date" in plan.changes:
            due_date_kept(reader, "due_date", plan.changes["due_date"][1], context=context, result=result)
        if plan is not None and len(result.errors) == before:
            plan.settle()
            result.rows.append(plan)


def _data_rows(sheet: Sheet, *, header_row: int, table: str, result: Preview) -> Iterator[RowReader]:
    """A reader for each non-blank row below ``header_row`` of an export ``table``'s sheet, its
    problems going to ``result.errors``: the walk every read-back table shares."""
    keys = [k for k, _ in COLUMNS[table]]
    headers = [str(v) for v in sheet.rows[header_row]]
    for number, values in enumerate(sheet.rows[header_row + 1:], start=header_row + 2):
        if any(v not in (None, "") for v in values):
            yield RowReader(sheet, number=number, values=values, keys=keys, headers=headers,
                            errors=result.errors)


def _duplicate(reader: RowReader, table: str, result: Preview) -> bool:
    """The same activity id or OIT code as a row above, or an id-less row equal to one above in
    every cell: a problem naming both rows (see :meth:`Preview.duplicate`)."""
    if table == "oit-items":
        code = reader.text("code", stored=False).strip()
        return bool(code) and result.duplicate(reader, ("oit_item", code), column="code",
                                               what=f"ข้อ OIT {code} ")
    row_id = reader.raw("id")
    if row_id not in (None, "") and (number := whole_number(row_id)) is not None:
        return result.duplicate(reader, ("activity", number), column="id", what=f"รหัสกิจกรรม {number} ")
    cells = tuple("" if v is None else str(v).strip() for v in reader.values.values())
    return result.duplicate(reader, ("activity-row", cells), column="activity", what="แถวนี้ทุกช่อง")


def _activity(reader: RowReader, context: ImportContext, result: Preview) -> RowPlan | None:
    row_id = reader.integer("id", required=False, what="รหัส")
    reader.integer("fiscal_year", low=context.fiscal_year, high=context.fiscal_year, what="ปีงบประมาณ")
    station = reader.text("station")
    if station != context.station_codes.get(context.station_id):
        reader.problem("station", f"สถานี {station!r} ไม่ใช่สถานีที่เลือกนำเข้า "
                       f"({context.station_codes.get(context.station_id)})")
    plan_values: dict[str, Any] = {
        "indicator": reader.integer("indicator", low=1, high=10, what="ตัวชี้วัด (1–10)"),
        "issue": reader.text("issue"), "activity": reader.text("activity"), "output": reader.text("output"),
        "awareness": reader.text("awareness"), "due_date": reader.day("due_date"),
        "due_text": reader.text("due_text"), "cadence_text": reader.text("cadence"),
    }
    if not plan_values["activity"].strip():
        reader.problem("activity", "กิจกรรมที่จะดำเนินการว่างไม่ได้")
    progress = _check_progress(reader, "activity", _progress_values(reader, with_percent=True))
    names = context.people.find_in_list(reader.text("responsible"))
    version = reader.integer("version", required=row_id is not None, low=1, what="ฉบับที่")
    ref = f"ก{row_id}" if row_id else "ก(ใหม่)"
    plan = RowPlan(reader.sheet.name, reader.number, "activity", "add", ref,
                   first_line(plan_values["activity"]), row_id=row_id, version=version,
                   plan_values=plan_values, progress_values=progress)
    if row_id is None:
        plan.changes = {k: (None, v) for k, v in {**plan_values, **progress}.items()
                        if v not in (None, "", 0)}
    else:
        current = context.activities.get(row_id)
        if current is None:
            reader.problem("id", f"ไม่พบกิจกรรมรหัส {row_id} ในแผนของสถานีและปีที่เลือก (เว้นรหัสว่างเพื่อเพิ่มแถวใหม่)")
            return None
        plan.action, plan.ref = "change", f"ก{current.seq}"
        plan.changes = _changes(current, plan_values, progress)
        _check_version(reader, plan, current)
    result.assign_named(plan, names, current=context.assigned_to(plan))
    return plan


def _oit_item(reader: RowReader, context: ImportContext, result: Preview) -> RowPlan | None:
    code = reader.text("code").strip()
    current = context.items.get(code)
    if current is None:
        reader.problem("code", f"ไม่พบข้อมูล OIT ข้อ {code!r} ในแผนของสถานีและปีที่เลือก "
                       "(ข้อ O1–O25 กำหนดโดย ป.ป.ช. เพิ่มใหม่ไม่ได้)")
        return None
    plan_values = {
        "sub_indicator": reader.text("sub_indicator").strip(), "group_heading": reader.text("group"),
        "title": reader.text("title"), "due_date": reader.day("due_date"),
        "due_text": reader.text("due_text"), "rhythm_text": reader.text("rhythm"),
    }
    if plan_values["sub_indicator"] not in context.sub_indicators:
        reader.problem("sub_indicator", f"ไม่รู้จักตัวชี้วัดย่อย {plan_values['sub_indicator']!r} "
                       f"(มี {', '.join(sorted(context.sub_indicators))})")
    progress = _check_progress(reader, "oit_item", _progress_values(reader, with_percent=False))
    version = reader.integer("version", low=1, what="ฉบับที่")
    names = context.people.find_in_list(reader.text("responsible"))
    plan = RowPlan(reader.sheet.name, reader.number, "oit_item", "change", code, current.title[:80],
                   row_id=current.id, version=version, plan_values=plan_values, progress_values=progress)
    plan.changes = _changes(current, plan_values, progress)
    _check_version(reader, plan, current)
    components = queries.JOIN.join(context.components.get(current.id, []))
    if reader.text("components", stored=False) != _ILLEGAL_XML.sub("", components):
        result.warnings.append(Problem("องค์ประกอบที่แก้ในไฟล์ไม่ได้นำเข้า: แก้องค์ประกอบที่หน้า จัดการแผนและผู้ใช้",
                                       reader.sheet.name, reader.number, "องค์ประกอบ"))
    result.assign_named(plan, names, current=context.assigned_to(plan))
    return plan


PERSON_IMPORTED = ("rank", "position", "email", "line_user_id")  # the rest of the sheet is shown, not read


def _read_people(sheet: Sheet, *, header_row: int, context: ImportContext, result: Preview) -> None:
    """The people sheet read back: each row matched by id (and its name, so a shifted id changes
    nobody else) changes the person's rank, position, e-mail and LINE user id; the contacts are
    checked as the admin form checks them. People are added by the plan import, not here."""
    stored = {p.id: p for p in context.session.exec(select(Person).where(
        Person.station_id == context.station_id, col(Person.deleted_at).is_(None)))}
    seen: dict[int, int] = {}
    for reader in _data_rows(sheet, header_row=header_row, table="people", result=result):
        before = len(result.errors)
        plan = _person(reader, stored, seen)
        if plan is not None and len(result.errors) == before:
            plan.settle()
            result.rows.append(plan)


def _person(reader: RowReader, stored: dict[int | None, Person], seen: dict[int, int]) -> RowPlan | None:
    row_id = reader.integer("id", what="รหัส")
    if row_id is None:
        return None
    if row_id in seen:
        reader.problem("id", f"รหัสบุคคล {row_id} ซ้ำกับแถว {seen[row_id]}")
        return None
    seen[row_id] = reader.number
    current = stored.get(row_id)
    name = reader.text("name").strip()
    if current is None:
        reader.problem("id", f"ไม่พบบุคคลรหัส {row_id} ในสถานีที่เลือก (เพิ่มบุคคลที่หน้า จัดการแผนและผู้ใช้)")
        return None
    if name != current.name:
        reader.problem("name", f"รหัส {row_id} คือ “{current.name}” ไม่ใช่ “{name}” (แก้ชื่อที่หน้า จัดการแผนและผู้ใช้)")
        return None
    values = {key: reader.text(key).strip() for key in PERSON_IMPORTED}
    contacts, errors = clean_contacts(values)
    for message in errors:
        reader.problem("email" if message.startswith("อีเมล") else "line_user_id", message)
    values.update(contacts)
    plan = RowPlan(reader.sheet.name, reader.number, "person", "change", f"บุคคล {row_id}", current.name,
                   row_id=row_id, version=current.version, plan_values=values)
    plan.changes = changed_fields(current, values)
    return plan


def _progress_values(reader: RowReader, *, with_percent: bool) -> dict[str, Any]:
    """Status, note and evidence of a row; the status is its Thai word (a Thai export) or its
    stored value (``--lang en``)."""
    written = reader.text("status").strip()
    status = value_of(written, Status) if written else Status.NOT_STARTED
    values: dict[str, Any] = {"status": status or written, "note": reader.text("note"),
                              "evidence_url": reader.text("evidence_url")}
    if status is None:
        reader.problem("status", f"สถานะ {written!r} ไม่รู้จัก (ใช้ {words_of(Status)})")
    if with_percent:
        percent = reader.integer("progress", required=False, low=0, high=100, what="ความคืบหน้า")
        values["progress"] = percent or 0
    return values


def _check_progress(reader: RowReader, table: str, values: dict[str, Any]) -> dict[str, Any]:
    """The service's own validation of status, percent and evidence, as row problems."""
    try:
        return services.validate_progress(table, values)
    except services.ValidationFailed as failed:
        for message in failed.errors:
            key = next((k for k in ("evidence_url", "progress", "status") if k in reader.keys),
                       reader.keys[0])
            reader.problem(key, message)
        return values


def _changes(current: Any, plan_values: dict[str, Any],
             progress: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Plan and progress fields that differ from the stored row (progress fields it has, as stored:
    done means 100 %)."""
    stored_progress = {k: v for k, v in progress.items() if hasattr(current, k)}
    return {**changed_fields(current, plan_values), **changed_fields(current, stored_progress)}


def _check_version(reader: RowReader, plan: RowPlan, current: Any) -> None:
    """A changing row must carry the version it was exported at; the plan then writes against the
    stored version (an unchanged row's stale version is harmless)."""
    if plan.changes and plan.version is not None and plan.version != current.version:
        reader.problem("version", f"แถวนี้ถูกแก้ไขในระบบหลังจากส่งออก (ไฟล์เป็นฉบับที่ {plan.version} "
                       f"ในระบบเป็นฉบับที่ {current.version}): ส่งออกใหม่แล้วแก้ในไฟล์ใหม่")
    plan.version = current.version
