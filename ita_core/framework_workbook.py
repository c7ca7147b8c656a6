"""The framework workbook: a year's ITA framework as one .xlsx, written and read back.

The NACC changes the framework between years; a central admin exports a year's framework
(``ita framework export``), edits it in Excel and imports it for another year
(``ita framework import``). Sheets are named by English keys (``indicators``, ``sub_indicators``,
``oit_items``, ``components``, ``phases``, ``scoring``, ``rating_bands``); row 1 is a title, row 2
the column titles (Thai by default, the English keys under ``lang="en"``; the reader accepts
both), data from row 3. Dates are real Excel dates shown in the Buddhist Era; text that a
spreadsheet would run as a formula is written quoted (``ita_core.exports.neutralise``).

:func:`read_framework_workbook` parses a file into typed rows, collecting every problem with its
sheet, row and column, and refuses the file as a whole. :func:`preview_framework_import` compares
the rows with a year's stored framework: per sheet, what would be added, changed (field: old →
new) and removed. ``Writer.import_framework`` applies exactly that, row by row, through the
framework services. Rows are matched by a key: indicators by number, sub-indicators by code,
items by code, components by item code and number, phases by number, rating bands by Thai label.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from ita_core.db import stored_id
from ita_core.exports import neutralise
from ita_core.framework import (
    catalogue_of,
    check_bands,
    check_scoring,
    due_date_problem,
    framework_indicators,
    framework_of,
    framework_phases,
    framework_sub_indicators,
    rating_band_rows,
    same_value,
)
from ita_core.labels import RHYTHM_TH, value_of, words_of
from ita_core.models import CatalogueComponent, CatalogueItem, Framework, OitItem, Rhythm, Tool
from ita_core.settings import get_settings
from ita_core.sheet_reader import FileRefused, Problem, RowReader, Sheet, column_name, read_sheets, shorten
from ita_core.thai_dates import format_be
from ita_core.workbooks import Table, workbook_bytes

# each sheet's columns: English key (the ``lang="en"`` header and the field) and Thai header
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "indicators": [("number", "ตัวชี้วัดที่"), ("tool", "เครื่องมือ"), ("name_th", "ชื่อตัวชี้วัด")],
    "sub_indicators": [("code", "รหัสตัวชี้วัดย่อย"), ("indicator", "ตัวชี้วัดที่"),
                       ("name_th", "ชื่อตัวชี้วัดย่อย")],
    "oit_items": [("code", "รหัสรายการ"), ("number", "ลำดับ"), ("sub_indicator", "ตัวชี้วัดย่อย"),
                  ("group_heading", "หัวข้อกลุ่ม"), ("title_th", "ชื่อรายการ"),
                  ("requirement_th", "สิ่งที่ต้องเผยแพร่"), ("rhythm", "รอบการเผยแพร่"),
                  ("deadline", "กำหนดเวลาตามเกณฑ์"), ("due_date", "วันกำหนดส่ง")],
    "components": [("item_code", "รหัสรายการ"), ("seq", "ข้อ"), ("text_th", "องค์ประกอบ")],
    "phases": [("seq", "ลำดับ"), ("kind", "ชนิดขั้นตอน"), ("name_th", "ชื่อขั้นตอน"), ("start", "วันเริ่ม"),
               ("end", "วันสิ้นสุด")],
    "scoring": [("key", "รายการ"), ("value", "ค่า")],
    "rating_bands": [("label_th", "ระดับ (ไทย)"), ("label_en", "ระดับ (อังกฤษ)"),
                     ("min_total", "คะแนนรวมขั้นต่ำ"), ("min_each_tool", "คะแนนขั้นต่ำรายเครื่องมือ")],
}
SHEET_TH = {"indicators": "ตัวชี้วัด", "sub_indicators": "ตัวชี้วัดย่อย", "oit_items": "รายการ OIT",
            "components": "องค์ประกอบของรายการ OIT", "phases": "ปฏิทิน ITA", "scoring": "เกณฑ์คะแนน",
            "rating_bands": "ระดับผลการประเมิน"}
SCORING_KEYS: dict[str, str] = {"scheme": "รูปแบบการให้คะแนน", "weight_iit": "น้ำหนัก IIT",
                                "weight_eit": "น้ำหนัก EIT", "weight_oit": "น้ำหนัก OIT",
                                "pass_mark": "เกณฑ์ผ่าน", "source_note": "ที่มาของเกณฑ์"}
# how the rows of each sheet are matched with the stored ones
KEYS: dict[str, tuple[str, ...]] = {"scoring": (), "indicators": ("number",), "sub_indicators": ("code",),
                                    "oit_items": ("code",), "components": ("item_code", "seq"),
                                    "phases": ("seq",), "rating_bands": ("label_th",)}
HEADER_ROWS = 5  # the header row is looked for among the first rows (a title may sit above it)


class FrameworkFileRefused(FileRefused):
    """A framework workbook that cannot be imported; :meth:`lines` give every problem in Thai with
    the file, sheet, row and column."""

    def __init__(self, file_name: str, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.file_name = file_name

    def lines(self) -> list[str]:
        return [f"ไฟล์ {self.file_name} {problem}" for problem in self.problems]


@dataclass(frozen=True)
class FrameworkWorkbook:
    """A read framework workbook: the scoring rule and each sheet's rows as typed field values."""

    file_name: str
    scoring: dict[str, Any]
    indicators: list[dict[str, Any]]
    sub_indicators: list[dict[str, Any]]
    oit_items: list[dict[str, Any]]
    components: list[dict[str, Any]]
    phases: list[dict[str, Any]]
    rating_bands: list[dict[str, Any]]

    def rows(self, sheet: str) -> list[dict[str, Any]]:
        """The rows of a sheet (the scoring rule as one row)."""
        if sheet == "scoring":
            return [self.scoring]
        rows: list[dict[str, Any]] = getattr(self, sheet)
        return rows


# --- writing ---------------------------------------------------------------------------------------

def framework_frames(session: Session, fiscal_year: int, *, lang: str = "th") -> dict[str, pd.DataFrame]:
    """The year's framework as one frame per sheet, with the English keys as columns."""
    framework = framework_of(session, fiscal_year)
    if framework is None:
        raise ValueError(f"fiscal year {fiscal_year} has no framework")
    items = catalogue_of(session, fiscal_year)
    codes = {item.id: item.code for item in items}
    components = session.exec(select(CatalogueComponent).join(CatalogueItem)
                              .where(col(CatalogueItem.fiscal_year) == fiscal_year)
                              .order_by(col(CatalogueItem.number), col(CatalogueItem.code),
                                        col(CatalogueComponent.seq))).all()
    records: dict[str, list[dict[str, Any]]] = {
        "indicators": [{"number": r.number, "tool": str(r.tool), "name_th": r.name_th}
                       for r in framework_indicators(session, fiscal_year)],
        "sub_indicators": [{"code": r.code, "indicator": r.indicator, "name_th": r.name_th}
                           for r in framework_sub_indicators(session, fiscal_year)],
        "oit_items": [{"code": r.code, "number": r.number, "sub_indicator": r.sub_indicator,
                       "group_heading": r.group_heading, "title_th": r.title_th,
                       "requirement_th": r.requirement_th,
                       "rhythm": _rhythm(r.rhythm, lang), "deadline": r.deadline, "due_date": r.due_date}
                      for r in items],
        "components": [{"item_code": codes[c.item_id], "seq": c.seq, "text_th": c.text_th}
                       for c in components],
        "phases": [{"seq": r.seq, "kind": r.kind, "name_th": r.name_th, "start": r.start, "end": r.end}
                   for r in framework_phases(session, fiscal_year)],
        "scoring": [{"key": key, "value": _scoring_value(framework, key)} for key in SCORING_KEYS],
        "rating_bands": [{"label_th": r.label_th, "label_en": r.label_en, "min_total": r.min_total,
                          "min_each_tool": r.min_each_tool} for r in rating_band_rows(session, fiscal_year)],
    }
    return {sheet: pd.DataFrame(records[sheet], columns=[key for key, _ in COLUMNS[sheet]], dtype=object)
            for sheet in COLUMNS}


def _rhythm(value: Rhythm, lang: str) -> str:
    """The rhythm as the file shows it: the stored word under English headers, else the Thai label."""
    return str(value) if lang == "en" else RHYTHM_TH[Rhythm(value)]


def _scoring_value(framework: Framework, key: str) -> Any:
    value = getattr(framework, key)
    return str(value) if key == "scheme" else value


def framework_workbook_bytes(session: Session, fiscal_year: int, *, lang: str = "th") -> bytes:
    """The year's framework as an .xlsx: one sheet per part, Thai column titles (English keys under
    ``lang="en"``), BE dates, formula-looking text quoted."""
    tables = []
    for sheet, frame in framework_frames(session, fiscal_year, lang=lang).items():
        keys = [key for key, _ in COLUMNS[sheet]]
        headers = keys if lang == "en" else [thai for _, thai in COLUMNS[sheet]]
        title = (f"ITA framework FY {fiscal_year}: {sheet}" if lang == "en"
                 else f"เกณฑ์การประเมิน ITA ปีงบประมาณ {fiscal_year}: {SHEET_TH[sheet]}")
        tables.append(Table(frame.map(neutralise), sheet, keys, headers, title))
    return workbook_bytes(tables)


# --- reading ---------------------------------------------------------------------------------------

def read_framework_workbook(data: bytes, *, file_name: str) -> FrameworkWorkbook:
    """The typed rows of a framework workbook; raises :class:`FrameworkFileRefused` with every
    problem found (a cell, a missing sheet or column, a duplicate key, a reference to a row the
    file lacks, weights that do not sum to 100 …)."""
    try:
        sheets = {sheet.name: sheet for sheet in read_sheets(data, file_name, get_settings())}
    except FileRefused as refused:
        raise FrameworkFileRefused(file_name, refused.problems) from refused
    errors: list[Problem] = []
    rows: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for name in COLUMNS:
        sheet = sheets.get(name)
        if sheet is None:
            errors.append(Problem(f"ไม่มีแผ่นงาน «{name}» ({SHEET_TH[name]}): ใช้ไฟล์ที่ส่งออกด้วย "
                                  "`ita framework export` เป็นต้นแบบ"))
            continue
        rows[name] = _read_sheet(sheet, errors)
    if not errors:
        scoring = _scoring(sheets["scoring"], rows["scoring"], errors)
        _check_keys(sheets, rows, errors)
        _check_references(sheets, rows, errors)
        for message in check_bands([values for _, values in rows["rating_bands"]]):
            errors.append(Problem(message, sheet="rating_bands"))
    if errors:
        raise FrameworkFileRefused(file_name, errors)
    return FrameworkWorkbook(file_name, scoring, *([values for _, values in rows[name]] for name in (
        "indicators", "sub_indicators", "oit_items", "components", "phases", "rating_bands")))


def _header_row(sheet: Sheet) -> tuple[int, list[str]] | None:
    """Where the column titles are (0-based row) and which titles (Thai or English) the sheet uses."""
    for titles in ([key for key, _ in COLUMNS[sheet.name]], [thai for _, thai in COLUMNS[sheet.name]]):
        for index, row in enumerate(sheet.rows[:HEADER_ROWS]):
            found = [str(cell).strip() if cell is not None else "" for cell in row[:len(titles)]]
            if found == titles:
                return index, titles
    return None


def _read_sheet(sheet: Sheet, errors: list[Problem]) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's data rows as (spreadsheet row number, typed values); empty rows are skipped."""
    header = _header_row(sheet)
    if header is None:
        expected = ", ".join(thai for _, thai in COLUMNS[sheet.name])
        errors.append(Problem(f"ไม่พบแถวหัวคอลัมน์ ต้องมีคอลัมน์ {expected} ตามลำดับ "
                              f"(หรือ {', '.join(key for key, _ in COLUMNS[sheet.name])})", sheet=sheet.name))
        return []
    index, titles = header
    keys = [key for key, _ in COLUMNS[sheet.name]]
    out = []
    for number, values in enumerate(sheet.rows[index + 1:], start=index + 2):
        if not any(value not in (None, "") for value in values):
            continue
        reader = RowReader(sheet, number=number, values=values, keys=keys, headers=titles, errors=errors)
        out.append((number, READERS[sheet.name](reader)))
    return out


def _text(reader: RowReader, key: str, what: str) -> str:
    """Text that must not be blank."""
    text = reader.text(key).strip()
    if not text:
        reader.problem(key, f"ต้องมี{what}")
    return text


def _score(reader: RowReader, key: str, *, required: bool = True) -> float | None:
    """A score 0–100, decimals allowed; blank is None unless ``required``."""
    value = reader.raw(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            reader.problem(key, "ต้องมีคะแนน (0–100)")
        return None
    try:
        numeric = isinstance(value, (int, float, str)) and not isinstance(value, bool)
        number = float(value) if numeric else None  # type: ignore[arg-type]
    except ValueError:
        number = None
    if number is None or not 0 <= number <= 100:
        reader.problem(key, f"ต้องเป็นคะแนน 0–100 แต่พบ {shorten(value)}")
        return None
    return number


def _read_indicator(reader: RowReader) -> dict[str, Any]:
    tool = reader.text("tool").strip().upper()
    if tool not in {member.value for member in Tool}:
        reader.problem("tool", f"เครื่องมือต้องเป็น IIT, EIT หรือ OIT แต่พบ {shorten(tool)}")
    return {"number": reader.integer("number", low=1, high=99, what="เลขตัวชี้วัด"), "tool": tool,
            "name_th": _text(reader, "name_th", "ชื่อตัวชี้วัด")}


def _read_sub_indicator(reader: RowReader) -> dict[str, Any]:
    return {"code": _text(reader, "code", "รหัสตัวชี้วัดย่อย (เช่น 9.1)"),
            "indicator": reader.integer("indicator", low=1, high=99, what="เลขตัวชี้วัด"),
            "name_th": _text(reader, "name_th", "ชื่อตัวชี้วัดย่อย")}


def _read_item(reader: RowReader) -> dict[str, Any]:
    word = reader.text("rhythm").strip()
    rhythm = value_of(word, Rhythm) if word else Rhythm.ONCE
    if rhythm is None:
        reader.problem("rhythm", f"ไม่รู้จักรอบการเผยแพร่ {shorten(word)} (ใช้ {words_of(Rhythm)})")
    return {"code": _text(reader, "code", "รหัสรายการ (เช่น O1)"),
            "number": reader.integer("number", low=1, high=999, what="ลำดับรายการ"),
            "sub_indicator": _text(reader, "sub_indicator", "ตัวชี้วัดย่อย"),
            "group_heading": reader.text("group_heading").strip(),
            "title_th": _text(reader, "title_th", "ชื่อรายการ"),
            "requirement_th": reader.text("requirement_th").strip(),
            "rhythm": rhythm.value if rhythm else word, "deadline": reader.text("deadline").strip(),
            "due_date": reader.day("due_date")}


def _read_component(reader: RowReader) -> dict[str, Any]:
    return {"item_code": _text(reader, "item_code", "รหัสรายการ"),
            "seq": reader.integer("seq", low=1, high=999, what="เลขข้อ"),
            "text_th": _text(reader, "text_th", "ข้อความองค์ประกอบ")}


def _read_phase(reader: RowReader) -> dict[str, Any]:
    start, end = reader.day("start"), reader.day("end")
    for key, day in (("start", start), ("end", end)):
        if day is None and reader.raw(key) in (None, ""):
            reader.problem(key, "ต้องมีวันที่")
    if start and end and end < start:
        reader.problem("end", f"วันสิ้นสุด {format_be(end)} มาก่อนวันเริ่ม {format_be(start)}")
    return {"seq": reader.integer("seq", low=1, high=999, what="ลำดับขั้นตอน"),
            "kind": _text(reader, "kind", "ชนิดขั้นตอน"), "name_th": _text(reader, "name_th", "ชื่อขั้นตอน"),
            "start": start, "end": end}


def _read_scoring(reader: RowReader) -> dict[str, Any]:
    word = reader.text("key").strip()
    key = next((k for k, thai in SCORING_KEYS.items() if word in (k, thai)), None)
    if key is None:
        reader.problem("key", f"ไม่รู้จักรายการ {shorten(word)} (ใช้ {', '.join(SCORING_KEYS)})")
        return {}
    if key in ("scheme", "source_note"):
        return {key: reader.text("value").strip()}
    return {key: _score(reader, "value")}


def _read_band(reader: RowReader) -> dict[str, Any]:
    return {"label_th": _text(reader, "label_th", "ชื่อระดับ (ไทย)"),
            "label_en": reader.text("label_en").strip(), "min_total": _score(reader, "min_total"),
            "min_each_tool": _score(reader, "min_each_tool", required=False)}


READERS = {"indicators": _read_indicator, "sub_indicators": _read_sub_indicator, "oit_items": _read_item,
           "components": _read_component, "phases": _read_phase, "scoring": _read_scoring,
           "rating_bands": _read_band}


def _scoring(sheet: Sheet, rows: list[tuple[int, dict[str, Any]]], errors: list[Problem]) -> dict[str, Any]:
    """The scoring rule from its key/value rows: every key once, the weights summing to 100."""
    scoring: dict[str, Any] = {"source_note": ""}
    seen: dict[str, int] = {}
    for number, values in rows:
        for key, value in values.items():
            if key in seen:
                errors.append(Problem(f"รายการ {key} ซ้ำกับแถว {seen[key]}", sheet.name, number))
            seen[key] = number
            scoring[key] = value
    missing = [key for key in SCORING_KEYS if key not in scoring]
    if missing:
        errors.append(Problem(f"ขาดรายการ {', '.join(missing)}", sheet=sheet.name))
    elif all(value is not None for value in scoring.values()):
        errors += [Problem(message, sheet=sheet.name) for message in check_scoring(scoring)]
    return scoring


def _key_of(sheet: str, values: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(values.get(name) for name in KEYS[sheet])


def _check_keys(sheets: dict[str, Sheet], rows: dict[str, list[tuple[int, dict[str, Any]]]],
                errors: list[Problem]) -> None:
    """No two rows of a sheet share a key (a code, a number, a label)."""
    for name, key_fields in KEYS.items():
        if not key_fields:
            continue
        first: dict[tuple[Any, ...], int] = {}
        headers = [thai for _, thai in COLUMNS[name]]
        for number, values in rows[name]:
            key = _key_of(name, values)
            if any(part in (None, "") for part in key):
                continue
            if key in first:
                index = [k for k, _ in COLUMNS[name]].index(key_fields[-1])
                shown = " ข้อ ".join(str(part) for part in key)
                errors.append(Problem(f"{shown} ซ้ำกับแถว {first[key]}", sheets[name].name, number,
                                      column_name(index, headers[index])))
            else:
                first[key] = number


def _check_references(sheets: dict[str, Sheet], rows: dict[str, list[tuple[int, dict[str, Any]]]],
                      errors: list[Problem]) -> None:
    """Each sub-indicator names an indicator of the file, each item a sub-indicator, each
    component an item."""
    checks = (("sub_indicators", "indicator", "indicators", "number", "ไม่มีตัวชี้วัดที่ {} ในแผ่นงาน indicators"),
              ("oit_items", "sub_indicator", "sub_indicators", "code",
               "ไม่มีตัวชี้วัดย่อย {} ในแผ่นงาน sub_indicators"),
              ("components", "item_code", "oit_items", "code", "ไม่มีรายการ {} ในแผ่นงาน oit_items"))
    for sheet, field_name, target, target_field, message in checks:
        known = {values.get(target_field) for _, values in rows[target]}
        keys = [key for key, _ in COLUMNS[sheet]]
        index = keys.index(field_name)
        for number, values in rows[sheet]:
            value = values.get(field_name)
            if value not in (None, "") and value not in known:
                errors.append(Problem(message.format(value), sheets[sheet].name, number,
                                      column_name(index, COLUMNS[sheet][index][1])))


# --- comparing with the stored framework ------------------------------------------------------------

@dataclass(frozen=True)
class RowChange:
    """One row an import adds, changes or removes. ``fields`` maps each changed field to
    (stored, file); ``values`` are the file's values (the stored ones for a removal)."""

    key: tuple[Any, ...]
    row_id: int | None = None
    version: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)

    def label(self) -> str:
        """How a person names the row: ``O5``, ``9.2``, ``O5 ข้อ 3``, ``ผ่านดี``."""
        return " ข้อ ".join(str(part) for part in self.key) if self.key else "เกณฑ์คะแนน"


@dataclass
class SheetChanges:
    """What an import does to the rows of one sheet."""

    sheet: str
    added: list[RowChange] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    removed: list[RowChange] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed)}


@dataclass
class FrameworkChanges:
    """The difference between a framework workbook and a year's stored framework, per sheet.
    ``blocked`` says which removals the write path will refuse (items stations' plans hold)."""

    fiscal_year: int
    new_framework: bool
    sheets: dict[str, SheetChanges]
    blocked: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        return {name: changes.counts() for name, changes in self.sheets.items()}

    def fingerprint(self) -> str:
        """What this preview would write, with the stored versions it compared against: an import
        given the fingerprint of the preview a person confirmed refuses when it moved meanwhile."""
        planned = [(name, kind, row.key, row.row_id, row.version, sorted(row.fields.items(), key=str))
                   for name, sheet in self.sheets.items()
                   for kind, rows in (("added", sheet.added), ("changed", sheet.changed),
                                      ("removed", sheet.removed))
                   for row in rows]
        return hashlib.sha256(repr((self.new_framework, planned)).encode()).hexdigest()[:16]

    def total(self) -> int:
        return sum(sum(counts.values()) for counts in self.counts().values())

    def lines(self, *, lang: str = "th", blocked: bool = True) -> list[str]:
        """The preview a person reads: a line per sheet with changes, then one per changed row, and
        (unless ``blocked`` is False) what the import would refuse."""
        english = lang == "en"
        head = (f"FY {self.fiscal_year}: " if english else f"ปีงบประมาณ {self.fiscal_year}: ") + (
            ("new framework" if english else "สร้างเกณฑ์ใหม่") if self.new_framework else
            ("no changes" if english else "ไม่มีอะไรเปลี่ยน") if not self.total() else
            ("changes to the framework" if english else "การเปลี่ยนแปลงของเกณฑ์"))
        out = [head]
        words = ("added", "changed", "removed") if english else ("เพิ่ม", "แก้ไข", "ลบ")
        for name, changes in self.sheets.items():
            counts = changes.counts()
            if not any(counts.values()):
                continue
            parts = [f"{word} {count}" for word, count in zip(words, counts.values(), strict=True) if count]
            out.append(f"  {name if english else f'{SHEET_TH[name]} ({name})'}: {', '.join(parts)}")
            for row in changes.added:
                out.append(f"    + {row.label()}{_name(row.values)}")
            for row in changes.changed:
                fields = "; ".join(f"{_field_name(name, k, english)}: {_shown(old, k, lang)} → "
                                   f"{_shown(new, k, lang)}" for k, (old, new) in row.fields.items())
                out.append(f"    ~ {row.label()}: {fields}")
            for row in changes.removed:
                out.append(f"    - {row.label()}{_name(row.values)}")
        out += [f"  {'refused' if english else 'ทำไม่ได้'}: {reason}" for reason in self.blocked if blocked]
        return out


def _name(values: dict[str, Any]) -> str:
    """A row's name after its key in a preview line (the title, name or text it has)."""
    name = next((values[k] for k in ("title_th", "name_th", "text_th") if values.get(k)), "")
    return f" {shorten(name, 50)}" if name else ""


def _field_name(sheet: str, key: str, english: bool) -> str:
    if english:
        return key
    if sheet == "scoring":
        return SCORING_KEYS.get(key, key)
    return dict(COLUMNS[sheet]).get(key, key)


def _shown(value: Any, key: str = "", lang: str = "th") -> str:
    """A value in a preview line; a rhythm in the words the file uses (Thai unless ``lang="en"``),
    so a Thai reader never sees the stored ``monthly``."""
    if value is None or value == "":
        return "(ว่าง)"
    if key == "rhythm":
        return _rhythm(value, lang)
    if isinstance(value, date):
        return format_be(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return shorten(value, 60)


# the stored rows of a year, per sheet: key → (row id, version, values of the sheet's fields)
Stored = dict[tuple[Any, ...], tuple[int, int, dict[str, Any]]]


def _stored(session: Session, fiscal_year: int) -> dict[str, Stored]:
    def fields(sheet: str) -> list[str]:
        return [key for key, _ in COLUMNS[sheet] if key not in KEYS[sheet]]

    def table(sheet: str, rows: Sequence[Any]) -> Stored:
        return {tuple(getattr(r, k) for k in KEYS[sheet]): (stored_id(r), r.version,
                                                            {f: getattr(r, f) for f in fields(sheet)})
                for r in rows}

    items = catalogue_of(session, fiscal_year)
    codes = {item.id: item.code for item in items}
    components = session.exec(select(CatalogueComponent).join(CatalogueItem)
                              .where(col(CatalogueItem.fiscal_year) == fiscal_year)).all()
    framework = framework_of(session, fiscal_year)
    return {
        "scoring": ({(): (fiscal_year, framework.version, {k: getattr(framework, k) for k in SCORING_KEYS})}
                    if framework else {}),
        "indicators": table("indicators", framework_indicators(session, fiscal_year)),
        "sub_indicators": table("sub_indicators", framework_sub_indicators(session, fiscal_year)),
        "oit_items": table("oit_items", items),
        "components": {(codes[c.item_id], c.seq): (stored_id(c), c.version, {"text_th": c.text_th})
                       for c in components},
        "phases": table("phases", framework_phases(session, fiscal_year)),
        "rating_bands": table("rating_bands", rating_band_rows(session, fiscal_year)),
    }


def preview_framework_import(session: Session, fiscal_year: int,
                             workbook: FrameworkWorkbook) -> FrameworkChanges:
    """What importing ``workbook`` into ``fiscal_year`` would add, change and remove; writes nothing."""
    stored = _stored(session, fiscal_year)
    changes = FrameworkChanges(fiscal_year, new_framework=not stored["scoring"], sheets={})
    for sheet in ("scoring", *(name for name in COLUMNS if name != "scoring")):
        result = SheetChanges(sheet)
        current = stored[sheet]
        wanted = {_key_of(sheet, values): values for values in workbook.rows(sheet)}
        for key, values in wanted.items():
            own = {k: v for k, v in values.items() if k not in KEYS[sheet]}
            if key not in current:
                result.added.append(RowChange(key, values=values))
                continue
            row_id, version, old = current[key]
            diff = {k: (old[k], v) for k, v in own.items() if k in old and not same_value(old[k], v)}
            if diff:
                result.changed.append(RowChange(key, row_id, version, values=own, fields=diff))
        for key, (row_id, version, old) in current.items():
            if key not in wanted:
                result.removed.append(RowChange(key, row_id, version, values=old))
        changes.sheets[sheet] = result
    for row in [*changes.sheets["oit_items"].added, *changes.sheets["oit_items"].changed]:
        problem = due_date_problem(fiscal_year, row.values.get("due_date"))
        if problem and (row.row_id is None or "due_date" in row.fields):
            changes.blocked.append(f"รายการ {row.label()}: {problem}")
    for row in changes.sheets["oit_items"].removed:
        held = session.exec(select(OitItem.station_id)
                            .where(col(OitItem.catalogue_item_id) == row.row_id)).all()
        if held:
            changes.blocked.append(f"ลบรายการ {row.label()} ไม่ได้: สถานี {len(set(held))} แห่ง "
                                   f"มีรายการนี้ในแผนอยู่ ({len(held)} แถว)")
    return changes
