"""The submission sheet: at submission the web officer types each OIT item's URL(s) into the
NACC's ITAP system one by one; this sheet lists them in the system's order (O1 … O25), with what
the item must contain and who answers for it, and marks the rows that cannot go in as they are:
"ไม่มีลิงก์" (no link yet) and "ลิงก์เสีย" (the last check found it broken).

Built from the plan (``queries.oit_items``), the publications (the latest ticked month's link) and
the latest link checks (``ita_core.links``). The CSV is ``exports.to_csv_bytes`` with the columns
below; formula-looking text is quoted in both files as in every export.

The xlsx is laid out for paper (:func:`itap_xlsx`), because this sheet is printed and typed from:
fixed column widths that give the long component lists the room, every cell wrapped, each row
as tall as its wrapped lines (estimated for TH Sarabun New with ``workbooks.line_count``, since
neither Excel nor LibreOffice fits heights when opening a file), A4 landscape, one page wide,
the header row on every page. A spreadsheet row is at most 409 pt (:data:`ROW_LINES` lines): an
item whose components need more continues on the next row, its code marked "(ต่อ)", instead of
being cut off at the bottom of the cell.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import pandas as pd
import xlsxwriter
from sqlmodel import Session, col, select

from ita_core import links, queries
from ita_core.exports import headers, neutralise, to_csv_bytes
from ita_core.models import LinkCheck, Publication
from ita_core.plan import natural_key
from ita_core.thai_dates import format_be
from ita_core.workbooks import (
    BORDER_RGB,
    FILL_RGB,
    HEADER_RGB,
    LINE_POINTS,
    MAX_ROW_POINTS,
    ROW_PADDING,
    THAI_FONT,
    TITLE_POINTS,
    line_count,
    print_setup,
)

TABLE = "itap"
COLUMNS: list[tuple[str, str]] = [
    ("code", "ข้อ"), ("sub_indicator", "ตัวชี้วัดย่อย"), ("title", "ข้อมูล"),
    ("urls", "ลิงก์ที่ต้องกรอก (URL)"), ("link_state", "สถานะลิงก์"), ("checked", "ตรวจลิงก์ล่าสุด"),
    ("components", "องค์ประกอบ"), ("responsible", "ผู้รับผิดชอบ"), ("due", "กำหนด"),
]
URL_SEPARATOR = "\n"  # one URL a line in a cell: each is copied into the system on its own



def latest_publication_urls(session: Session, station_id: int, fiscal_year: int) -> dict[int, str]:
    """OIT item id → the link of its latest published (ticked) month that has one."""
    rows = session.exec(
        select(Publication.item_id, Publication.url)
        .where(Publication.station_id == station_id, Publication.fiscal_year == fiscal_year,
               col(Publication.done).is_(True), Publication.url != "")
        .order_by(col(Publication.month))
    ).all()
    return {item_id: url.strip() for item_id, url in rows if url.strip()}


def _checklists(session: Session, station_id: int, fiscal_year: int) -> dict[int, str]:
    """OIT item id → its components, numbered, one a line (what the officer checks before entering)."""
    parts = queries.components(session, station_id, fiscal_year)
    lines: dict[int, list[str]] = {}
    for item_id, seq, text in zip(parts["item_id"], parts["seq"], parts["text"], strict=True):
        lines.setdefault(int(item_id), []).append(f"{seq}. {text}")
    return {item_id: "\n".join(texts) for item_id, texts in lines.items()}


def _urls(evidence: object, published: str | None) -> list[str]:
    found = [str(evidence).strip() if isinstance(evidence, str) else "", (published or "").strip()]
    return list(dict.fromkeys(url for url in found if url))


def _state(urls: list[str], checks: dict[str, LinkCheck], lang: str) -> tuple[str, date | None]:
    """The row's mark and the day its links were last checked (the oldest of them)."""
    if not urls:
        return links.NO_LINK.in_lang(lang), None
    known = [checks[url] for url in urls if url in checks]
    checked = min((c.checked_at.date() for c in known), default=None)
    broken = [c.url for c in known if not c.ok]
    if broken:
        return f"{links.BROKEN.in_lang(lang)}: {' '.join(broken)}", checked
    if len(known) < len(urls):
        return links.UNCHECKED.in_lang(lang), checked
    return links.GOOD.in_lang(lang), checked


def itap_frame(session: Session, station_id: int, fiscal_year: int, lang: str = "th") -> pd.DataFrame:
    """One row per OIT item in code order with the :data:`COLUMNS` keys (dates as BE text)."""
    items = queries.oit_items(session, station_id, fiscal_year)
    published = latest_publication_urls(session, station_id, fiscal_year)
    checks = links.latest_checks(session, station_id)
    checklists = _checklists(session, station_id, fiscal_year)
    rows = []
    records: Iterable[Any] = items.itertuples()  # pandas types a row's fields as any scalar
    for item in records:
        urls = _urls(item.evidence_url, published.get(int(item.id)))
        state, checked = _state(urls, checks, lang)
        due = item.due_date if isinstance(item.due_date, date) else None
        rows.append({
            "code": item.code, "sub_indicator": item.sub_indicator, "title": item.title,
            "urls": URL_SEPARATOR.join(urls), "link_state": state, "checked": format_be(checked),
            "components": checklists.get(int(item.id), ""), "responsible": item.responsible,
            "due": format_be(due) if due else (item.due_text or ""),
        })
    frame = pd.DataFrame(rows, columns=[key for key, _ in COLUMNS])
    order = sorted(range(len(frame)), key=lambda i: natural_key(str(frame["code"].iloc[i])))
    return frame.iloc[order].reset_index(drop=True)


def itap_bytes(frame: pd.DataFrame, *, fmt: str, lang: str = "th", title: str = "") -> bytes:
    """The sheet as CSV (BOM, for Excel) or the printable xlsx; Thai headers, English keys under ``en``."""
    if fmt == "csv":
        return to_csv_bytes(frame, TABLE, lang, COLUMNS)
    return itap_xlsx(frame, lang=lang, title=title or "ITAP")


# --- the printed sheet ---------------------------------------------------------------------------

# Column widths (characters of the default font). Together 200: fitting one A4 landscape page wide
# prints at about 72 %, still readable; the components get a third of the page.
WIDTHS: dict[str, float] = {"code": 7, "sub_indicator": 9, "title": 24, "urls": 28, "link_state": 16,
                            "checked": 13, "components": 68, "responsible": 22, "due": 13}
# Rows are estimated on the safe side, since a cell cut off prints cut off: LibreOffice (Laksaman,
# TH Sarabun New's metric twin) fits about 0.9 of workbooks.line_count's Thai characters on a line
# of this sheet's wide columns, and a row of 17 lines at 409 pt leaves no room for error.
FIT = 0.88  # the share of a column's width the estimate counts on
ROW_LINES = int((MAX_ROW_POINTS - ROW_PADDING) // LINE_POINTS) - 1  # 16 lines a row at most
CONTINUED = {"th": "(ต่อ)", "en": "(cont.)"}
BROKEN_FILL, NO_LINK_FILL = FILL_RGB["red"], FILL_RGB["yellow"]


def _lines(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` wide, counted on the safe side (:data:`FIT`)."""
    return line_count(text, width * FIT)


def row_points(cells: Iterable[str], widths: Iterable[float]) -> float:
    """A row's height in points: its tallest wrapped cell's lines, plus the padding."""
    lines = max((_lines(cell, width) for cell, width in zip(cells, widths, strict=True)), default=1)
    return min(LINE_POINTS * lines + ROW_PADDING, MAX_ROW_POINTS)


def _longest(parts: Sequence[str], separator: str, width: float, limit: int) -> int:
    """The most leading ``parts`` that, joined, wrap to at most ``limit`` lines (lines only grow
    with each part, so a binary search finds it)."""
    low, high = 0, len(parts)
    while low < high:
        middle = (low + high + 1) // 2
        if _lines(separator.join(parts[:middle]), width) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _cut_paragraph(paragraph: str, width: float, limit: int) -> list[str]:
    """One paragraph in pieces of at most ``limit`` lines: cut at spaces, or inside a run without
    spaces (Thai writes a phrase as one run) when a single word is too long."""
    pieces = []
    rest = paragraph
    while _lines(rest, width) > limit:
        words = rest.split(" ")
        count = _longest(words, " ", width, limit)
        if count:
            pieces.append(" ".join(words[:count]))
            rest = " ".join(words[count:])
            continue
        size = max(_longest(list(rest), "", width, limit), 1)
        pieces.append(rest[:size])
        rest = rest[size:]
    return [*pieces, rest]


def cell_pieces(text: str, width: float, limit: int = ROW_LINES) -> list[str]:
    """A cell's text in consecutive pieces, each at most ``limit`` wrapped lines in a column
    ``width`` wide; whole lines (one component each) stay together where they fit."""
    pieces: list[str] = []
    current: list[str] = []
    for paragraph in text.split("\n"):
        for part in _cut_paragraph(paragraph, width, limit):
            if current and _lines("\n".join([*current, part]), width) > limit:
                pieces.append("\n".join(current))
                current = []
            current.append(part)
    return [*pieces, "\n".join(current)] if current else pieces or [""]


def print_rows(frame: pd.DataFrame, lang: str = "th") -> list[list[str]]:
    """The sheet's body: one row per item, and for an item too tall for one row, continuation rows
    with its code marked :data:`CONTINUED` and the rest of its long cells (values neutralised)."""
    keys = [key for key, _ in COLUMNS]
    rows: list[list[str]] = []
    for record in frame[keys].itertuples(index=False, name=None):
        texts = ["" if value is None or value != value else str(neutralise(str(value))) for value in record]
        parts = [cell_pieces(text, WIDTHS[key]) for key, text in zip(keys, texts, strict=True)]
        for index in range(max(len(part) for part in parts)):
            row = [part[index] if index < len(part) else "" for part in parts]
            if index:
                row[0] = f"{texts[0]} {CONTINUED[lang]}"
            rows.append(row)
    return rows


def itap_xlsx(frame: pd.DataFrame, *, lang: str = "th", title: str = "ITAP") -> bytes:
    """The printable submission sheet (see the module docstring): title row 1, header row 2, then
    :func:`print_rows`, each row as tall as its wrapped text."""
    buffer = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False}
    with xlsxwriter.Workbook(buffer, options) as workbook:
        body = {"font_name": THAI_FONT, "font_size": 14, "valign": "top", "text_wrap": True, "border": 1,
                "border_color": f"#{BORDER_RGB}"}
        text = workbook.add_format(body)
        header = workbook.add_format({**body, "bold": True, "align": "center", "valign": "vcenter",
                                      "bg_color": f"#{HEADER_RGB}"})
        fills = {links.NO_LINK.in_lang(lang): workbook.add_format({**body, "bg_color": f"#{NO_LINK_FILL}"}),
                 links.BROKEN.in_lang(lang): workbook.add_format({**body, "bg_color": f"#{BROKEN_FILL}"})}
        sheet = workbook.add_worksheet(TABLE)
        widths = [WIDTHS[key] for key, _ in COLUMNS]
        state = [key for key, _ in COLUMNS].index("link_state")
        sheet.write_string(0, 0, title, workbook.add_format({"font_name": THAI_FONT, "font_size": 18,
                                                             "bold": True}))
        sheet.set_row(0, TITLE_POINTS)
        names = headers(TABLE, lang, COLUMNS)
        sheet.set_row(1, row_points(names, widths))
        for column, name in enumerate(names):
            sheet.write_string(1, column, name, header)
        rows = print_rows(frame, lang)
        for number, row in enumerate(rows, start=2):
            sheet.set_row(number, row_points(row, widths))
            for column, value in enumerate(row):
                mark = value.split(":")[0] if column == state else ""
                sheet.write_string(number, column, value, fills.get(mark, text))
        for column, width in enumerate(widths):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(2, 0)
        sheet.autofilter(1, 0, len(rows) + 1, len(widths) - 1)
        print_setup(sheet)
    return buffer.getvalue()


def itap_title(station_name: str, fiscal_year: int) -> str:
    """The sheet's title row."""
    return f"รายการลิงก์ OIT สำหรับกรอกในระบบ ITAP · {station_name} · ปีงบประมาณ {fiscal_year}"
