"""Import a plan from Excel or CSV: preview first, then commit all rows in one transaction.

Two layouts are read:

* our own export (``ita export activities|oit-items|plan``, Thai or English headers): rows
  are matched by id (activities) or code (OIT items); export → import changes nothing;
* a plan sheet in the Thai layout of the station's plan (the eight headers of ``PLAN_HEADERS``),
  as stations keep it in Excel: a blank indicator cell continues the row above, due phrases
  are Thai (``๓๐ มี.ค.๖๗``), responsible officers are written with their rank. Rows are
  matched to the plan by indicator and activity text.

The preview lists rows to add, change and leave unchanged, every problem with sheet, row and
column in Thai, and names not known as people (added only when approved). ``commit`` re-reads
the file inside the caller's write transaction, refuses when the preview changed meanwhile,
and writes through ``ita_core.services`` (audited, source "import"). Imports add and change
rows; they never delete rows or take a responsibility away.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session, select

from ita_core import queries, services
from ita_core.auth import Actor
from ita_core.exports import _ILLEGAL_XML, COLUMNS, unneutralise
from ita_core.models import (
    Activity,
    Assignment,
    OitItem,
    Person,
    PersonKind,
    Role,
    Station,
    Status,
    SubIndicator,
)
from ita_core.people import name_index, normalise_name
from ita_core.settings import Settings
from ita_core.sheet_reader import Cell, FileRefused, Problem, Sheet, column_name, read_sheets
from ita_core.thai_dates import (
    DueKind,
    fiscal_year_bounds,
    fiscal_year_of,
    format_be,
    parse_due,
    to_arabic_digits,
)

SOURCE = "import"
PLAN_HEADERS = ("ตัวชี้วัด", "ประเด็นที่ต้องเตรียมความพร้อม/ยกระดับ", "กิจกรรมที่จะดำเนินการ", "ผลผลิต",
                "วิธีการสร้างการรับรู้", "ระยะเวลาแล้วเสร็จ", "ผู้รับผิดชอบ", "ระยะเวลากำกับติดตาม")
PLAN_KEYS = ("indicator", "issue", "activity", "output", "awareness", "due_text", "responsible_text",
             "cadence_text")
IMPORTABLE = ("activities", "oit-items")
READ_ONLY = ("people", "phases", "plan-rows", "summary", "audit", "oit-matrix")
HEADER_SEARCH_ROWS = 10
ACTION_TH = {"add": "เพิ่ม", "change": "แก้ไข", "unchanged": "ไม่เปลี่ยน"}
FIELD_TH = {
    "indicator": "ตัวชี้วัด", "issue": "ประเด็น", "activity": "กิจกรรม", "output": "ผลผลิต",
    "awareness": "การสร้างการรับรู้", "due_date": "กำหนดเสร็จ", "due_text": "ระยะเวลาแล้วเสร็จ",
    "cadence_text": "ระยะเวลากำกับติดตาม", "responsible_text": "ผู้รับผิดชอบ (ข้อความ)",
    "responsible": "ผู้รับผิดชอบ", "status": "สถานะ", "progress": "ความคืบหน้า", "note": "หมายเหตุ",
    "evidence_url": "ลิงก์หลักฐาน", "sub_indicator": "ตัวชี้วัดย่อย", "group_heading": "หมวด",
    "title": "ข้อมูล", "rhythm_text": "รอบการรายงาน",
}
# Ranks of the Royal Thai Police as plans write them (OCR may put spaces after the dots).
_RANK = re.compile(r"(?P<rank>(?:พล\s*\.\s*)?"
                   r"(?:[พรส]\s*\.\s*ต\s*\.\s*[อทต]|จ\s*\.\s*ส\s*\.\s*ต|[ดต]\s*\.\s*ต)"
                   r"\s*\.(?:\s*หญิง)?)\s*(?P<first>[^\s;,]+)\s+(?P<last>[^\s;,]+)")
_NUMBER = re.compile(r"\d+")


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", normalise_name(text))


def _header(value: Cell) -> str:
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


@dataclass
class RowPlan:
    """What one sheet row will do: add a row, change fields of a row, or nothing."""

    sheet: str
    row: int
    table: str  # "activity" or "oit_item"
    action: str  # add / change / unchanged
    ref: str
    title: str
    row_id: int | None = None
    version: int | None = None
    plan_values: dict[str, Any] = field(default_factory=dict)
    progress_values: dict[str, Any] = field(default_factory=dict)
    add_people: list[str] = field(default_factory=list)  # canonical or new names to assign
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class Preview:
    """The outcome of reading a file: planned rows, problems, warnings and unknown names."""

    file_name: str
    station_id: int
    fiscal_year: int
    layout: str = ""  # "export", "plan" or "" when unreadable
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    new_names: dict[str, str] = field(default_factory=dict)  # name → rank as written (may be "")

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(r.action == action for r in self.rows)

    def summary(self) -> str:
        """One Thai line: how many rows are added, changed and unchanged."""
        return (f"เพิ่ม {self.count('add')} แถว · แก้ไข {self.count('change')} แถว · "
                f"ไม่เปลี่ยน {self.count('unchanged')} แถว · ปัญหา {len(self.errors)} จุด")

    def fingerprint(self) -> str:
        """Changes what the preview would write; commit refuses when this moved meanwhile."""
        planned = [(r.table, r.action, r.ref, r.row_id, r.version, sorted(r.changes.items(), key=str),
                    r.add_people) for r in self.rows if r.action != "unchanged"]
        return hashlib.sha256(repr(planned).encode()).hexdigest()[:16]

    def table(self) -> pd.DataFrame:
        """The preview as a table to show: sheet, row, action, reference, title, what changes."""
        return pd.DataFrame([
            {"แผ่นงาน": r.sheet, "แถว": r.row, "การดำเนินการ": ACTION_TH[r.action], "รหัส": r.ref,
             "เรื่อง": r.title[:80],
             "รายการที่เปลี่ยน": "; ".join(f"{FIELD_TH.get(k, k)}: {_short(old)} → {_short(new)}"
                                          for k, (old, new) in r.changes.items())}
            for r in self.rows
        ], columns=["แผ่นงาน", "แถว", "การดำเนินการ", "รหัส", "เรื่อง", "รายการที่เปลี่ยน"])


@dataclass(frozen=True)
class CommitResult:
    """What a commit wrote."""

    added: int
    changed: int
    people_added: int
    assignments_added: int


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:80]


def _short(value: Any, limit: int = 40) -> str:
    if value is None or value == "":
        return "(ว่าง)"
    if isinstance(value, date):
        return format_be(value)
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- reading a file into a preview ---------------------------------------------------------

class _Context:
    """What the rows of one preview are compared with: the plan, people and reference codes."""

    def __init__(self, session: Session, station_id: int, fiscal_year: int) -> None:
        self.session, self.station_id, self.fiscal_year = session, station_id, fiscal_year
        self.activities = {a.id: a for a in session.exec(select(Activity).where(
            Activity.station_id == station_id, Activity.fiscal_year == fiscal_year,
            Activity.deleted_at.is_(None)).order_by(Activity.seq))}
        self.items = {i.code: i for i in session.exec(select(OitItem).where(
            OitItem.station_id == station_id, OitItem.fiscal_year == fiscal_year,
            OitItem.deleted_at.is_(None)))}
        people = list(session.exec(select(Person).where(Person.station_id == station_id,
                                                        Person.deleted_at.is_(None))))
        self.names = name_index(people)
        self.by_id = {p.id: p for p in people}
        self.compact = sorted(((_compact(k), p) for k, p in self.names.items()), key=lambda kp: -len(kp[0]))
        assigned = queries.assignments(session, station_id, fiscal_year)
        self.assigned = {
            (kind, int(target)): set(group["name"])
            for kind, column in (("activity", "activity_id"), ("oit_item", "oit_item_id"))
            for target, group in assigned.dropna(subset=[column]).groupby(column)
        }
        self.sub_indicators = set(session.exec(select(SubIndicator.code)))
        components = queries.components(session, station_id, fiscal_year)
        self.components = components.groupby("item_id")["text"].agg(list).to_dict()
        self.station_codes = {s.id: s.code for s in session.exec(select(Station))}


def import_year(session: Session, station_id: int, wanted: int | None) -> int:
    """The fiscal year a plan file goes into: the web import page's rule for ``ita import`` and
    ``ita init --from-plan`` too.

    Any valid BE year (``services.check_fiscal_year``): a year the station has no plan for yet is
    opened by :func:`commit` through ``services.ensure_fiscal_year``, so a new station can bring
    its first plan. Without ``wanted``: the station's newest plan year, else the newest year any
    station has, else the current fiscal year.
    """
    if wanted is not None:
        services.check_fiscal_year(wanted)
        return wanted
    own = queries.fiscal_years(session, station_id) or queries.all_fiscal_years(session)
    return own[0].be_year if own else fiscal_year_of(date.today())


def preview(session: Session, data: bytes, file_name: str, *, station_id: int, fiscal_year: int,
            settings: Settings) -> Preview:
    """Read ``data`` and compare it with the station's plan of ``fiscal_year``; writes nothing."""
    result = Preview(file_name, station_id, fiscal_year)
    try:
        sheets = read_sheets(data, file_name, settings)
    except FileRefused as refused:
        result.errors = refused.problems
        return result
    context = _Context(session, station_id, fiscal_year)
    found = False
    for sheet in sheets:
        if not any(sheet.rows):
            continue
        layout, header_row = _detect(sheet)
        if layout in IMPORTABLE:
            found = True
            result.layout = result.layout or "export"
            _read_export(sheet, header_row, layout, context, result)
        elif layout == "plan":
            found = True
            result.layout = result.layout or "plan"
            _read_plan(sheet, header_row, context, result)
        elif layout in READ_ONLY:
            result.warnings.append(Problem("ตารางนี้เป็นข้อมูลอ่านอย่างเดียว ไม่ได้นำเข้า", sheet=sheet.name))
        else:
            result.errors.append(_wrong_columns(sheet))
    _warn_out_of_year(result)
    if not found and not result.errors:
        result.errors.append(Problem(f"ไฟล์ {file_name} ไม่มีข้อมูลที่นำเข้าได้ (ไฟล์ว่างหรือมีแต่แผ่นงานว่าง)"))
    elif found and not result.rows and not result.errors:
        result.errors.append(Problem(f"ไฟล์ {file_name} มีหัวตารางแต่ไม่มีแถวข้อมูล"))
    return result


def _warn_out_of_year(result: Preview) -> None:
    """One warning for new due dates outside the chosen fiscal year: a plan of 2567 brought into
    2570 would be all overdue, so the secretary most likely picked the wrong year."""
    start, end = fiscal_year_bounds(result.fiscal_year)
    due = [(row, row.changes["due_date"][1]) for row in result.rows if "due_date" in row.changes]
    outside = [(row, day) for row, day in due if isinstance(day, date) and not start <= day <= end]
    if not outside:
        return
    examples = ", ".join(f"แถว {row.row} ({format_be(day)})" for row, day in outside[:3])
    result.warnings.append(Problem(
        f"{len(outside)} แถวมีกำหนดเสร็จนอกปีงบประมาณ {result.fiscal_year} "
        f"({format_be(start)} – {format_be(end)}) เช่น {examples}: ตรวจว่าเลือกปีงบประมาณตรงกับแผนในไฟล์",
        sheet=outside[0][0].sheet))


def _detect(sheet: Sheet) -> tuple[str, int]:
    """Which layout a sheet has, and the index of its header row (title rows may sit above)."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        cells = [_header(v) for v in row]
        if tuple(cells[:len(PLAN_HEADERS)]) == tuple(_header(h) for h in PLAN_HEADERS):
            return "plan", index
        for table, columns in COLUMNS.items():
            for lang_headers in ([k for k, _ in columns], [t for _, t in columns]):
                if cells == [_header(h) for h in lang_headers]:
                    return table, index
    return "", -1


def _wrong_columns(sheet: Sheet) -> Problem:
    """Name the closest known layout and what its header row lacks or has too much."""
    best: tuple[int, int, str, list[str]] = (0, 0, "", [])
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        cells = {_header(v) for v in row if v not in (None, "")}
        candidates = [("plan", list(PLAN_HEADERS))]
        candidates += [(t, [h for _, h in COLUMNS[t]]) for t in IMPORTABLE]
        candidates += [(t, [k for k, _ in COLUMNS[t]]) for t in IMPORTABLE]
        for name, wanted in candidates:
            hits = len(cells & {_header(h) for h in wanted})
            if hits > best[0]:
                best = (hits, index, name, wanted)
    hits, index, name, wanted = best
    if hits == 0:
        return Problem("ไม่พบแถวหัวตารางที่รู้จัก: แผนแบบฟอร์มต้องมีคอลัมน์ " + " | ".join(PLAN_HEADERS)
                       + " (หรือใช้ไฟล์ที่ส่งออกจากระบบนี้)", sheet=sheet.name)
    cells = [_header(v) for v in sheet.rows[index] if v not in (None, "")]
    missing = [h for h in wanted if _header(h) not in cells]
    extra = [str(v) for v in sheet.rows[index] if v not in (None, "") and _header(v) not in
             {_header(h) for h in wanted}]
    parts = []
    if missing:
        parts.append("ขาดคอลัมน์ " + ", ".join(missing))
    if extra:
        parts.append("มีคอลัมน์ที่ไม่รู้จัก " + ", ".join(extra))
    if not parts:
        parts.append("ลำดับคอลัมน์ต้องเป็น " + " | ".join(wanted))
    return Problem("คอลัมน์ไม่ตรงแบบ: " + "; ".join(parts), sheet=sheet.name, row=index + 1)


class _RowReader:
    """Typed access to one sheet row, collecting Thai problems with sheet, row and column."""

    def __init__(self, sheet: Sheet, number: int, values: list[Cell], keys: list[str], headers: list[str],
                 errors: list[Problem]) -> None:
        self.sheet, self.number, self.keys, self.headers, self.errors = sheet, number, keys, headers, errors
        self.values = dict(zip(keys, list(values) + [None] * (len(keys) - len(values)), strict=False))

    def problem(self, key: str, message: str) -> None:
        index = self.keys.index(key)
        header = self.headers[index] if index < len(self.headers) else None
        self.errors.append(Problem(message, self.sheet.name, self.number, column_name(index, header)))

    def raw(self, key: str) -> Cell:
        return self.values.get(key)

    def text(self, key: str) -> str:
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, (bool, date, datetime)):
            self.problem(key, f"ต้องเป็นข้อความ แต่พบ {_short(value)}")
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return _ILLEGAL_XML.sub("", str(unneutralise(value)))

    def integer(self, key: str, *, required: bool = True, low: int | None = None, high: int | None = None,
                what: str = "ตัวเลข") -> int | None:
        value = self.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(key, f"ต้องมี{what}")
            return None
        number: int | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
            number = int(value.strip())
        if number is None:
            self.problem(key, f"ต้องเป็น{what} แต่พบ {_short(value)}")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            self.problem(key, f"{what} {number} อยู่นอกช่วง {low}–{high}")
            return None
        return number

    def day(self, key: str) -> date | None:
        """A real Excel date, ISO text (CSV) or a Thai date phrase; blank is no date."""
        value = self.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                parsed = parse_due(value, None)
                if parsed.kind == DueKind.DATE and parsed.date:
                    return parsed.date
        self.problem(key, f"อ่านวันที่ไม่ได้: {_short(value)} (ใช้วันที่ของ Excel หรือ YYYY-MM-DD หรือ ๓๐ มี.ค. ๖๗)")
        return None


def _names_of(text: str, context: _Context) -> tuple[list[str], dict[str, str]]:
    """People named in a free-text responsible cell: known ones (canonical names, in order) and
    ranked names that match nobody (name → rank), for approval as new people."""
    rest = _compact(text)
    found: dict[str, int] = {}  # canonical name → where it first appears
    for key, person in context.compact:  # longest spelling first, so a short one cannot match inside it
        position = rest.find(key) if key else -1
        if position >= 0:
            rest = rest.replace(key, "|" * len(key))
            found[person.name] = min(found.get(person.name, position), position)
    known = sorted(found, key=found.get)
    unknown: dict[str, str] = {}
    normal = normalise_name(text)
    for match in _RANK.finditer(normal):
        following = _compact(normal[match.start("first"):])
        if any(following.startswith(key) for key, _ in context.compact if key):
            continue
        name = f"{match['first']} {match['last']}"
        unknown.setdefault(name, re.sub(r"\s+", "", match["rank"]))
    return known, unknown


def _listed_names(text: str, context: _Context) -> tuple[list[str], dict[str, str]]:
    """People in our export's responsible column: canonical names joined by '; '."""
    known, unknown = [], {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        person = context.names.get(normalise_name(part))
        if person is None:
            unknown.setdefault(normalise_name(part), "")
        elif person.name not in known:
            known.append(person.name)
    return known, unknown


def _diff(row: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields whose stored value differs from the sheet's (control characters ignored, as exported)."""
    changes = {}
    for key, new in values.items():
        old = getattr(row, key)
        old_cmp = _ILLEGAL_XML.sub("", old) if isinstance(old, str) else old
        if old_cmp != new:
            changes[key] = (old, new)
    return changes


def _assign_changes(plan: RowPlan, context: _Context, known: list[str], unknown: dict[str, str],
                    result: Preview) -> None:
    """Names to assign that the row does not have yet (imports never take one away)."""
    current = context.assigned.get((plan.table, plan.row_id), set()) if plan.row_id else set()
    missing = [n for n in known if n not in current] + [n for n in unknown if n not in current]
    for name, rank in unknown.items():
        result.new_names.setdefault(name, rank)
    if missing:
        plan.add_people = missing
        plan.changes["responsible"] = ("; ".join(sorted(current)), "; ".join([*sorted(current), *missing]))


def _finish(plan: RowPlan) -> None:
    if plan.action != "add":
        plan.action = "change" if plan.changes else "unchanged"


def _check_progress(reader: _RowReader, table: str, values: dict[str, Any]) -> dict[str, Any]:
    """The service's own validation of status, percent and evidence, as row problems."""
    try:
        return services.validate_progress(table, values)
    except services.ValidationFailed as failed:
        for message in failed.errors:
            key = next((k for k in ("evidence_url", "progress", "status") if k in reader.keys),
                       reader.keys[0])
            reader.problem(key, message)
        return values


def _read_export(sheet: Sheet, header_row: int, table: str, context: _Context, result: Preview) -> None:
    keys = [k for k, _ in COLUMNS[table]]
    headers = [str(v) for v in sheet.rows[header_row]]
    for offset, values in enumerate(sheet.rows[header_row + 1:], start=header_row + 2):
        if not any(v not in (None, "") for v in values):
            continue
        reader = _RowReader(sheet, offset, values, keys, headers, result.errors)
        before = len(result.errors)
        plan = (_export_activity(reader, context, result) if table == "activities"
                else _export_oit_item(reader, context, result))
        if plan is not None and len(result.errors) == before:
            _finish(plan)
            result.rows.append(plan)


def _progress_values(reader: _RowReader, with_percent: bool) -> dict[str, Any]:
    values: dict[str, Any] = {"status": reader.text("status") or Status.NOT_STARTED,
                              "note": reader.text("note"), "evidence_url": reader.text("evidence_url")}
    if values["status"] not in set(Status):
        reader.problem("status", f"สถานะ {values['status']!r} ไม่รู้จัก (ใช้ "
                       + ", ".join(s.value for s in Status) + ")")
    if with_percent:
        percent = reader.integer("progress", required=False, low=0, high=100, what="ความคืบหน้า")
        values["progress"] = percent or 0
    return values


def _export_activity(reader: _RowReader, context: _Context, result: Preview) -> RowPlan | None:
    row_id = reader.integer("id", required=False, what="รหัส")
    reader.integer("fiscal_year", low=context.fiscal_year, high=context.fiscal_year, what="ปีงบประมาณ")
    station = reader.text("station")
    if station != context.station_codes.get(context.station_id):
        reader.problem("station", f"สถานี {station!r} ไม่ใช่สถานีที่เลือกนำเข้า "
                       f"({context.station_codes.get(context.station_id)})")
    plan_values = {
        "indicator": reader.integer("indicator", low=1, high=10, what="ตัวชี้วัด (1–10)"),
        "issue": reader.text("issue"), "activity": reader.text("activity"), "output": reader.text("output"),
        "awareness": reader.text("awareness"), "due_date": reader.day("due_date"),
        "due_text": reader.text("due_text"), "cadence_text": reader.text("cadence"),
    }
    if not plan_values["activity"].strip():
        reader.problem("activity", "กิจกรรมที่จะดำเนินการว่างไม่ได้")
    progress = _check_progress(reader, "activity", _progress_values(reader, with_percent=True))
    known, unknown = _listed_names(reader.text("responsible"), context)
    version = reader.integer("version", required=row_id is not None, low=1, what="ฉบับที่")
    ref = f"ก{row_id}" if row_id else "ก(ใหม่)"
    plan = RowPlan(reader.sheet.name, reader.number, "activity", "add", ref,
                   _first_line(plan_values["activity"]), row_id=row_id, version=version,
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
        plan.changes = {**_diff(current, plan_values), **_diff(current, _progress_diff(current, progress))}
        _check_version(reader, plan, current)
    _assign_changes(plan, context, known, unknown, result)
    return plan


def _progress_diff(current: Any, progress: dict[str, Any]) -> dict[str, Any]:
    """Progress fields as they would be stored (done means 100 %), for comparing."""
    return {k: v for k, v in progress.items() if hasattr(current, k)}


def _check_version(reader: _RowReader, plan: RowPlan, current: Any) -> None:
    if plan.changes and plan.version is not None and plan.version != current.version:
        reader.problem("version", f"แถวนี้ถูกแก้ไขในระบบหลังจากส่งออก (ไฟล์เป็นฉบับที่ {plan.version} "
                       f"ในระบบเป็นฉบับที่ {current.version}): ส่งออกใหม่แล้วแก้ในไฟล์ใหม่")
    plan.version = current.version


def _export_oit_item(reader: _RowReader, context: _Context, result: Preview) -> RowPlan | None:
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
    known, unknown = _listed_names(reader.text("responsible"), context)
    plan = RowPlan(reader.sheet.name, reader.number, "oit_item", "change", code, current.title[:80],
                   row_id=current.id, version=version, plan_values=plan_values, progress_values=progress)
    plan.changes = {**_diff(current, plan_values), **_diff(current, _progress_diff(current, progress))}
    _check_version(reader, plan, current)
    components = queries.JOIN.join(context.components.get(current.id, []))
    if reader.text("components") != _ILLEGAL_XML.sub("", components):
        result.warnings.append(Problem("องค์ประกอบที่แก้ในไฟล์ไม่ได้นำเข้า: แก้องค์ประกอบที่หน้า จัดการแผนและผู้ใช้",
                                       reader.sheet.name, reader.number, "องค์ประกอบ"))
    _assign_changes(plan, context, known, unknown, result)
    return plan


def _indicator(reader: _RowReader, previous: int | None) -> int | None:
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
        reader.problem("indicator", f"ไม่รู้จักตัวชี้วัด {_short(value)}: ใส่เลข 1–10 หรือ 'ตัวชี้วัดที่ ๑ …'")
        return None
    if not 1 <= number <= 10:
        reader.problem("indicator", f"ไม่รู้จักตัวชี้วัด {number}: ITA มีตัวชี้วัด 1–10")
        return None
    return number


def _due(reader: _RowReader, fiscal_year: int, current: Activity | None) -> dict[str, Any]:
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
        reader.problem("due_text", f"อ่านวันที่ไม่ได้: {_short(text)} (เช่น ๓๐ มี.ค.๖๗, ภายใน ก.พ.๖๗, ทุกวัน, "
                       "ตามปฏิทิน ป.ป.ช.)")
        return {}
    return {"due_text": text, "due_date": parsed.date}


def _read_plan(sheet: Sheet, header_row: int, context: _Context, result: Preview) -> None:
    keys = list(PLAN_KEYS)
    headers = list(PLAN_HEADERS)
    unmatched: dict[tuple[int, str], list[Activity]] = {}
    for activity in context.activities.values():
        unmatched.setdefault((activity.indicator, _compact(activity.activity)), []).append(activity)
    previous: int | None = None
    for number, values in enumerate(sheet.rows[header_row + 1:], start=header_row + 2):
        if not any(v not in (None, "") for v in values[:len(keys)]):
            continue
        reader = _RowReader(sheet, number, values[:len(keys)], keys, headers, result.errors)
        if len(values) > len(keys):
            result.errors.append(Problem("มีข้อมูลเกินคอลัมน์ของแบบฟอร์ม", sheet.name, number,
                                         column_name(len(keys))))
        before = len(result.errors)
        indicator = _indicator(reader, previous)
        previous = indicator or previous
        activity = reader.text("activity")
        if not activity.strip():
            reader.problem("activity", "กิจกรรมที่จะดำเนินการว่างไม่ได้")
        matches = unmatched.get((indicator or 0, _compact(activity)), [])
        current = matches.pop(0) if matches else None
        values_ = {"indicator": indicator, "issue": reader.text("issue"), "activity": activity,
                   "output": reader.text("output"), "awareness": reader.text("awareness"),
                   "cadence_text": reader.text("cadence_text"),
                   "responsible_text": reader.text("responsible_text"),
                   **_due(reader, context.fiscal_year, current)}
        if len(result.errors) != before:
            continue
        plan = RowPlan(sheet.name, number, "activity", "add", f"ก{current.seq}" if current else "ก(ใหม่)",
                       _first_line(activity), row_id=current.id if current else None,
                       version=current.version if current else None, plan_values=values_)
        if current is None:
            plan.changes = {k: (None, v) for k, v in values_.items() if v not in (None, "")}
        else:
            plan.action = "change"
            plan.changes = _diff(current, values_)
        if current is None or "responsible_text" in plan.changes:
            known, unknown = _names_of(values_["responsible_text"], context)
            _assign_changes(plan, context, known, unknown, result)
        _finish(plan)
        result.rows.append(plan)


# --- commit ------------------------------------------------------------------------------------

def commit(session: Session, actor: Actor, data: bytes, file_name: str, *, station_id: int,
           fiscal_year: int, settings: Settings, expected: str | None = None,
           approve_names: Iterable[str] = ()) -> CommitResult:
    """Write what the file's preview plans, in the caller's transaction (all or nothing).

    ``expected`` is the fingerprint of the preview the user saw; when the plan moved since,
    nothing is written. New names are added as people only when listed in ``approve_names``;
    other unknown names stay in the row's text without an assignment.
    """
    services.require_admin(actor)
    planned = preview(session, data, file_name, station_id=station_id, fiscal_year=fiscal_year,
                      settings=settings)
    if planned.errors:
        raise services.ValidationFailed([str(p) for p in planned.errors])
    if expected is not None and planned.fingerprint() != expected:
        raise services.ValidationFailed(["ข้อมูลในระบบเปลี่ยนไประหว่างตรวจไฟล์: กรุณาตรวจไฟล์ (ดูตัวอย่าง) ใหม่อีกครั้ง"])
    approved = {normalise_name(n) for n in approve_names}
    services.ensure_fiscal_year(session, fiscal_year)  # a new station's first plan may open a year
    try:
        people = _add_people(session, actor, planned, approved, station_id)
        assigned = 0
        for row in planned.rows:
            if row.action == "unchanged":
                continue
            row_id = _apply_row(session, actor, row, station_id, fiscal_year)
            assigned += _assign(session, actor, row, row_id, people)
    except services.ConflictError as exc:
        raise services.ValidationFailed([f"แถว {exc.table} {exc.row_id} ถูกแก้ไขระหว่างนำเข้า: "
                                         "ไม่มีการบันทึกใด ๆ กรุณาตรวจไฟล์ใหม่"]) from exc
    return CommitResult(planned.count("add"), planned.count("change"),
                        sum(1 for name in people if name in approved), assigned)


def _add_people(session: Session, actor: Actor, planned: Preview, approved: set[str],
                station_id: int) -> dict[str, int]:
    """Known people by canonical name, plus the approved new names created now."""
    people = {p.name: p.id for p in session.exec(select(Person).where(Person.station_id == station_id,
                                                                      Person.deleted_at.is_(None)))}
    for name, rank in planned.new_names.items():
        if normalise_name(name) in approved and name not in people:
            values = {"name": name, "rank": rank, "kind": PersonKind.PERSON}
            saved = services.save_person(session, actor, values, source=SOURCE, station_id=station_id)
            people[name] = saved.row_id
    return people


def _apply_row(session: Session, actor: Actor, row: RowPlan, station_id: int, fiscal_year: int) -> int:
    plan_changes = {k: row.plan_values[k] for k in row.plan_values if k in row.changes}
    progress_changes = {k: row.progress_values[k] for k in row.progress_values if k in row.changes}
    if row.action == "add":  # a new row starts not started at 0 %: write only what differs
        progress_changes = {k: v for k, v in progress_changes.items() if v not in ("", 0, Status.NOT_STARTED)}
    if row.table == "activity":
        if row.action == "add":
            saved = services.save_activity(session, actor, row.plan_values, source=SOURCE,
                                           station_id=station_id, fiscal_year=fiscal_year)
        elif plan_changes:
            saved = services.save_activity(session, actor, plan_changes, row.row_id, row.version,
                                           source=SOURCE)
        else:
            saved = services.Saved(row.row_id, row.version)
    elif plan_changes:
        saved = services.save_oit_item(session, actor, row.row_id, row.version, plan_changes, source=SOURCE)
    else:
        saved = services.Saved(row.row_id, row.version)
    if progress_changes:
        services.update_progress(session, actor, row.table, saved.row_id, saved.version, progress_changes,
                                 source=SOURCE)
    return saved.row_id


def _assign(session: Session, actor: Actor, row: RowPlan, row_id: int, people: dict[str, int]) -> int:
    target = {"activity_id": row_id} if row.table == "activity" else {"oit_item_id": row_id}
    count = 0
    for name in row.add_people:
        person_id = people.get(name)
        if person_id is None:  # a new name that was not approved: kept in the text only
            continue
        exists = session.exec(select(Assignment.id).where(
            Assignment.person_id == person_id,
            *(getattr(Assignment, k) == v for k, v in target.items()))).first()
        if exists is None:
            services.add_assignment(session, actor, person_id, Role.RESPONSIBLE, source=SOURCE, **target)
            count += 1
    return count
