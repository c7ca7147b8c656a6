"""The ITAP submission sheet: the 25 OIT items in code order with the URL(s) to enter, the
components and the owners; rows without a link or with a broken one are marked."""

from __future__ import annotations

import csv
import io
from datetime import date
from itertools import groupby
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, select

from ita_core import itap, oit_matrix
from ita_core.auth import CLI
from ita_core.cli import main
from ita_core.db import make_engine, session_scope
from ita_core.links import LinkResult
from ita_core.models import OitItem, Station
from ita_core.services.writer import Writer

O1_URL = "https://chiangmai.example.go.th/o1-structure"
PUBLISHED = "https://chiangmai.example.go.th/news-march"
O1_OWNERS = "พินิจ อินตา; อนุทิน พุดดี; ภัทรพงษ์ พลังช้างสาร"


def _plant(session: Session) -> str:
    """O1's evidence (checked: ok) and a ticked month of the first monthly item (checked: 404).
    Returns that item's code."""
    station = session.exec(select(Station)).one()
    station_id = station.id or 0
    writer = Writer(session, CLI, source="cli")
    o1 = session.exec(select(OitItem).where(OitItem.code == "O1", OitItem.fiscal_year == 2567)).one()
    writer.update_progress(table="oit_item", row_id=o1.id or 0, seen_version=o1.version,
                           values={"evidence_url": O1_URL})
    cells = oit_matrix.cells(session, station_id, 2567, date(2024, 3, 16))
    monthly = cells[cells["required"] & (cells["code"] != "O1")].sort_values(["number", "month"]).iloc[0]
    writer.set_publication(item_id=int(monthly["item_id"]), month=monthly["month"], done=True, url=PUBLISHED)
    writer.record_link_checks(station_id=station_id, results=[
        LinkResult(O1_URL, True, status_code=200, final_url=O1_URL),
        LinkResult(PUBLISHED, False, status_code=404, error="HTTP 404", final_url=PUBLISHED)])
    session.commit()
    return str(monthly["code"])


def test_one_row_per_item_in_code_order_with_links_marked(session: Session) -> None:
    monthly = _plant(session)
    station = session.exec(select(Station)).one()
    frame = itap.itap_frame(session, station.id or 0, 2567)
    assert list(frame.columns) == [key for key, _ in itap.COLUMNS]
    assert list(frame["code"]) == [f"O{n}" for n in range(1, 26)]
    o1 = frame.iloc[0]
    assert (o1["urls"], o1["link_state"], o1["responsible"], o1["due"]) == (
        O1_URL, "ใช้ได้", O1_OWNERS, "31 ม.ค. 2567")
    assert o1["components"].splitlines()[0].startswith("1. แสดงแผนผังโครงสร้างการแบ่งส่วนราชการ")
    assert o1["checked"].endswith(str(pd.Timestamp.now(tz="UTC").year + 543))
    row = frame[frame["code"] == monthly].iloc[0]
    assert (row["urls"], row["link_state"]) == (PUBLISHED, f"ลิงก์เสีย: {PUBLISHED}")
    missing = frame[~frame["code"].isin(["O1", monthly])]
    assert set(missing["link_state"]) == {"ไม่มีลิงก์"} and set(missing["urls"]) == {""}
    english = itap.itap_frame(session, station.id or 0, 2567, "en")
    assert (english.iloc[0]["link_state"], english[english["code"] == monthly].iloc[0]["link_state"],
            english.iloc[24]["link_state"]) == ("ok", f"broken: {PUBLISHED}", "no link")


def test_an_unchecked_link_says_so_and_formula_text_is_quoted() -> None:
    frame = pd.DataFrame([{"code": "O1", "sub_indicator": "9.1", "title": "=HYPERLINK(\"x\")", "urls": "",
                           "link_state": "", "checked": "", "components": "@SUM(A1)", "responsible": "",
                           "due": ""}])
    rows = list(csv.reader(io.StringIO(itap.itap_bytes(frame, fmt="csv").decode("utf-8-sig"))))
    assert rows[1][2] == "'=HYPERLINK(\"x\")" and rows[1][6] == "'@SUM(A1)"
    assert itap._state(["https://a.test/"], {}, "th") == ("ยังไม่ตรวจ", None)


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'ita.db'}"
    monkeypatch.setenv("ITA_DATABASE_URL", url)
    assert main(["init", "--no-demo"]) == 0
    return url


def test_export_itap_writes_xlsx_and_csv_by_the_extension(cli_db: str, tmp_path: Path) -> None:
    with session_scope(make_engine(cli_db)) as session:
        monthly = _plant(session)
    xlsx = tmp_path / "itap.xlsx"
    assert main(["export", "itap", "--fy", "2567", "-o", str(xlsx)]) == 0
    sheet = load_workbook(xlsx).active
    assert "ITAP" in sheet["A1"].value and "ปีงบประมาณ 2567" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == [thai for _, thai in itap.COLUMNS]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert [r[0] for r in body if "(ต่อ)" not in r[0]] == [f"O{n}" for n in range(1, 26)]
    body = [r for r in body if "(ต่อ)" not in r[0]]  # an item's first row holds all but the rest of its text
    assert (body[0][3], body[0][4], body[0][7]) == (O1_URL, "ใช้ได้", O1_OWNERS)
    assert [r[4] for r in body if r[0] == monthly] == [f"ลิงก์เสีย: {PUBLISHED}"]
    assert body[24][4] == "ไม่มีลิงก์"

    out = tmp_path / "itap.csv"
    assert main(["export", "itap", "--fy", "2567", "--lang", "en", "-o", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == [key for key, _ in itap.COLUMNS]
    assert len(rows) == 25
    assert (rows[0]["code"], rows[0]["urls"], rows[0]["link_state"], rows[0]["due"]) == (
        "O1", O1_URL, "ok", "31 ม.ค. 2567")


def _printed(frame: pd.DataFrame) -> Worksheet:
    sheet = load_workbook(io.BytesIO(itap.itap_bytes(frame, fmt="xlsx", title="ITAP"))).active
    assert isinstance(sheet, Worksheet)
    return sheet


def test_the_printed_sheet_shows_every_line_of_every_item(session: Session) -> None:
    """Rows with long component lists were cut off at the bottom when printed: each row is now as
    tall as its wrapped lines, and an item that needs more than one row (409 pt) continues."""
    monthly = _plant(session)
    frame = itap.itap_frame(session, session.exec(select(Station)).one().id or 0, 2567)
    sheet = _printed(frame)
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    codes = [str(row[0]) for row in rows]
    assert [c for c in codes if "(ต่อ)" in c] == ["O18 (ต่อ)", "O18 (ต่อ)", "O23 (ต่อ)", "O24 (ต่อ)", "O25 (ต่อ)"]
    # nothing lost: an item's component lines, read down its rows, are the plan's
    components = {code: "\n".join(str(row[6]) for row in group if row[6])
                  for code, group in groupby(rows, key=lambda row: str(row[0]).split()[0])}
    assert components == dict(zip(frame["code"], frame["components"], strict=True))
    widths = list(itap.WIDTHS.values())
    assert [sheet.column_dimensions[letter].width for letter in "ABCDEFGHI"] == pytest.approx(
        [w + 0.7109375 for w in widths])  # XlsxWriter stores a width with the cell padding
    heights = [sheet.row_dimensions[number].height for number in range(3, 3 + len(rows))]
    assert heights[0] == 253.5 and heights[codes.index("O24"):codes.index("O24") + 2] == [343.5, 253.5]
    assert max(heights) <= 409  # Excel's highest row: a taller one would clip again
    for row, height in zip(rows, heights, strict=True):
        lines = max(itap._lines(str(value or ""), width) for value, width in zip(row, widths, strict=True))
        assert lines <= itap.ROW_LINES and height == 22.5 * lines + 6, row[0]
    assert all(cell.alignment.wrap_text for row in sheet.iter_rows(min_row=2) for cell in row)
    fills = {code: sheet.cell(3 + index, 5).fill.fgColor.rgb for index, code in enumerate(codes)}
    # ok: no fill, broken: red, no link: yellow
    assert (fills["O1"], fills[monthly], fills["O25"]) == ("00000000", "FFFFC7CE", "FFFFEB9C")


def test_the_printed_sheet_is_a4_landscape_one_page_wide_with_the_header_on_each_page() -> None:
    frame = pd.DataFrame([dict.fromkeys(itap.WIDTHS, "x") | {"code": "O1"}])
    sheet = _printed(frame)
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)  # 9: A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)  # 1 is the file format's default, left out
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.freeze_panes == "A3"


def test_cell_pieces_cut_between_lines_then_words_then_inside_a_thai_run() -> None:
    lines = "\n".join(f"{n}. องค์ประกอบ" for n in range(1, 41))
    pieces = itap.cell_pieces(lines, 68)
    assert "\n".join(pieces) == lines and len(pieces) == 3  # 16 + 16 + 8 whole lines
    assert [len(p.splitlines()) for p in pieces] == [16, 16, 8]
    run = "ทรัพย์สินของราชการ" * 80  # no space to break at
    cut = itap.cell_pieces(run, 20)
    assert "".join(cut) == run and len(cut) > 1
    assert all(itap._lines(piece, 20) <= itap.ROW_LINES for piece in cut)
    words = " ".join(["ทรัพย์สิน"] * 200)
    cut = itap.cell_pieces(words, 20)
    assert " ".join(cut) == words and all(itap._lines(piece, 20) <= itap.ROW_LINES for piece in cut)
    assert itap.cell_pieces("", 20) == [""]
