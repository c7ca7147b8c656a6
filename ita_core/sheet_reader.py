"""Read an uploaded spreadsheet safely into plain cell values, or say in Thai why not.

Only .xlsx and our own UTF-8 .csv are accepted. Before openpyxl sees a byte the file is
checked for size, for the OLE container of a password-protected (encrypted) or old .xls
workbook, and for the ZIP signature (a renamed text file is not a workbook); the ZIP's
unpacked size is bounded so a small file cannot unpack into gigabytes. A workbook with
formulas or merged cells is refused cell by cell: the importer reads values, and a formula's
value or a merged range's hidden cells would be a guess.

:class:`RowReader` then reads the typed cells of one row (text, whole numbers, dates), and
collects each problem in Thai with the sheet, row and column a person looks for in Excel.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.cell.rich_text import CellRichText
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

from ita_core.exports import _ILLEGAL_XML, unneutralise
from ita_core.limits import TextRefused, clean_text
from ita_core.settings import Settings
from ita_core.thai_dates import DueKind, format_be, parse_due

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: encrypted .xlsx or old .xls
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
UNPACK_FACTOR = 10  # a workbook may unpack to at most this many times the byte limit (50 MB)
MAX_RATIO = 100  # a part larger than RATIO_FLOOR may unpack to at most this many times its packed size
RATIO_FLOOR = 1024 * 1024  # small parts (styles, a short sheet) may be all repetition
MAX_LISTED = 10  # problems of one kind listed per sheet before "and N more"

# a value as csv gives it or as openpyxl reads it (a time or a duration from a cell formatted so)
Cell = str | int | float | bool | date | datetime | time | timedelta | None


@dataclass(frozen=True)
class Problem:
    """Something wrong in a file, with where it is (sheet, row, column), in Thai."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"แผ่นงาน «{self.sheet}»")
        if self.row is not None:
            where.append(f"แถว {self.row}")
        if self.column:
            where.append(f"คอลัมน์ {self.column}")
        return f"{' '.join(where)}: {self.message}" if where else self.message


@dataclass
class Sheet:
    """One sheet's values: ``rows[i]`` is spreadsheet row ``i + 1``; trailing empty cells cut."""

    name: str
    rows: list[list[Cell]] = field(default_factory=list)


class FileRefused(ValueError):
    """A file that cannot be read at all; ``problems`` say why, in Thai."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def column_name(index: int, header: object = None) -> str:
    """``C (ผลผลิต)``: the column letter a person sees, and its header when known."""
    letter = get_column_letter(index + 1)
    return f"{letter} ({header})" if header not in (None, "") else letter


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def read_sheets(data: bytes, file_name: str, settings: Settings) -> list[Sheet]:
    """The sheets of an uploaded .xlsx or .csv; raises FileRefused with every problem found."""
    if not data:
        raise FileRefused([Problem(f"ไฟล์ {file_name} ว่างเปล่า (0 ไบต์)")])
    if len(data) > settings.import_max_bytes:
        raise FileRefused([Problem(
            f"ไฟล์ใหญ่ {_megabytes(len(data))} เกินขีดจำกัด {_megabytes(settings.import_max_bytes)} "
            "(ตั้งค่า ITA_IMPORT_MAX_BYTES) แบ่งไฟล์ให้เล็กลงแล้วนำเข้าทีละส่วน")])
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise FileRefused([Problem("ไฟล์นี้ตั้งรหัสผ่านไว้ ระบบเปิดไม่ได้: เปิดใน Excel แล้วเอารหัสผ่านออก "
                                       "(ไฟล์ › ข้อมูล › ป้องกันเวิร์กบุ๊ก) บันทึกแล้วนำเข้าใหม่")])
        raise FileRefused([Problem("ไฟล์นี้เป็น Excel รุ่นเก่า (.xls): เปิดใน Excel แล้วบันทึกเป็น .xlsx ก่อน")])
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".csv":
        return [_read_csv(data, file_name, settings)]
    if suffix not in (".xlsx", ".xlsm"):
        raise FileRefused([Problem(f"ไฟล์ {file_name}: รองรับเฉพาะ Excel (.xlsx) และ CSV (.csv)")])
    if not data.startswith(ZIP_MAGIC):
        raise FileRefused([Problem(f"ไฟล์ {file_name} ตั้งชื่อเป็น {suffix} แต่เนื้อในไม่ใช่ไฟล์ Excel "
                                   "(อาจเป็นไฟล์ข้อความหรือไฟล์เสีย): เปิดใน Excel แล้วบันทึกเป็น .xlsx ใหม่")])
    return _read_xlsx(data, file_name, settings)


def _read_csv(data: bytes, file_name: str, settings: Settings) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused([Problem(f"ไฟล์ {file_name} ไม่ได้เข้ารหัส UTF-8 (ตำแหน่งไบต์ {exc.start}): "
                                   "ใน Excel ใช้ บันทึกเป็น › CSV UTF-8")]) from exc
    if "\x00" in text:
        raise FileRefused([Problem(f"ไฟล์ {file_name} มีอักขระ NUL: ไม่ใช่ไฟล์ CSV ข้อความ")])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows: list[list[Cell]] = [list(row) for row in reader]
    except csv.Error as exc:  # a cell over csv's field limit (131,072 characters)
        raise FileRefused([Problem(f"ไฟล์ {file_name} อ่านเป็น CSV ไม่ได้: เซลล์ยาวเกินไปหรือมีเครื่องหมาย \" "
                                   "ไม่ครบคู่ แก้ใน Excel แล้วบันทึกเป็น CSV UTF-8 ใหม่",
                                   sheet=PurePath(file_name).stem, row=reader.line_num)]) from exc
    if len(rows) > settings.import_max_rows + 1:
        raise FileRefused([Problem(f"มี {len(rows) - 1:,} แถว เกินขีดจำกัด {settings.import_max_rows:,} แถว "
                                   "(ตั้งค่า ITA_IMPORT_MAX_ROWS)", sheet=file_name)])
    return Sheet(PurePath(file_name).stem, [_trim(row) for row in rows])


def _check_zip(data: bytes, file_name: str, settings: Settings) -> None:
    """Refuse a workbook whose parts unpack far beyond the byte limit (a ZIP bomb), from the ZIP's
    directory alone, before openpyxl parses a byte: a 303 KB file holding 95 MB of shared strings
    took 14 s and 620 MB per preview. Caps: all parts together, each worksheet, and how much a
    large part may grow (:data:`MAX_RATIO`)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise FileRefused([Problem(f"ไฟล์ {file_name} เสียหาย อ่านเป็น Excel ไม่ได้")]) from exc
    unpacked = sum(part.file_size for part in parts)
    if unpacked > settings.import_max_bytes * UNPACK_FACTOR:
        raise FileRefused([Problem(f"ไฟล์ {file_name}: ข้อมูลในไฟล์เมื่อคลายออกใหญ่ {_megabytes(unpacked)} "
                                   f"เกินขีดจำกัด {_megabytes(settings.import_max_bytes * UNPACK_FACTOR)} "
                                   "(ไฟล์ Excel ของแผนปกติไม่ถึง 1 MB): ระบบไม่ได้เปิดไฟล์นี้")])
    for part in parts:
        if part.filename.startswith("xl/worksheets/") and part.file_size > settings.import_max_bytes:
            raise FileRefused([Problem(
                f"แผ่นงานในไฟล์ ({part.filename}) ใหญ่ {_megabytes(part.file_size)} เกินขีดจำกัด "
                f"{_megabytes(settings.import_max_bytes)} (ตั้งค่า ITA_IMPORT_MAX_BYTES)")])
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise FileRefused([Problem(
                f"ไฟล์ {file_name}: ส่วน {part.filename} บีบอัดไว้ {ratio:,.0f} เท่า "
                f"({_megabytes(part.compress_size)} คลายออกเป็น {_megabytes(part.file_size)}) "
                f"เกิน {MAX_RATIO} เท่า "
                "ซึ่งไฟล์ Excel ปกติไม่เป็น: ระบบไม่ได้เปิดไฟล์นี้ บันทึกใหม่จาก Excel แล้วนำเข้าอีกครั้ง")])


def _read_xlsx(data: bytes, file_name: str, settings: Settings) -> list[Sheet]:
    _check_zip(data, file_name, settings)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign package
        log.warning("unreadable workbook %s: %r", file_name, exc)
        raise FileRefused([Problem(f"ไฟล์ {file_name} อ่านเป็น Excel ไม่ได้ (ไฟล์เสียหรือไม่ใช่ .xlsx)")]) from exc
    problems: list[Problem] = []
    sheets = []
    for worksheet in workbook.worksheets:
        if worksheet.max_row > settings.import_max_rows + 10:  # a title and header rows may sit above
            problems.append(Problem(f"มี {worksheet.max_row:,} แถว เกินขีดจำกัด {settings.import_max_rows:,} แถว "
                                    "(ตั้งค่า ITA_IMPORT_MAX_ROWS) แบ่งเป็นหลายไฟล์", sheet=worksheet.title))
            continue
        problems += _merged_problems(worksheet)
        sheet = Sheet(worksheet.title)
        for row in worksheet.iter_rows():
            values: list[Cell] = []
            for cell in row:
                if isinstance(cell, MergedCell):  # a hidden cell of a merged range: no value, refused above
                    values.append(None)
                elif cell.data_type == "f" or isinstance(cell.value, (ArrayFormula, DataTableFormula)):
                    problems.append(Problem(f"เซลล์ {cell.coordinate} มีสูตร ({_formula_text(cell.value)}): "
                                            "คัดลอกแล้ววางแบบค่า (Paste Values) ก่อนนำเข้า",
                                            sheet=worksheet.title, row=cell.row, column=cell.column_letter))
                    values.append(None)
                elif isinstance(cell.value, (Decimal, CellRichText)):  # openpyxl reads numbers as int or
                    values.append(str(cell.value))  # float, and rich text only when asked: never met here
                else:
                    values.append(cell.value)
            sheet.rows.append(_trim(values))
        sheets.append(sheet)
    if problems:
        raise FileRefused(_capped(problems))
    return sheets


def _merged_problems(worksheet: Worksheet) -> list[Problem]:
    return [Problem(f"เซลล์ {cells.coord} ถูกผสานไว้ (merge): ยกเลิกการผสานเซลล์ก่อนนำเข้า "
                    "(ช่องตัวชี้วัดที่เว้นว่างจะใช้ค่าจากแถวบน)", sheet=worksheet.title, row=cells.min_row,
                    column=get_column_letter(cells.min_col))
            for cells in worksheet.merged_cells.ranges]


def _formula_text(value: object) -> str:
    text = getattr(value, "text", None) or str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _capped(problems: list[Problem]) -> list[Problem]:
    """At most MAX_LISTED problems per sheet, then one line saying how many more."""
    out: list[Problem] = []
    per_sheet: dict[str, int] = {}
    for problem in problems:
        per_sheet[problem.sheet] = per_sheet.get(problem.sheet, 0) + 1
        if per_sheet[problem.sheet] <= MAX_LISTED:
            out.append(problem)
    for sheet, count in per_sheet.items():
        if count > MAX_LISTED:
            out.append(Problem(f"และอีก {count - MAX_LISTED} จุด", sheet=sheet))
    return out


def _trim(values: list[Cell]) -> list[Cell]:
    """Drop trailing empty cells (Excel keeps formatting of empty cells as cells)."""
    end = len(values)
    while end and (values[end - 1] is None or values[end - 1] == ""):
        end -= 1
    return values[:end]


def shorten(value: Any, limit: int = 40) -> str:
    """A cell value as a problem message quotes it: one line, at most ``limit`` characters,
    a date in Buddhist-era form, and ``(ว่าง)`` for a blank so "nothing" is visible."""
    if value is None or value == "":
        return "(ว่าง)"
    if isinstance(value, date):
        return format_be(value)
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RowReader:
    """Typed access to one sheet row, collecting Thai problems with sheet, row and column.

    Cells are named by ``keys`` (one per column, in order); ``headers`` are the column titles
    the problems quote. A wrong cell appends a :class:`Problem` to ``errors`` and reads as
    blank, so one pass over a row reports every problem in it.
    """

    def __init__(self, sheet: Sheet, *, number: int, values: Sequence[Cell], keys: Sequence[str],
                 headers: Sequence[str], errors: list[Problem]) -> None:
        self.sheet, self.number, self.errors = sheet, number, errors
        self.keys, self.headers = list(keys), list(headers)
        padded = list(values) + [None] * (len(self.keys) - len(values))
        self.values = dict(zip(self.keys, padded, strict=False))

    def problem(self, key: str, message: str) -> None:
        """Record ``message`` against this row and the column of ``key``."""
        index = self.keys.index(key)
        header = self.headers[index] if index < len(self.headers) else None
        self.errors.append(Problem(message, self.sheet.name, self.number, column_name(index, header)))

    def raw(self, key: str) -> Cell:
        """The cell as the file holds it, for readers that accept more than one type."""
        return self.values.get(key)

    def text(self, key: str, *, stored: bool = True) -> str:
        """Text as the user typed it: a whole number reads as ``"12"``, blank as ``""``; our export's
        formula-guard quote and control characters (which Excel cannot store) are taken off.

        A ``stored`` text gets the write path's rule (:func:`ita_core.limits.clean_text`: NFC, length
        cap of its field), so a cell the commit would refuse is a problem of this row and column now."""
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, (bool, date, datetime)):
            self.problem(key, f"ต้องเป็นข้อความ แต่พบ {shorten(value)}")
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = _ILLEGAL_XML.sub("", str(unneutralise(value)))
        if not stored:
            return text
        try:
            return clean_text(text, field=key)
        except TextRefused as refused:
            self.problem(key, str(refused))
            return text

    def integer(self, key: str, *, required: bool = True, low: int | None = None, high: int | None = None,
                what: str = "ตัวเลข") -> int | None:
        """A whole number within ``low``–``high``; ``what`` names it in Thai in the problem."""
        value = self.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(key, f"ต้องมี{what}")
            return None
        number = whole_number(value)
        if number is None:
            self.problem(key, f"ต้องเป็น{what} แต่พบ {shorten(value)}")
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
        self.problem(key, f"อ่านวันที่ไม่ได้: {shorten(value)} (ใช้วันที่ของ Excel หรือ YYYY-MM-DD หรือ ๓๐ มี.ค. ๖๗)")
        return None


def whole_number(value: Cell) -> int | None:
    """An int, a float without fraction or digit text as a number; a bool is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None
