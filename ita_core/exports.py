"""Exports: the tables of the plan as CSV (UTF-8 with BOM) and Excel, Thai or English headers.

Text a user typed can start with ``=``, ``+``, ``-``, ``@``, tab or CR; spreadsheet programs
would run it as a formula, so such text is prefixed with an apostrophe (OWASP CSV
injection) in both formats. Numbers and dates stay numbers and dates.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from ita_core import audit, queries

THAI_FONT = "TH Sarabun New"
BE_DATE_FORMAT = "[$-107041E]d mmm yy"  # shows 30 มี.ค. 67 in Excel and LibreOffice

# table → (English key, Thai header); the English keys are the contract of `--lang en`.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "activities": [
        ("id", "รหัส"), ("fiscal_year", "ปีงบประมาณ"), ("station", "สถานี"), ("indicator", "ตัวชี้วัด"),
        ("issue", "ประเด็นที่ต้องเตรียมความพร้อม/ยกระดับ"), ("activity", "กิจกรรมที่จะดำเนินการ"),
        ("output", "ผลผลิต"), ("awareness", "วิธีการสร้างการรับรู้"), ("due_date", "กำหนดเสร็จ"),
        ("due_text", "ระยะเวลาแล้วเสร็จ (ตามแผน)"), ("cadence", "ระยะเวลากำกับติดตาม"),
        ("responsible", "ผู้รับผิดชอบ"), ("status", "สถานะ"), ("progress", "ความคืบหน้า (%)"),
        ("evidence_url", "ลิงก์หลักฐาน"), ("version", "ฉบับที่"),
    ],
    "oit-items": [
        ("code", "ข้อ"), ("sub_indicator", "ตัวชี้วัดย่อย"), ("group", "หมวด"), ("title", "ข้อมูล"),
        ("components", "องค์ประกอบ"), ("responsible", "ผู้รับผิดชอบ"), ("due_date", "กำหนดเสร็จ"),
        ("due_text", "เวลาดำเนินการ (ตามแผน)"), ("rhythm", "รอบการรายงาน"), ("status", "สถานะ"),
        ("evidence_url", "ลิงก์หลักฐาน"), ("version", "ฉบับที่"),
    ],
    "people": [
        ("id", "รหัส"), ("name", "ชื่อ"), ("rank", "ยศ"), ("position", "ตำแหน่ง"),
        ("variants", "การสะกดที่พบในแผน"), ("items", "จำนวนงานที่รับผิดชอบ"),
    ],
    "phases": [
        ("seq", "ลำดับ"), ("stage", "ช่วง"), ("step", "ขั้นตอนที่"), ("kind", "ประเภท"),
        ("name", "ขั้นตอน"), ("start", "เริ่ม"), ("end", "สิ้นสุด"), ("period_text", "ช่วงระยะเวลา (ตามแผน)"),
        ("description", "การดำเนินงาน"), ("responsible_text", "ผู้รับผิดชอบ"),
    ],
}

# The lit rows the dashboard pages show (overview drill-down, workload, meeting lists).
COLUMNS["plan-rows"] = [
    ("light", "สถานะสัญญาณ"), ("ref", "รหัส"), ("indicator", "ตัวชี้วัด"), ("sub_indicator", "ตัวชี้วัดย่อย"),
    ("title", "เรื่อง"), ("responsible", "ผู้รับผิดชอบ"), ("judged_due", "กำหนด"), ("due_text", "กำหนดตามแผน"),
    ("status", "สถานะ"), ("progress", "ความคืบหน้า (%)"), ("evidence_url", "ลิงก์หลักฐาน"),
]

COLUMNS["audit"] = [
    ("at", "เวลา"), ("user", "ผู้แก้ไข"), ("source", "ช่องทาง"), ("table", "ตาราง"), ("row_id", "รหัสแถว"),
    ("field", "ช่อง"), ("old", "ค่าเดิม"), ("new", "ค่าใหม่"),
]

LOADERS: dict[str, Callable[[Session, int, int], pd.DataFrame]] = {
    "activities": queries.activities,
    "oit-items": queries.oit_items,
    "people": queries.people,
    "phases": queries.phases,
    "audit": lambda session, station_id, _fiscal_year: audit.trail(session, station_id=station_id),
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: object) -> object:
    """Make user text safe for a spreadsheet: no formula start, no control characters."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL_XML.sub("", value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_frame(session: Session, table: str, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """The rows of ``table`` with exactly its export columns (English keys)."""
    keys = [key for key, _ in COLUMNS[table]]
    return LOADERS[table](session, station_id, fiscal_year)[keys]


def headers(table: str, lang: str) -> list[str]:
    """Header row of ``table`` in ``lang`` (``th`` or ``en``)."""
    return [key if lang == "en" else thai for key, thai in COLUMNS[table]]


def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise every text column; numbers and dates pass untouched."""
    return frame.apply(lambda column: column.map(neutralise) if _is_text(column) else column)


def to_csv_bytes(frame: pd.DataFrame, table: str, lang: str = "th") -> bytes:
    """CSV with BOM so Excel on Windows shows Thai; dates as ISO."""
    out = _safe(frame).copy()
    out.columns = headers(table, lang)
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, table: str, lang: str = "th", title: str = "") -> bytes:
    """A workbook with a title row, a bold frozen header, a Thai font and BE dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table[:31]
    body_font = Font(name=THAI_FONT, size=14)
    sheet.append([title or table])
    sheet["A1"].font = Font(name=THAI_FONT, size=16, bold=True)
    sheet.append(headers(table, lang))
    for cell in sheet[2]:
        cell.font = Font(name=THAI_FONT, size=14, bold=True)
    for record in _safe(frame).itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in record])
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.font = body_font
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, (date, datetime)):
                cell.number_format = BE_DATE_FORMAT
    for index, column in enumerate(frame.columns, start=1):
        longest = max([len(str(v)) for v in frame[column].head(200)] + [len(headers(table, lang)[index - 1])])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest * 0.9, 10), 60)
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(frame.columns))}{sheet.max_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
