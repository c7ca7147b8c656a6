"""What an import reads into and compares with: the preview, its planned rows, the plan's context.

Both layouts (:mod:`.export_layout`, :mod:`.plan_layout`) build the same :class:`RowPlan` rows,
so :mod:`.commit` writes them one way whatever the file looked like.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import pandas as pd
from sqlmodel import Session, col, select

from ita_core import queries
from ita_core.exports import _ILLEGAL_XML
from ita_core.models import Activity, OitItem, Person, Station
from ita_core.people import NameMatcher, NamesFound, normalise_name
from ita_core.sheet_reader import Problem, RowReader, column_name, shorten
from ita_core.thai_dates import fiscal_year_bounds, format_be

DUE_MARGIN_YEARS = 1  # a due date may lie this many fiscal years before or after the plan's year

ACTION_TH = {"add": "เพิ่ม", "change": "แก้ไข", "unchanged": "ไม่เปลี่ยน"}
FIELD_TH = {
    "indicator": "ตัวชี้วัด", "issue": "ประเด็น", "activity": "กิจกรรม", "output": "ผลผลิต",
    "awareness": "การสร้างการรับรู้", "due_date": "กำหนดเสร็จ", "due_text": "ระยะเวลาแล้วเสร็จ",
    "cadence_text": "ระยะเวลากำกับติดตาม", "responsible_text": "ผู้รับผิดชอบ (ข้อความ)",
    "responsible": "ผู้รับผิดชอบ", "status": "สถานะ", "progress": "ความคืบหน้า", "note": "หมายเหตุ",
    "evidence_url": "ลิงก์หลักฐาน", "sub_indicator": "ตัวชี้วัดย่อย", "group_heading": "หมวด",
    "title": "ข้อมูล", "rhythm_text": "รอบการรายงาน",
    "rank": "ยศ", "position": "ตำแหน่ง", "email": "อีเมล", "line_user_id": "LINE user id",
}


@dataclass
class RowPlan:
    """What one sheet row will do: add a row, change fields of a row, or nothing."""

    sheet: str
    row: int
    table: str  # "activity", "oit_item" or "person" (the people sheet)
    action: str  # add / change / unchanged
    ref: str
    title: str
    row_id: int | None = None
    version: int | None = None
    plan_values: dict[str, Any] = field(default_factory=dict)
    progress_values: dict[str, Any] = field(default_factory=dict)
    add_people: list[str] = field(default_factory=list)  # canonical or new names to assign
    owners: list[str] = field(default_factory=list)  # names assigned to the stored row already
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def settle(self) -> None:
        """Once every change is known, a matched row is "change" or "unchanged" (an add stays)."""
        if self.action != "add":
            self.action = "change" if self.changes else "unchanged"


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
    dates_kept_outside_year: int = 0  # rows whose far due date is imported because the admin said so
    # what identifies each row read so far (an id, a code, or a whole id-less row) → its sheet and row
    seen: dict[Hashable, tuple[str, int]] = field(default_factory=dict, repr=False, compare=False)

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
             "รายการที่เปลี่ยน": "; ".join(f"{FIELD_TH.get(k, k)}: {shorten(old)} → {shorten(new)}"
                                          for k, (old, new) in r.changes.items())}
            for r in self.rows
        ], columns=["แผ่นงาน", "แถว", "การดำเนินการ", "รหัส", "เรื่อง", "รายการที่เปลี่ยน"])

    def duplicate(self, reader: RowReader, key: Hashable, *, column: str, what: str) -> bool:
        """Whether a row read earlier has the same ``key``; if so a problem on ``column`` of this row
        names both rows. Why: the same row twice became two identical activities without a word, and
        the same id twice passed the preview, then failed at commit ("row changed during import")."""
        first = self.seen.setdefault(key, (reader.sheet.name, reader.number))
        if first == (reader.sheet.name, reader.number):
            return False
        where = f"แถว {first[1]}" if first[0] == reader.sheet.name else f"แผ่นงาน «{first[0]}» แถว {first[1]}"
        reader.problem(column, f"{what}ซ้ำกับ{where}: แถวหนึ่งของแผนนำเข้าได้ครั้งเดียวต่อไฟล์ ลบแถวที่ซ้ำออก "
                               "(ถ้าตั้งใจให้เป็นคนละรายการ ให้แก้ข้อความให้ต่างกัน)")
        return True

    def assign_named(self, plan: RowPlan, names: NamesFound, *, current: set[str]) -> None:
        """Plan to assign the named people the row does not have yet (``current``): imports never
        take one away. Unknown names are listed on the preview too, for the user to approve."""
        missing = [n for n in [*names.known, *names.unknown] if n not in current]
        for name, rank in names.unknown.items():
            self.new_names.setdefault(name, rank)
        if missing:
            plan.add_people = missing
            before = sorted(current)
            plan.changes["responsible"] = ("; ".join(before), "; ".join([*before, *missing]))


def without_owner(preview: Preview, approved: Iterable[str]) -> list[RowPlan]:
    """The rows of ``preview`` that would have nobody assigned after a commit approving
    ``approved`` of its new names.

    Why: a new station's file names only people the system does not know yet; left unapproved,
    the import writes every row with nobody responsible and says only "บุคลากรใหม่ 0 คน". A row
    keeps an owner it has, gains every known name it lists, and an unknown name only when
    approved (as :func:`~ita_core.imports.commit.commit` does).
    """
    chosen = {normalise_name(name) for name in approved}

    def owned_by(name: str) -> bool:
        return name not in preview.new_names or normalise_name(name) in chosen

    return [row for row in preview.rows if not row.owners and not any(map(owned_by, row.add_people))]


def without_owner_table(rows: Iterable[RowPlan]) -> pd.DataFrame:
    """Rows without an owner as a table to show: sheet, row number, reference and title."""
    return pd.DataFrame([{"แผ่นงาน": r.sheet, "แถว": r.row, "รหัส": r.ref, "เรื่อง": r.title} for r in rows],
                        columns=["แผ่นงาน", "แถว", "รหัส", "เรื่อง"])


@dataclass(frozen=True)
class CommitResult:
    """What a commit wrote."""

    added: int
    changed: int
    people_added: int
    assignments_added: int
    oit_items_added: int = 0  # the year's catalogue items a station lacked (its first plan: all)


class ImportContext:
    """What the rows of one preview are compared with: the plan, people and reference codes.

    Loaded once per preview so that reading a row never queries the database.
    """

    def __init__(self, session: Session, station_id: int, fiscal_year: int, *,
                 dates_outside_year_intended: bool = False) -> None:
        self.session, self.station_id, self.fiscal_year = session, station_id, fiscal_year
        self.dates_outside_year_intended = dates_outside_year_intended
        self.activities = {a.id: a for a in session.exec(select(Activity).where(
            Activity.station_id == station_id, Activity.fiscal_year == fiscal_year,
            col(Activity.deleted_at).is_(None)).order_by(col(Activity.seq)))}
        self.items = {i.code: i for i in session.exec(select(OitItem).where(
            OitItem.station_id == station_id, OitItem.fiscal_year == fiscal_year,
            col(OitItem.deleted_at).is_(None)))}
        self.people = NameMatcher(session.exec(select(Person).where(Person.station_id == station_id,
                                                                    col(Person.deleted_at).is_(None))))
        assigned = queries.assignments(session, station_id, fiscal_year)
        self.assigned = {
            (kind, int(target)): set(group["name"])
            for kind, column in (("activity", "activity_id"), ("oit_item", "oit_item_id"))
            # the id column holds floats once it has a blank (numbers when it has none)
            for target, group in cast("Iterable[tuple[float, pd.DataFrame]]",
                                      assigned.dropna(subset=[column]).groupby(column))
        }
        self.sub_indicators = set(queries.sub_indicators(session, fiscal_year)["code"])  # the year's codes
        components = queries.components(session, station_id, fiscal_year)
        self.components = components.groupby("item_id")["text"].agg(list).to_dict()
        self.station_codes = {s.id: s.code for s in session.exec(select(Station))}

    def assigned_to(self, plan: RowPlan) -> set[str]:
        """Names already assigned to the row a plan changes (none for a row to add)."""
        return self.assigned.get((plan.table, plan.row_id), set()) if plan.row_id else set()


# the web page's tick; ``ita import --allow-dates-outside-year`` in the CLI
DATES_INTENDED_TH = "วันที่นอกปีงบประมาณเป็นความตั้งใจ"


def due_out_of_range(fiscal_year: int, due: date | None, *, intended: bool = False) -> str | None:
    """Why a due date cannot be imported into ``fiscal_year``'s plan (it lies outside the year ±
    :data:`DUE_MARGIN_YEARS`, a typing slip such as 1900 or 2099), in Thai with the allowed range in
    BE; None when it fits. Dates outside the year but inside the margin are only warned about.

    ``intended``: the admin ticked :data:`DATES_INTENDED_TH`, so the text says the date is kept
    (a warning) instead of how to fix it (a refusal)."""
    if due is None:
        return None
    low = fiscal_year_bounds(fiscal_year - DUE_MARGIN_YEARS)[0]
    high = fiscal_year_bounds(fiscal_year + DUE_MARGIN_YEARS)[1]
    if low <= due <= high:
        return None
    outside = (f"กำหนดเสร็จ {format_be(due)} อยู่นอกช่วงที่นำเข้าได้ {format_be(low)} – {format_be(high)} "
               f"(ปีงบประมาณ {fiscal_year} ± {DUE_MARGIN_YEARS} ปี)")
    if intended:
        return f"{outside}: นำเข้าตามวันที่ในไฟล์ เพราะเลือก «{DATES_INTENDED_TH}» ไว้"
    return (f"{outside}: แก้วันที่ในไฟล์ หรือเลือกปีงบประมาณให้ตรงกับแผน "
            f"(ถ้าตั้งใจใช้วันที่นี้ เลือก «{DATES_INTENDED_TH}» หรือคำสั่ง ita import --allow-dates-outside-year)")


def due_date_kept(reader: RowReader, key: str, due: date | None, *, context: ImportContext,
                  result: Preview) -> bool:
    """Whether a row whose new due date is ``due`` (in column ``key``) may be imported.

    A date outside the year ± the margin is a problem of the row (refused) unless the admin said
    such dates are intended: then it is a warning naming the same sheet, row and column, and the
    row is imported. Why: a 1900 or 2099 typo should not pass on a warning alone, but a plan that
    really runs past its year (a multi-year project) must still be importable."""
    problem = due_out_of_range(context.fiscal_year, due, intended=context.dates_outside_year_intended)
    if problem is None:
        return True
    if not context.dates_outside_year_intended:
        reader.problem(key, problem)
        return False
    index = reader.keys.index(key)
    header = reader.headers[index] if index < len(reader.headers) else None
    result.warnings.append(Problem(problem, reader.sheet.name, reader.number, column_name(index, header)))
    result.dates_kept_outside_year += 1
    return True


def first_line(text: str) -> str:
    """A row's title in the preview: the first non-blank line of its text, at most 80 characters."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:80]


def changed_fields(row: Any, values: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Fields whose stored value differs from the sheet's (control characters ignored, as exported)."""
    changes = {}
    for key, new in values.items():
        old = getattr(row, key)
        old_cmp = _ILLEGAL_XML.sub("", old) if isinstance(old, str) else old
        if old_cmp != new:
            changes[key] = (old, new)
    return changes
