"""Styled Excel sheets: what the commander's office prints and the secretary filters.

Each table sheet has a title row (station, fiscal year, as-of date), a bold frozen header row
with an autofilter, a Thai font by name, column widths from the content, wrapped long text,
real dates shown in the Buddhist Era, light columns filled green/yellow/red/grey, and a print
setup (A4 landscape, fit to one page wide, header row repeated on every page).

Printing: a sheet's columns together are at most :func:`print_budget` wide, so fitting the page
width never shrinks the print below :data:`MIN_PRINT_SCALE`; long text columns share what the
short ones leave in proportion to how much text they hold, and their rows grow instead (wrapped
whole, with row heights computed for the narrower columns). A table may hide columns a reader
of the paper has no use for (row ids, the fiscal year and station the title already names, version
counters, links): hidden columns take no page width and are still in the file, so the importer
reads them back unchanged.

Values arrive already neutralised (``ita_core.exports``); this module only lays them out.
Sheets are written with XlsxWriter, which writes 51,000 styled rows in well under half the
time openpyxl needs (openpyxl still reads every workbook: ``ita_core.sheet_reader``). Every
cell is written with its typed method (``write_string`` …), never the guessing ``write``,
so text that looks like a formula or a link stays text.
"""

from __future__ import annotations

import io
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ita_core.status import COLOUR, LABEL_TH, OVERALL_TH, Light, badge

THAI_FONT = "TH Sarabun New"  # the Thai government font; Sarabun/Loma stand in where it is missing
BODY_SIZE = 14
# Thai Buddhist calendar (07) and Thai locale (041E): a real date that shows 30 มี.ค. 2567.
BE_DATE_FORMAT = "[$-107041E]d mmm yyyy"
BE_DATETIME_FORMAT = "[$-107041E]d mmm yyyy hh:mm"
LIGHT_KEYS = ("light", "overall")  # columns whose cells are filled by their light
FILL_RGB = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "grey": "E7E6E6"}
HEADER_RGB = "D9E1F2"
BORDER_RGB = "BFBFBF"
MAX_WIDTH, MIN_WIDTH, DATE_WIDTH = 40, 6, 14
WIDTH_SAMPLE = 300  # rows looked at for a column's width
# Row heights in points, each a whole number of pixels (0.75 pt) as Excel stores them.
LINE_POINTS = 22.5  # one line of TH Sarabun New 14 pt (Laksaman, its metric twin, in LibreOffice)
ROW_PADDING = 6.0  # points above and below the lines of a row
TITLE_POINTS = 27.0
CHARS_PER_UNIT = 0.8  # Thai characters (marks not counted) per unit of column width, measured in print
# (a unit is the default font's digit: Calibri, or Carlito, its metric twin, in LibreOffice)
WRAP_LOSS = 1.5  # characters a wrapped line leaves empty on average (it breaks between words)
MAX_ROW_POINTS = 409.0  # Excel's highest row
# A4 landscape (11.69 in) less the side margins, in pixels at 96 dpi; a column of width w takes
# 7w + 5 pixels (the default font's digit width plus the cell padding, as Excel and LibreOffice
# size them). Fitting the page width then scales by at least MIN_PRINT_SCALE.
PAGE_PIXELS = (11.69 - 0.4 - 0.4) * 96
MIN_PRINT_SCALE = 0.7
NARROWEST_TEXT = 10.0  # a shared text column is never narrower than this
WIDEN_STEP = 2.0  # width handed out at a time when sharing
FIT_SAMPLE = 100  # rows looked at when sharing the width
PRINT_MAX_WIDTH = 80.0  # a long text column may grow to this when the page has room
LOOKAHEAD = 10.0  # how much wider a column is tried before growing stops for good
_MARKS = re.compile(r"[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E\u0300-\u036F]")  # Thai vowels/tones above, below


@dataclass(frozen=True)
class Table:
    """One sheet to write: ``keys`` are the English column keys (they decide which columns get
    light fills), ``headers`` what row 2 shows, ``title`` row 1."""

    frame: pd.DataFrame
    name: str
    keys: Sequence[str]
    headers: Sequence[str]
    title: str
    hidden: frozenset[str] = frozenset()  # keys of columns hidden (on paper and on screen), still read back


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


def _formats(workbook: xlsxwriter.Workbook) -> dict[str, Format]:
    """The cell formats of every sheet: title, header, one per column kind, one per light."""
    body = {"font_name": THAI_FONT, "font_size": BODY_SIZE, "valign": "top",
            "border": 1, "border_color": f"#{BORDER_RGB}"}
    text = {**body, "text_wrap": True}
    specs = {
        "title": {"font_name": THAI_FONT, "font_size": BODY_SIZE + 4, "bold": True},
        "header": {**text, "bold": True, "valign": "vcenter", "align": "center",
                   "bg_color": f"#{HEADER_RGB}"},
        "text": text,
        "number": body,
        "date": {**body, "align": "center", "num_format": BE_DATE_FORMAT},
        "datetime": {**body, "align": "center", "num_format": BE_DATETIME_FORMAT},
    }
    specs.update({colour: {**text, "bg_color": f"#{rgb}"} for colour, rgb in FILL_RGB.items()})
    return {kind: workbook.add_format(spec) for kind, spec in specs.items()}


def workbook_bytes(tables: Iterable[Table]) -> bytes:
    """A styled .xlsx with one sheet per table, in order."""
    buffer = io.BytesIO()
    options = {"in_memory": True, "remove_timezone": True, "nan_inf_to_errors": True,
               "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(buffer, options) as workbook:
        formats = _formats(workbook)
        for table in tables:
            _write_sheet(workbook.add_worksheet(table.name[:31]), table, formats)
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


def _usable(width: float) -> float:
    """Characters (marks not counted) that fit on one line of a column ``width`` wide."""
    return max((width - 1) * CHARS_PER_UNIT, 1)


def _wrapped(line: str, usable: float) -> int:
    """Lines one paragraph takes when wrapped as a spreadsheet wraps it: whole words (split at
    spaces) move to the next line; a run longer than a line (Thai writes a phrase without
    spaces) breaks between its words, WRAP_LOSS characters short of the edge on average."""
    lines, room = 1, usable
    for word in line.split(" "):
        size = len(word) + (0 if room == usable else 1)  # a space before all but a line's first word
        if size <= room:
            room -= size
        elif len(word) <= usable:
            lines, room = lines + 1, usable - len(word)
        else:
            rest = len(word) - max(room - WRAP_LOSS, 0)  # fill this line, then whole lines
            full = max(usable - WRAP_LOSS, 1)
            extra = math.ceil(rest / full)
            lines, room = lines + extra, full * extra - rest
    return lines


def line_count(value: object, width: float) -> int:
    """Lines a wrapped text cell needs in a column ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    usable = _usable(width)
    return sum(_wrapped(line, usable) for line in _MARKS.sub("", value).split("\n"))


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


def _width(values: pd.Series, header: str, kind: str, most: float = MAX_WIDTH) -> float:
    if kind in ("date", "datetime"):
        return DATE_WIDTH + (4 if kind == "datetime" else 0)
    longest = max([display_width(v) for v in values.head(WIDTH_SAMPLE)] + [0])
    header_words = max((display_width(word) for word in header.split()), default=0)
    wanted = max(longest / CHARS_PER_UNIT + 2, header_words + 2, MIN_WIDTH)
    return float(round(min(wanted, most)))


def print_budget(columns: int) -> float:
    """The total width ``columns`` columns may take so one page width prints at MIN_PRINT_SCALE."""
    return (PAGE_PIXELS / MIN_PRINT_SCALE - 5 * columns) / 7


def fit_widths(values: pd.DataFrame, wanted: list[float], kinds: list[str], budget: float,
               ceiling: list[float] | None = None) -> list[float]:
    """Column widths within ``budget``.

    When every column fits as wide as it wants, a long text column may still grow while that
    shortens rows. Otherwise the long text columns start at NARROWEST_TEXT and take what the
    other columns leave. A column grows up to its ``ceiling`` (its longest text on one line, at
    most PRINT_MAX_WIDTH; by default what it wants). Width is handed out WIDEN_STEP at a time,
    each step to the column that makes the rows of a sample shortest in total (a row is as tall
    as its tallest cell); so a column whose text makes rows tall gets the width, and a short
    column does not take width it cannot use.
    """
    ceiling = ceiling or wanted
    widths = list(wanted)
    shared = [i for i, kind in enumerate(kinds) if kind == "text" and wanted[i] > NARROWEST_TEXT]
    roomy = sum(wanted) <= budget
    if not roomy:
        for i in shared:
            widths[i] = NARROWEST_TEXT
    wanted = [max(w, c) for w, c in zip(wanted, ceiling, strict=True)]
    room = budget - sum(widths)
    sample = values.head(FIT_SAMPLE)
    lines = {i: line_counts(sample.iloc[:, i], widths[i]).to_numpy() for i in shared}
    while shared and room >= WIDEN_STEP:
        open_ = [i for i in shared if widths[i] + WIDEN_STEP <= wanted[i]]
        if not open_:
            break
        tallest = np.max(np.vstack([lines[i] for i in shared]), axis=0)

        def total_if_widened(i: int) -> tuple[int, int]:
            trial = line_counts(sample.iloc[:, i], widths[i] + WIDEN_STEP).to_numpy()
            others = [lines[j] for j in shared if j != i]
            rows = np.maximum(np.max(np.vstack(others), axis=0), trial) if others else trial
            return int(rows.sum()), -int(lines[i].sum())  # ties: the column with most lines

        best = min(open_, key=total_if_widened)
        if total_if_widened(best)[0] >= int(tallest.sum()):  # no step shortens any row
            best = max(open_, key=lambda i: int(lines[i].sum()))  # widen the column with most lines
            if roomy and not _shortens(sample.iloc[:, best], lines[best], min(widths[best] + LOOKAHEAD,
                                                                              wanted[best])):
                break  # every column has what it wants and more would not help: print larger
        widths[best] += WIDEN_STEP
        room -= WIDEN_STEP
        lines[best] = line_counts(sample.iloc[:, best], widths[best]).to_numpy()
    return widths


def _shortens(column: pd.Series, lines: np.ndarray, width: float) -> bool:
    """Whether ``column`` at ``width`` needs fewer lines in total than ``lines``."""
    return int(line_counts(column, width).sum()) < int(lines.sum())


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NaT or value is pd.NA or (
        isinstance(value, float) and math.isnan(value))


def _write_cell(sheet: Worksheet, row: int, column: int, value: object, cell_format: Format,
                date_format: Format) -> None:
    """One value with the writer for its type; a date in a column of another kind gets the date format."""
    if isinstance(value, str):
        sheet.write_string(row, column, value, cell_format)
    elif _is_missing(value):
        sheet.write_blank(row, column, None, cell_format)  # blank but bordered like its neighbours
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, numbers.Number):
        sheet.write_number(row, column, value, cell_format)
    elif isinstance(value, date):  # datetime and pandas Timestamp too
        is_date_column = cell_format.num_format in (BE_DATE_FORMAT, BE_DATETIME_FORMAT)
        sheet.write_datetime(row, column, value, cell_format if is_date_column else date_format)
    else:
        sheet.write_string(row, column, str(value), cell_format)


def _write_sheet(sheet: Worksheet, table: Table, formats: dict[str, Format]) -> None:
    """Title row 1, header row 2, one row per frame row from row 3.

    The title is not merged across columns, so the sheet stays importable (the importer refuses
    merged cells).
    """
    values = table.frame.astype(object)
    kinds = [_column_kind(values[column]) for column in values.columns]
    wanted = [_width(values[column], header, kind)
              for column, header, kind in zip(values.columns, table.headers, kinds, strict=True)]
    shown = [i for i, key in enumerate(table.keys) if key not in table.hidden]
    widths = _print_widths(values, table.headers, kinds, wanted, shown)
    sheet.write_string(0, 0, table.title, formats["title"])
    sheet.set_row(0, TITLE_POINTS)
    sheet.set_row(1, ROW_PADDING + LINE_POINTS * max(
        [line_count(table.headers[i], widths[i]) for i in shown] + [1]))
    for column, header in enumerate(table.headers):
        sheet.write_string(1, column, header, formats["header"])
    column_formats = [formats[kind] for kind in kinds]
    lit = [key in LIGHT_KEYS for key in table.keys]
    date_format = formats["date"]
    heights = _row_heights(values.iloc[:, shown], [widths[i] for i in shown], [kinds[i] for i in shown])
    for row, (record, height) in enumerate(zip(values.itertuples(index=False, name=None), heights,
                                               strict=True), start=2):
        sheet.set_row(row, height)
        for column, value in enumerate(record):
            colour = LIGHT_COLOURS.get(value) if lit[column] and isinstance(value, str) else None
            _write_cell(sheet, row, column, value, formats[colour] if colour else column_formats[column],
                        date_format)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width, None, {"hidden": column not in shown})
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, len(values) + 1, max(len(table.headers), 1) - 1)
    print_setup(sheet)


def _print_widths(values: pd.DataFrame, headers: Sequence[str], kinds: list[str], wanted: list[float],
                  shown: list[int]) -> list[float]:
    """Every column's width: the shown columns share the page (:func:`fit_widths`), a hidden
    column keeps the width it wants for whoever shows it again."""
    ceiling = [_width(values.iloc[:, i], headers[i], kinds[i], PRINT_MAX_WIDTH) for i in shown]
    fitted = fit_widths(values.iloc[:, shown], [wanted[i] for i in shown], [kinds[i] for i in shown],
                        print_budget(len(shown)), ceiling)
    widths = list(wanted)
    for i, width in zip(shown, fitted, strict=True):
        widths[i] = width
    return widths


def line_counts(column: pd.Series, width: float) -> pd.Series:
    """:func:`line_count` of every cell of a column (only cells longer than a line are wrapped
    one by one, so 50,000 short rows take a blink)."""
    usable = _usable(width)
    text = column.reset_index(drop=True)
    text = text.where(text.map(lambda v: isinstance(v, str)), "").astype(str)
    if text.str.len().max() <= usable and not text.str.contains("\n", regex=False).any():
        return pd.Series(1, index=text.index)  # every cell fits on one line
    long = (text.str.len() > usable) | text.str.contains("\n", regex=False)
    counts = pd.Series(1, index=text.index)
    counts[long] = text[long].map(lambda value: line_count(value, width))
    return counts


def _row_heights(values: pd.DataFrame, widths: list[float], kinds: list[str]) -> list[float]:
    """Each data row's height in points: enough lines for its longest wrapped text. Neither Excel
    nor LibreOffice fits heights on opening, and a clipped cell prints clipped."""
    text = [line_counts(values[column], width)
            for column, width, kind in zip(values.columns, widths, kinds, strict=True) if kind == "text"]
    lines = pd.concat(text, axis=1).max(axis=1) if text else pd.Series(1, index=range(len(values)))
    return [min(LINE_POINTS * count + ROW_PADDING, MAX_ROW_POINTS) for count in lines.tolist()]


def print_setup(sheet: Worksheet) -> None:
    """A4 landscape, one page wide (as many tall as needed), the header row on every page, page
    numbers in the footer: every sheet the app writes prints the same way."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(1)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.8)
    sheet.set_footer(f'&C&"{THAI_FONT},Regular"&12หน้า &P / &N', {"margin": 0.3})
