"""Reading a plan sheet in the Thai layout of the station's plan, as stations keep it in Excel.

The eight columns are :data:`PLAN_HEADERS`. A blank indicator cell continues the row above, due
phrases are Thai (``๓๐ มี.ค.๖๗``), and responsible officers are written with their rank. A row
is matched to the plan by its indicator and activity text (spaces ignored, as OCR moves them);
an unmatched row is added.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from ita_core.imports import model
from ita_core.models import Activity
from ita_core.people import compact_text
from ita_core.sheet_reader import Problem, RowReader, Sheet, column_name, shorten
from ita_core.thai_dates import DueKind, format_be, parse_due, to_arabic_digits

PLAN_HEADERS = ("ตัวชี้วัด", "ประเด็นที่ต้องเตรียมความพร้อม/ยกระดับ", "กิจกรรมที่จะดำเนินการ", "ผลผลิต",
                "วิธีการสร้างการรับรู้", "ระยะเวลาแล้วเสร็จ", "ผู้รับผิดชอบ", "ระยะเวลากำกับติดตาม")
PLAN_KEYS = ("indicator", "issue", "activity", "output", "awareness", "due_text", "responsible_text",
             "cadence_text")
_NUMBER = re.compile(r"\d+")


def read_plan_sheet(sheet: Sheet, *, header_row: int, context: model.ImportContext,
                    result: model.Preview) -> None:
    """Add a planned row to ``result`` for each data row below ``header_row``, or its problems to
    ``result.errors``. A row with a problem plans nothing."""
    keys = list(PLAN_KEYS)
    unmatched = _activities_by_text(context)
    previous: int | None = None
    for number, values in enumerate(sheet.rows[header_row + 1:], start=header_row + 2):
        if not any(v not in (None, "") for v in values[:len(keys)]):
            continue
        reader = RowReader(sheet, number=number, values=values[:len(keys)], keys=keys,
                           headers=PLAN_HEADERS, errors=result.errors)
        if len(values) > len(keys):
            result.errors.append(Problem("มีข้อมูลเกินคอลัมน์ของแบบฟอร์ม", sheet.name, number,
                                         column_name(len(keys))))
        before = len(result.errors)
        indicator = _indicator(reader, previous)
        previous = indicator or previous
        activity = reader.text("activity")
        if not activity.strip():
            reader.problem("activity", "กิจกรรมที่จะดำเนินการว่างไม่ได้")
        matches = unmatched.get((indicator or 0, compact_text(activity)), [])
        current = matches.pop(0) if matches else None
        values_ = {"indicator": indicator, "issue": reader.text("issue"), "activity": activity,
                   "output": reader.text("output"), "awareness": reader.text("awareness"),
                   "cadence_text": reader.text("cadence_text"),
                   "responsible_text": reader.text("responsible_text"),
                   **_due(reader, context.fiscal_year, current)}
        if len(result.errors) > before:
            continue
        cells = tuple("" if v is None else str(v).strip() for v in reader.values.values())[1:]
        if result.duplicate(reader, ("plan-row", indicator, cells), column="activity", what="แถวนี้ทุกช่อง"):
            continue
        plan = _plan_row(reader, current, values_, context=context, result=result)
        due = plan.changes["due_date"][1] if "due_date" in plan.changes else None
        if not model.due_date_kept(reader, "due_text", due, context=context, result=result):
            continue
        result.rows.append(plan)


def _activities_by_text(context: model.ImportContext) -> dict[tuple[int, str], list[Activity]]:
    """The plan's activities by indicator and compact text; each sheet row takes the first match,
    so two rows with the same text match two activities in plan order."""
    unmatched: dict[tuple[int, str], list[Activity]] = {}
    for activity in context.activities.values():
        unmatched.setdefault((activity.indicator, compact_text(activity.activity)), []).append(activity)
    return unmatched


def _plan_row(reader: RowReader, current: Activity | None, values: dict[str, Any], *,
              context: model.ImportContext, result: model.Preview) -> model.RowPlan:
    """What a plan row does: add an activity or change the matched one, and assign the people it
    names (only when its responsible text is new, so a hand-made assignment is not redone)."""
    plan = model.RowPlan(reader.sheet.name, reader.number, "activity", "add",
                         f"ก{current.seq}" if current else "ก(ใหม่)", model.first_line(values["activity"]),
                         row_id=current.id if current else None,
                         version=current.version if current else None, plan_values=values)
    if current is None:
        plan.changes = {k: (None, v) for k, v in values.items() if v not in (None, "")}
    else:
        plan.action = "change"
        plan.changes = model.changed_fields(current, values)
    if current is None or "responsible_text" in plan.changes:
        names = context.people.find_in_text(values["responsible_text"])
        result.assign_named(plan, names, current=context.assigned_to(plan))
    plan.settle()
    return plan


def _indicator(reader: RowReader, previous: int | None) -> int | None:
    """The indicator number of a plan row; a blank cell continues the row above."""
    value = reader.raw("indicator")
    if value is None or (isinstance(value, str) and not value.strip()):
        if previous is None:
            reader.problem("indicator", "ตัวชี้วัดว่างในแถวข้อมูลแรก: ใส่เลขตัวชี้วัด 1–10")
        return previous
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        number = int(value)
    elif isinstance(value, str) and (found := _NUMBER.search(to_arabic_digits(value))):
        number = int(found.group())
    else:
        reader.problem("indicator", f"ไม่รู้จักตัวชี้วัด {shorten(value)}: ใส่เลข 1–10 หรือ 'ตัวชี้วัดที่ ๑ …'")
        return None
    if not 1 <= number <= 10:
        reader.problem("indicator", f"ไม่รู้จักตัวชี้วัด {number}: ITA มีตัวชี้วัด 1–10")
        return None
    return number


def _due(reader: RowReader, fiscal_year: int, current: Activity | None) -> dict[str, Any]:
    """Due text and date of a plan row. An unchanged phrase keeps the stored date (an override)."""
    value = reader.raw("due_text")
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return {"due_text": format_be(day, thai_digits=True), "due_date": day}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        reader.problem("due_text", f"ต้องเป็นวันที่หรือข้อความวันที่ แต่พบตัวเลข {value}")
        return {}
    text = reader.text("due_text").strip()
    if current is not None and text == current.due_text.strip():
        return {"due_text": current.due_text, "due_date": current.due_date}
    parsed = parse_due(text, fiscal_year)
    if parsed.kind == DueKind.UNPARSED:
        reader.problem("due_text", f"อ่านวันที่ไม่ได้: {shorten(text)} (เช่น ๓๐ มี.ค.๖๗, ภายใน ก.พ.๖๗, ทุกวัน, "
                       "ตามปฏิทิน ป.ป.ช.)")
        return {}
    return {"due_text": text, "due_date": parsed.date}
