"""Styled Excel sheets: what the commander's office prints and the secretary filters.

Each table sheet has a title row (station, fiscal year, as-of date), a bold frozen header row
with an autofilter, a Thai font by name, column widths from the content, wrapped long text,
real dates shown in the Buddhist Era, light columns filled green/yellow/red/grey, and a print
setup (A4 landscape, fit to one page wide, header row repeated on every page).

Values arrive already neutralised (``ita_core.exports``); this module only lays them out.
Styles are NamedStyles so 50,000 rows stay a few seconds and Excel lists them by name.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from copy import copy
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from ita_core.status import COLOUR, LABEL_TH, OVERALL_TH, Light, badge

THAI_FONT = "TH Sarabun New"  # the Thai government font; Sarabun/Loma stand in where it is missing
BODY_SIZE = 14
# Thai Buddhist calendar (07) and Thai locale (041E): a real date that shows 30 มี.ค. 2567.
BE_DATE_FORMAT = "[$-107041E]d mmm yyyy"
BE_DATETIME_FORMAT = "[$-107041E]d mmm yyyy hh:mm"
LIGHT_KEYS = ("light", "overall")  # columns whose cells are filled by their light
FILL_RGB = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "grey": "E7E6E6"}
HEADER_RGB = "D9E1F2"
MAX_WIDTH, MIN_WIDTH, DATE_WIDTH = 40, 6, 14
WIDTH_SAMPLE = 300  # rows looked at for a column's width
LINE_POINTS = 22.0  # one line of TH Sarabun New 14 pt (Laksaman, its metric twin, in LibreOffice)
ROW_PADDING = 6.0  # points above and below the lines of a row
CHARS_PER_UNIT = 0.8  # Thai characters (marks not counted) per unit of column width, measured in print
MAX_ROW_POINTS = 409.0  # Excel's highest row
_MARKS = re.compile(r"[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E\u0300-\u036F]")  # Thai vowels/tones above, below


def _light_colours() -> dict[str, str]:
    """Every way a light is written in an export (key, Thai label, badge, overall) → colour."""
    colours: dict[str, str] = {}
    for light in Light:
        colour = COLOUR[light]
        colours.update({light.value: colour, LABEL_TH[light]: colour, badge(light): colour})
    for colour, label in OVERALL_TH.items():
        colours.update({colour: colour, label: colour})
    return colours


LIGHT_COLOURS = _light_colours()


def _styles() -> dict[str, NamedStyle]:
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    body_font = Font(name=THAI_FONT, size=BODY_SIZE)
    top = Alignment(vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    centred = Alignment(vertical="top", horizontal="center")
    styles = {
        "title": NamedStyle("ita_title", font=Font(name=THAI_FONT, size=BODY_SIZE + 4, bold=True)),
        "header": NamedStyle("ita_header", font=Font(name=THAI_FONT, size=BODY_SIZE, bold=True),
                             fill=PatternFill("solid", fgColor=HEADER_RGB), border=border,
                             alignment=Alignment(wrap_text=True, vertical="center", horizontal="center")),
        "text": NamedStyle("ita_text", font=body_font, alignment=wrap, border=border),
        "number": NamedStyle("ita_number", font=body_font, alignment=top, border=border),
        "date": NamedStyle("ita_date", font=body_font, alignment=centred, border=border,
                           number_format=BE_DATE_FORMAT),
        "datetime": NamedStyle("ita_datetime", font=body_font, alignment=centred, border=border,
                               number_format=BE_DATETIME_FORMAT),
    }
    for colour, rgb in FILL_RGB.items():
        styles[colour] = NamedStyle(f"ita_{colour}", font=body_font, alignment=wrap, border=border,
                                    fill=PatternFill("solid", fgColor=rgb))
    return styles


def new_workbook() -> Workbook:
    """An empty workbook with the ITA styles registered (the default sheet removed)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for style in _styles().values():
        workbook.add_named_style(style)
    return workbook


def to_bytes(workbook: Workbook) -> bytes:
    """The workbook as .xlsx bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def display_width(value: object) -> int:
    """Characters a value takes on screen: longest line, Thai vowel and tone marks not counted."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return DATE_WIDTH + 4
    if isinstance(value, date):
        return DATE_WIDTH
    text = value if isinstance(value, str) else str(value)
    return max((len(line) for line in _MARKS.sub("", text).split("\n")), default=0)


def line_count(value: object, width: float) -> int:
    """Lines a wrapped text cell needs in a column ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    usable = max((width - 1) * CHARS_PER_UNIT, 1)
    return sum(max(1, math.ceil(len(line) / usable)) for line in _MARKS.sub("", value).split("\n"))


def _column_kind(values: pd.Series) -> str:
    """text, number, date or datetime, from the first values that are set."""
    sample = values.dropna().head(50)
    if sample.empty:
        return "text"
    if all(isinstance(v, datetime) for v in sample):
        return "datetime"
    if all(isinstance(v, date) for v in sample):
        return "date"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in sample):
        return "number"
    return "text"


def _width(values: pd.Series, header: str, kind: str) -> float:
    if kind in ("date", "datetime"):
        return DATE_WIDTH + (4 if kind == "datetime" else 0)
    longest = max([display_width(v) for v in values.head(WIDTH_SAMPLE)] + [0])
    header_words = max((display_width(word) for word in header.split()), default=0)
    wanted = max(longest / CHARS_PER_UNIT + 2, header_words + 2, MIN_WIDTH)
    return float(round(min(wanted, MAX_WIDTH)))


def _cell(value: object) -> object:
    """A frame value as openpyxl takes it: missing → empty, pandas times → datetime."""
    if value is None or (not isinstance(value, (str, list)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def add_table_sheet(workbook: Workbook, frame: pd.DataFrame, *, name: str, keys: Sequence[str],
                    headers: Sequence[str], title: str) -> Worksheet:
    """Append a styled sheet: title row 1, header row 2, one row per frame row from row 3.

    ``keys`` are the English column keys (they decide which columns get light fills);
    ``headers`` what row 2 shows. The title is not merged across columns, so the sheet stays
    importable (merged cells are refused by the importer).
    """
    sheet = workbook.create_sheet(name[:31])
    sheet.append([title])
    sheet["A1"].style = "ita_title"
    sheet.row_dimensions[1].height = 26
    sheet.append(list(headers))
    for cell in sheet[2]:
        cell.style = "ita_header"
    values = frame.astype(object)
    kinds = [_column_kind(values[column]) for column in values.columns]
    arrays = _style_arrays(sheet)
    styles = [arrays[kind] for kind in kinds]
    light_columns = {index for index, key in enumerate(keys) if key in LIGHT_KEYS}
    for record in values.itertuples(index=False):
        sheet.append([_cell(v) for v in record])
    last_row = len(values) + 2
    if len(values.columns):  # one pass with explicit bounds (sheet[row] rescans the sheet: quadratic)
        for row in sheet.iter_rows(min_row=3, max_row=last_row, max_col=len(values.columns)):
            for index, cell in enumerate(row):
                colour = LIGHT_COLOURS.get(cell.value) if index in light_columns else None
                cell._style = copy(arrays[colour] if colour else styles[index])
    widths = [_width(values[column], header, kind)
              for column, header, kind in zip(values.columns, headers, kinds, strict=True)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _row_heights(sheet, values, headers, widths, kinds)
    last = get_column_letter(max(len(headers), 1))
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{last}{max(sheet.max_row, 2)}"
    _print_setup(sheet)
    return sheet


def line_counts(column: pd.Series, width: float) -> pd.Series:
    """:func:`line_count` of every cell of a column at once (vectorised: 50,000 rows in a blink)."""
    usable = max((width - 1) * CHARS_PER_UNIT, 1)
    text = column.reset_index(drop=True)
    text = text.where(text.map(lambda v: isinstance(v, str)), "").astype(str)
    if text.str.len().max() <= usable and not text.str.contains("\n", regex=False).any():
        return pd.Series(1, index=text.index)  # every cell fits on one line
    text = text.str.replace(_MARKS, "", regex=True)
    lengths = text.str.split("\n").explode().str.len()
    return (lengths / usable).apply(math.ceil).clip(lower=1).groupby(level=0).sum()


def _row_heights(sheet: Worksheet, values: pd.DataFrame, headers: Sequence[str], widths: list[float],
                 kinds: list[str]) -> None:
    """Explicit row heights for wrapped text: neither Excel nor LibreOffice fits them on opening,
    and a clipped cell prints clipped."""
    sheet.row_dimensions[2].height = ROW_PADDING + LINE_POINTS * max(
        line_count(header, width) for header, width in zip(headers, widths, strict=True))
    text = [(column, width) for column, width, kind in zip(values.columns, widths, kinds, strict=True)
            if kind == "text"]
    if not text:
        return
    lines = pd.concat([line_counts(values[column], width) for column, width in text], axis=1).max(axis=1)
    for row_number, count in enumerate(lines.tolist(), start=3):
        sheet.row_dimensions[row_number].height = min(LINE_POINTS * count + ROW_PADDING, MAX_ROW_POINTS)


def _style_arrays(sheet: Worksheet) -> dict[str, StyleArray]:
    """Each ITA named style as openpyxl's per-cell style record.

    Copying the record is what openpyxl does when it copies a cell; assigning ``cell.style``
    looks the named style up by name each time, which is most of the time of a 50,000-row sheet.
    """
    probe = sheet.cell(row=1, column=1)
    saved = copy(probe._style)
    arrays = {}
    for kind in ("text", "number", "date", "datetime", *FILL_RGB):
        probe.style = f"ita_{kind}"
        arrays[kind] = copy(probe._style)
    probe._style = saved
    return arrays


def _print_setup(sheet: Worksheet) -> None:
    """A4 landscape, one page wide, the header row on every page, page numbers in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.8, footer=0.3)
    sheet.oddFooter.center.text = "หน้า &P / &N"
    sheet.oddFooter.center.font = THAI_FONT
    sheet.oddFooter.center.size = 12
