"""Exports: the tables of the plan as CSV (UTF-8 with BOM) and Excel, Thai or English headers.

In Thai (the default) stored words a person reads, such as a status (``done`` → ``เสร็จแล้ว``),
are written as their labels from :mod:`ita_core.labels` (``THAI_VALUES``); ``--lang en`` keeps
the stored words. The importer reads either back.

Text a user typed can start with ``=``, ``+``, ``-``, ``@``, tab or CR; spreadsheet programs
would run it as a formula, so such text is prefixed with an apostrophe (OWASP CSV
injection) in both formats. Numbers and dates stay numbers and dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session

from ita_core import audit, plan, queries, workbooks
from ita_core.labels import PHASE_KIND_TH, SOURCE_TH, STATUS_TH, TABLE_TH
from ita_core.settings import Settings
from ita_core.status import LABEL_TH, OVERALL_TH
from ita_core.thai_dates import format_be, in_app_style
from ita_core.workbooks import BE_DATE_FORMAT as BE_DATE_FORMAT  # shows 30 มี.ค. 2567 (Excel, LibreOffice)
from ita_core.workbooks import THAI_FONT as THAI_FONT

# table → (English key, Thai header); the English keys are the contract of `--lang en`.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "activities": [
        ("id", "รหัส"), ("fiscal_year", "ปีงบประมาณ"), ("station", "สถานี"), ("indicator", "ตัวชี้วัด"),
        ("issue", "ประเด็นที่ต้องเตรียมความพร้อม/ยกระดับ"), ("activity", "กิจกรรมที่จะดำเนินการ"),
        ("output", "ผลผลิต"), ("awareness", "วิธีการสร้างการรับรู้"), ("due_date", "กำหนดเสร็จ"),
        ("due_text", "ระยะเวลาแล้วเสร็จ (ตามแผน)"), ("cadence", "ระยะเวลากำกับติดตาม"),
        ("responsible", "ผู้รับผิดชอบ"), ("status", "สถานะ"), ("progress", "ความคืบหน้า (%)"),
        ("note", "หมายเหตุ"), ("evidence_url", "ลิงก์หลักฐาน"), ("version", "ฉบับที่"),
    ],
    "oit-items": [
        ("code", "ข้อ"), ("sub_indicator", "ตัวชี้วัดย่อย"), ("group", "หมวด"), ("title", "ข้อมูล"),
        ("components", "องค์ประกอบ"), ("responsible", "ผู้รับผิดชอบ"), ("due_date", "กำหนดเสร็จ"),
        ("due_text", "เวลาดำเนินการ (ตามแผน)"), ("rhythm", "รอบการรายงาน"), ("status", "สถานะ"),
        ("note", "หมายเหตุ"), ("evidence_url", "ลิงก์หลักฐาน"), ("version", "ฉบับที่"),
    ],
    "people": [
        ("id", "รหัส"), ("name", "ชื่อ"), ("rank", "ยศ"), ("position", "ตำแหน่ง"),
        ("variants", "การสะกดที่พบในแผน"), ("items", "จำนวนงานที่รับผิดชอบ"), ("email", "อีเมล"),
        ("line_user_id", "LINE user id"),
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

# The summary sheet of the ITA plan workbook: one row per indicator, lit at the as-of date.
COLUMNS["summary"] = [
    ("number", "ตัวชี้วัด"), ("name_th", "ชื่อตัวชี้วัด"), ("tool", "เครื่องมือ"), ("overall", "สัญญาณ"),
    ("total", "จำนวนรายการ"), ("done", "เสร็จแล้ว"), ("green", "เขียว (เสร็จ/ตามแผน)"),
    ("yellow", "เหลือง (เสี่ยงล่าช้า)"), ("red", "แดง (เลยกำหนด)"), ("grey", "เทา (ไม่ประเมิน)"),
    ("percent_done", "ร้อยละที่เสร็จ"),
]

# The province / region roll-up: one row per station (lights as Thai words).
COLUMNS["stations"] = [
    ("code", "รหัสสถานี"), ("name", "สถานี"), ("province", "จังหวัด"), ("overall", "สัญญาณ"),
    ("percent_done", "ร้อยละที่เสร็จ"), ("done", "เสร็จแล้ว"), ("at_risk", "เสี่ยงล่าช้า"), ("overdue", "เลยกำหนด"),
    ("oit_share", "ร้อยละ OIT ที่มีหลักฐาน"),
]

# Survey respondents recorded per quota and day (the quotas page).
COLUMNS["survey-counts"] = [
    ("day", "วันที่"), ("tool", "เครื่องมือ"), ("department", "ฝ่าย"), ("collected", "จำนวน (คน)"),
    ("note", "หมายเหตุ"), ("updated_by", "ผู้บันทึก"),
]

# The plan's issues to improve, per indicator (ประเด็นที่ต้องปรับปรุงและยกระดับพัฒนา).
COLUMNS["plan-issues"] = [
    ("indicator", "ตัวชี้วัด"), ("seq", "ลำดับ"), ("text", "ประเด็นที่ต้องปรับปรุงและยกระดับพัฒนา"),
]

COLUMNS["audit"] = [
    ("at", "เวลา"), ("user", "ผู้แก้ไข"), ("source", "ช่องทาง"), ("table", "ตาราง"), ("row_id", "รหัสแถว"),
    ("field", "ช่อง"), ("old", "ค่าเดิม"), ("new", "ค่าใหม่"),
]

# The OIT publication matrix: these columns, then one per month of the fiscal year (2023-10 … /
# ต.ค. 66 …); built by ita_core.oit_matrix.export_table, which passes its column spec below.
COLUMNS["oit-matrix"] = [("code", "ข้อ"), ("sub_indicator", "ตัวชี้วัดย่อย"), ("title", "ข้อมูล")]

LOADERS: dict[str, Callable[[Session, int, int], pd.DataFrame]] = {
    "activities": queries.activities,
    "oit-items": queries.oit_items,
    "people": queries.people,
    "phases": queries.phases,
    "plan-issues": queries.plan_issues,
    # only `ita export audit` reads this (the server's central command line): what belongs to no
    # station too; the audit page filters for a station admin itself
    "audit": lambda session, station_id, _fiscal_year: audit.trail(session, station_id=station_id,
                                                                   central=True),
}

# table → column key → the Thai words of its stored values (Thai exports only).
THAI_VALUES: dict[str, dict[str, Mapping[Any, str]]] = {
    "activities": {"status": STATUS_TH}, "oit-items": {"status": STATUS_TH},
    "plan-rows": {"status": STATUS_TH}, "phases": {"kind": PHASE_KIND_TH},
    "audit": {"source": SOURCE_TH, "table": TABLE_TH},
}

# table → column keys hidden in its Excel sheets: the importer's keys and counters, what the title
# row already says, and links nobody can follow on paper. Without them the sample plan's 26
# activities print on 5 A4 landscape pages at 70 % or more (9 with them); the cells stay in the
# file, so an export → import round trip changes nothing, and "unhide" shows them again.
PRINT_HIDDEN: dict[str, frozenset[str]] = {
    "activities": frozenset({"id", "fiscal_year", "station", "version", "evidence_url"}),
    "oit-items": frozenset({"version", "evidence_url"}),
    "plan-rows": frozenset({"evidence_url"}),
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _needs_quote(text: str) -> bool:
    """Text a spreadsheet would read as a formula, or that already looks like quoted formula text.

    Quoting ``'=x`` again (as ``''=x``) keeps the mapping one-to-one, so the importer can undo
    it exactly and an export → import round trip changes nothing.
    """
    return text.startswith(_FORMULA_START) or (text.startswith("'") and _needs_quote(text[1:]))


def neutralise(value: object) -> object:
    """Make user text safe for a spreadsheet: no formula start, no control characters."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL_XML.sub("", value)
    if _needs_quote(value):
        return "'" + value
    return value


def unneutralise(value: object) -> object:
    """The text a user typed, from a cell :func:`neutralise` wrote (used by the importer)."""
    if isinstance(value, str) and value.startswith("'") and _needs_quote(value[1:]):
        return value[1:]
    return value


def export_frame(session: Session, table: str, station_id: int, fiscal_year: int) -> pd.DataFrame:
    """The rows of ``table`` with exactly its export columns (English keys)."""
    keys = [key for key, _ in COLUMNS[table]]
    return LOADERS[table](session, station_id, fiscal_year)[keys]


def headers(table: str, lang: str, columns: list[tuple[str, str]] | None = None) -> list[str]:
    """Header row of ``table`` in ``lang`` (``th`` or ``en``); ``columns`` overrides COLUMNS[table]
    for tables whose columns depend on the year (the OIT matrix)."""
    return [key if lang == "en" else thai for key, thai in (columns or COLUMNS[table])]


def _word(table: Mapping[Any, str]) -> Callable[[object], object]:
    return lambda value: table.get(value, value) if isinstance(value, str) else value


def in_words(frame: pd.DataFrame, table: str, lang: str) -> pd.DataFrame:
    """``frame`` with the stored words of ``table``'s worded columns as Thai labels (``lang`` th);
    English keeps them. A changed status in the audit trail is worded too."""
    columns = {key: words for key, words in THAI_VALUES.get(table, {}).items() if key in frame.columns}
    if lang == "en" or not columns:
        return frame
    out = frame.copy()
    for key, words in columns.items():
        out[key] = out[key].map(_word(words))
    if table == "audit" and {"field", "old", "new"} <= set(out.columns):
        status = out["field"] == "status"
        for key in ("old", "new"):
            out.loc[status, key] = out.loc[status, key].map(_word(STATUS_TH))
    return out


def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Neutralise every text column; numbers and dates pass untouched."""
    safe: pd.DataFrame = frame.apply(lambda column: column.map(neutralise) if _is_text(column) else column)
    return safe


def to_csv_bytes(frame: pd.DataFrame, table: str, lang: str = "th",
                 columns: list[tuple[str, str]] | None = None) -> bytes:
    """CSV with BOM so Excel on Windows shows Thai; dates as ISO."""
    out = _safe(in_words(frame, table, lang)).copy()
    out.columns = headers(table, lang, columns)
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, table: str, lang: str = "th", title: str = "",
                  columns: list[tuple[str, str]] | None = None) -> bytes:
    """A styled one-sheet workbook (see ``ita_core.workbooks``): title row, frozen filtered header,
    Thai font, BE dates, light fills, print setup."""
    return workbooks.workbook_bytes([_sheet(frame, table, table, lang, title or table, columns)])


def _sheet(frame: pd.DataFrame, table: str, name: str, lang: str, title: str,
           columns: list[tuple[str, str]] | None = None) -> workbooks.Table:
    """One neutralised table as a sheet named ``name``, with ``table``'s (or ``columns``') headers."""
    keys = [key for key, _ in (columns or COLUMNS[table])]
    return workbooks.Table(_safe(in_words(frame, table, lang)), name=name, keys=keys,
                           headers=headers(table, lang, columns), title=title,
                           hidden=PRINT_HIDDEN.get(table, frozenset()))


def plan_title(station_name: str, fiscal_year: int, as_of: date) -> str:
    """The title row of an exported sheet: station, fiscal year and as-of date (BE)."""
    return f"{station_name} · ปีงบประมาณ {fiscal_year} · ข้อมูล ณ {format_be(as_of)}"


# The "ITA plan" workbook: sheet name → table; the summary sheet comes first.
PLAN_SHEETS = {"สรุปตัวชี้วัด": "summary", "รายการ ณ วันที่": "plan-rows", "กิจกรรม": "activities",
               "ข้อมูล OIT": "oit-items", "บุคลากร": "people", "ปฏิทิน ITA": "phases",
               "ประเด็นที่ต้องปรับปรุง": "plan-issues"}


def plan_frames(session: Session, station_id: int, fiscal_year: int, as_of: date,
                settings: Settings) -> dict[str, pd.DataFrame]:
    """Every table of the ITA plan workbook with its export columns, lights as Thai words."""
    rows = plan.plan_rows(session, station_id, fiscal_year, as_of, settings)
    summary = plan.indicator_lights(rows, queries.indicators(session, fiscal_year))
    summary["overall"] = summary["overall"].map(OVERALL_TH)
    lit = rows.sort_values(["indicator", "judged_due", "ref"], na_position="last")
    # the row sheet is never read back, so its plan wording may take the app's date style
    frames = {"summary": summary, "plan-rows": lit.assign(light=lit["light"].map(LABEL_TH),
                                                          due_text=lit["due_text"].map(in_app_style))}
    for table in ("activities", "oit-items", "people", "phases", "plan-issues"):
        frames[table] = LOADERS[table](session, station_id, fiscal_year)
    return {table: frame[[key for key, _ in COLUMNS[table]]] for table, frame in frames.items()}


def plan_workbook_bytes(session: Session, station_id: int, fiscal_year: int, as_of: date, settings: Settings,
                        lang: str = "th") -> bytes:
    """One sheet per table plus a summary sheet of indicator lights at ``as_of``. A table with no
    rows (a new station has no ITA calendar yet) gets no sheet, so nothing prints a header-only
    page; the importer finds each sheet by its headers and misses none."""
    station = queries.stations(session)
    name = next((s.name_th for s in station if s.id == station_id), "")
    title = plan_title(name, fiscal_year, as_of)
    frames = plan_frames(session, station_id, fiscal_year, as_of, settings)
    return workbooks.workbook_bytes(_sheet(frames[table], table, sheet_name, lang, title)
                                    for sheet_name, table in PLAN_SHEETS.items() if len(frames[table]))
