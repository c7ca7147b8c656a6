"""The ITAP submission sheet: the 25 OIT items in code order with the URL(s) to enter, the
components and the owners; rows without a link or with a broken one are marked."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
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
    assert len(body) == 25 and [r[0] for r in body] == [f"O{n}" for n in range(1, 26)]
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
