"""Styled Excel: layout, fills, print setup, the ITA plan workbook, and LibreOffice rendering it."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core.cli import main
from ita_core.exports import (
    BE_DATE_FORMAT,
    PLAN_SHEETS,
    THAI_FONT,
    export_frame,
    plan_workbook_bytes,
    to_csv_bytes,
    to_xlsx_bytes,
)
from ita_core.models import AuditLog, Station
from ita_core.settings import get_settings
from ita_core.workbooks import (
    BE_DATETIME_FORMAT,
    FILL_RGB,
    LINE_POINTS,
    ROW_PADDING,
    print_budget,
)
from tests.transfer_support import AS_OF

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _plan_workbook(engine: Engine) -> bytes:
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        return plan_workbook_bytes(session, station.id, 2567, AS_OF, get_settings())


def _activities_sheet(engine: Engine):
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        frame = export_frame(session, "activities", station.id, 2567)
    return load_workbook(io.BytesIO(to_xlsx_bytes(frame, "activities", title="ชื่อเรื่อง"))).active


def _widths(sheet) -> dict[str, int]:
    """Column letter → width as Excel shows it (a file stores 0.71 more, the cell padding; one entry
    can cover several columns of the same width)."""
    return {get_column_letter(index): int(column.width) for column in sheet.column_dimensions.values()
            for index in range(column.min, column.max + 1)}


def test_table_sheet_is_styled_for_filtering_and_printing(engine: Engine) -> None:
    sheet = _activities_sheet(engine)
    assert (sheet["A1"].value, sheet["A1"].font.bold, sheet["A1"].font.name) == ("ชื่อเรื่อง", True, THAI_FONT)
    assert all(cell.font.bold and cell.fill.fgColor.rgb.endswith("D9E1F2") for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == "A2:Q28"
    widths = _widths(sheet)
    hidden = {letter for letter, column in sheet.column_dimensions.items() if column.hidden}
    assert hidden == {"A", "B", "C", "P", "Q"}  # id, year, station, link, version: in the file, not printed
    shown = {letter: width for letter, width in widths.items() if letter not in hidden}
    assert len(shown) == 12 and sum(shown.values()) <= print_budget(12)  # fits A4 landscape at 70 % or more
    assert widths["F"] == max(shown.values()) and widths["I"] == 14 and 6 <= widths["A"] <= 10
    activity = sheet["F3"]
    assert activity.alignment.wrap_text and activity.font.name == THAI_FONT and activity.font.size == 14
    heights = [sheet.row_dimensions[row].height for row in range(3, 29)]
    assert all((h - ROW_PADDING) % LINE_POINTS == 0 for h in heights)  # whole lines of wrapped text
    assert min(heights) >= LINE_POINTS * 2 + ROW_PADDING and max(heights) > LINE_POINTS * 5
    due = sheet["I4"]
    assert (due.value.date().isoformat(), due.number_format) == ("2024-03-30", BE_DATE_FORMAT)
    assert (sheet["N3"].value, sheet["N3"].data_type) == (0, "n")  # numbers stay numbers
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToHeight) == ("landscape", 9, 0)
    assert setup.fitToWidth in (None, 1)  # one page wide; 1 is the default a file may leave out
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2"
    assert "&P" in sheet.oddFooter.center.text


def test_plan_workbook_has_a_summary_of_lights_and_a_sheet_per_table(demo_engine: Engine) -> None:
    workbook = load_workbook(io.BytesIO(_plan_workbook(demo_engine)))
    assert workbook.sheetnames == list(PLAN_SHEETS)
    summary = workbook["สรุปตัวชี้วัด"]
    assert summary["A1"].value == "สถานีตำรวจภูธรเชียงใหม่ · ปีงบประมาณ 2567 · ข้อมูล ณ 16 มี.ค. 2567"
    first = [c.value for c in summary[3]]
    assert first == [1, "การปฏิบัติหน้าที่", "IIT", "มีเรื่องเลยกำหนด", 7, 6, 6, 0, 1, 0, 85.7]
    assert summary["D3"].fill.fgColor.rgb.endswith(FILL_RGB["red"])
    assert summary.max_row == 12  # title, header, indicators 1–10
    rows = workbook["รายการ ณ วันที่"]
    assert rows.max_row == 2 + 51
    fills = {rows.cell(r, 1).value: rows.cell(r, 1).fill.fgColor.rgb[-6:] for r in range(3, rows.max_row + 1)}
    assert fills["เลยกำหนด"] == FILL_RGB["red"] and fills["เสร็จแล้ว"] == FILL_RGB["green"]
    assert (workbook["กิจกรรม"].max_row, workbook["ข้อมูล OIT"].max_row, workbook["ปฏิทิน ITA"].max_row) == (
        28, 27, 11)


def test_control_characters_are_removed_and_thai_survives_both_formats() -> None:
    frame = pd.DataFrame([{"seq": 1, "stage": "ช่วง\x07ที่ ๑", "step": "=HYPERLINK(\"x\")", "kind": "k",
                           "name": "เตรียมความพร้อม", "start": None, "end": None, "period_text": "\x1bข้อความ",
                           "description": "+ บรรทัด", "responsible_text": "ผู้รับผิดชอบ"}])
    raw = to_csv_bytes(frame, "phases")
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "ช่วงที่ ๑" in text and "\x07" not in text and "'=HYPERLINK" in text and "'+ บรรทัด" in text
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame, "phases"))).active
    assert [sheet.cell(3, c).value for c in (2, 3, 5, 8)] == ["ช่วงที่ ๑", "'=HYPERLINK(\"x\")", "เตรียมความพร้อม",
                                                             "ข้อความ"]
    assert sheet.cell(3, 3).data_type == "s"


def test_audit_times_are_real_date_times_on_the_station_clock(engine: Engine) -> None:
    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        session.add(AuditLog(at=datetime(2024, 3, 16, 3, 5, tzinfo=UTC), actor="somchai", source="form",
                             table_name="activity", row_id=3, field="progress", old="0", new="30",
                             station_id=station.id))
        session.commit()
        frame = export_frame(session, "audit", station.id, 2567)
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame, "audit"))).active
    at = sheet["A3"]  # 03:05 UTC is 10:05 in Bangkok
    assert (at.value, at.number_format) == (datetime(2024, 3, 16, 10, 5), BE_DATETIME_FORMAT)
    assert to_csv_bytes(frame, "audit").decode("utf-8-sig").splitlines()[1].startswith("2024-03-16 10:05:00,")


def test_ita_export_plan_needs_xlsx(db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "plan.xlsx"
    assert main(["export", "plan", "--format", "xlsx", "--as-of", "2024-03-16", "-o", str(out)]) == 0
    assert load_workbook(out).sheetnames == list(PLAN_SHEETS)
    assert main(["export", "plan", "-o", str(tmp_path / "plan.csv")]) == 2
    assert "เฉพาะ Excel" in capsys.readouterr().err
    summary = tmp_path / "s.csv"
    assert main(["export", "summary", "--as-of", "2024-03-16", "--lang", "en", "-o", str(summary)]) == 0
    assert summary.read_text(encoding="utf-8-sig").splitlines()[1].startswith("1,การปฏิบัติหน้าที่,IIT,")


@pytest.mark.skipif(not SOFFICE and not os.environ.get("CI"), reason="LibreOffice not installed")
def test_libreoffice_opens_the_workbook_and_prints_be_dates(demo_engine: Engine, tmp_path: Path) -> None:
    assert SOFFICE, "CI installs LibreOffice (tests/run_all.sh); it is missing"
    source = tmp_path / "plan.xlsx"
    source.write_bytes(_plan_workbook(demo_engine))
    profile = tmp_path / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "plan.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        assert "15 มี.ค. 2567" in text  # a due date cell: a real date shown in the Buddhist Era
        assert "2024" not in text
        assert "หน้า 1 / " in text


def test_every_dashboard_table_has_csv_and_excel_downloads(engine: Engine) -> None:
    from tests.test_pages import run_page

    expected = {"overview": {"plan_workbook", "indicator_0_csv", "indicator_0_xlsx"},
                "workload": {"workload_csv", "workload_xlsx"}, "timeline": {"timeline_csv", "timeline_xlsx"},
                "province": {"stations-2567_csv", "stations-2567_xlsx"}}
    for page, keys in expected.items():
        app = run_page(page)
        assert keys <= {button.key for button in app.get("download_button")}, page


def test_statuses_are_thai_words_except_under_lang_en(demo_engine: Engine) -> None:
    with Session(demo_engine) as session:
        station = session.exec(select(Station)).one()
        frame = export_frame(session, "activities", station.id, 2567)
    thai = to_csv_bytes(frame, "activities").decode("utf-8-sig").splitlines()
    english = to_csv_bytes(frame, "activities", "en").decode("utf-8-sig").splitlines()
    status = english[0].split(",").index("status")
    assert sorted({row.split(",")[status] for row in english[1:] if row.count(",") == 16}) == [
        "done", "in_progress"]
    sheet = load_workbook(io.BytesIO(to_xlsx_bytes(frame, "activities"))).active
    assert sorted({sheet.cell(row, 13).value for row in range(3, 29)}) == ["กำลังดำเนินการ", "เสร็จแล้ว"]
    assert sheet.cell(2, 13).value == "สถานะ" and "done" not in "".join(thai)
    workbook = load_workbook(io.BytesIO(_plan_workbook(demo_engine)))
    rows = workbook["รายการ ณ วันที่"]
    assert {rows.cell(r, 9).value for r in range(3, rows.max_row + 1)} == {"กำลังดำเนินการ", "เสร็จแล้ว"}
    assert rows.cell(4, 8).value == "15 มี.ค. 2567"  # the plan's ๑๕ มี.ค.๖๗ in the app's date style


def test_a_thai_status_word_in_a_file_is_read_as_that_status(demo_engine: Engine) -> None:
    from ita_core import imports

    with Session(demo_engine) as session:
        station = session.exec(select(Station)).one()
        frame = export_frame(session, "activities", station.id, 2567)
        unchanged = imports.preview(session, to_csv_bytes(frame, "activities"), "a.csv",
                                    station_id=station.id, fiscal_year=2567, settings=get_settings())
        assert unchanged.errors == [] and unchanged.count("unchanged") == 26
        edited = frame.copy()
        edited.loc[0, "status"], edited.loc[1, "status"] = "in_progress", "ไม่เสร็จ"
        edited.loc[0, "progress"] = 40
        result = imports.preview(session, to_csv_bytes(edited, "activities"), "a.csv", station_id=station.id,
                                 fiscal_year=2567, settings=get_settings())
    assert result.rows[0].changes["status"] == ("done", "in_progress")  # written กำลังดำเนินการ
    assert result.errors[0].message == (
        "สถานะ 'ไม่เสร็จ' ไม่รู้จัก (ใช้ ยังไม่เริ่ม, กำลังดำเนินการ, เสร็จแล้ว, ไม่เกี่ยวข้อง)")


def test_a_table_without_rows_gets_no_sheet_and_the_workbook_still_imports(
        demo_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from ita_core import exports, imports

    monkeypatch.setitem(exports.LOADERS, "phases", lambda *_: pd.DataFrame(columns=[k for k, _ in
                                                                                   exports.COLUMNS["phases"]]))
    data = _plan_workbook(demo_engine)
    assert load_workbook(io.BytesIO(data)).sheetnames == [s for s in PLAN_SHEETS if s != "ปฏิทิน ITA"]
    with Session(demo_engine) as session:
        station = session.exec(select(Station)).one()
        result = imports.preview(session, data, "plan.xlsx", station_id=station.id, fiscal_year=2567,
                                 settings=get_settings())
    assert result.errors == [] and result.count("unchanged") == 51 + 40  # rows and the people sheet


@pytest.mark.skipif(not SOFFICE and not os.environ.get("CI"), reason="LibreOffice not installed")
def test_the_plans_activities_print_wrapped_on_at_most_5_pages(demo_engine: Engine, tmp_path: Path) -> None:
    """The 26 activities of the sample plan on A4 landscape (issue 15 item 8): without the columns
    a reader of the paper has no use for (PRINT_HIDDEN), the 12 printed columns fit print_budget
    (70 %, checked above), so the rows grow instead, on at most 5 pages (9 with every column).
    Both ways the sample plan leaves the app are checked: the one-table export and the activities
    sheet of the plan workbook. LibreOffice must measure columns in Carlito, Calibri's twin
    (tests/run_all.sh installs it), as Excel does in Calibri."""
    assert SOFFICE, "CI installs LibreOffice (tests/run_all.sh); it is missing"
    fonts = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout
    assert "Carlito" in fonts or "Calibri" in fonts, f"install fonts-crosextra-carlito (fc-match: {fonts})"
    with Session(demo_engine) as session:
        station = session.exec(select(Station)).one()
        frame = export_frame(session, "activities", station.id, 2567)
    single = to_xlsx_bytes(frame, "activities", title="สภ.เชียงใหม่ · ปีงบประมาณ 2567")
    workbook = load_workbook(io.BytesIO(_plan_workbook(demo_engine)))
    for name in workbook.sheetnames:
        if name != "กิจกรรม":
            del workbook[name]
    sheet_of_plan = io.BytesIO()
    workbook.save(sheet_of_plan)
    for name, data in (("activities", single), ("plan-activities", sheet_of_plan.getvalue())):
        text, pages = _printed(data, name, tmp_path)
        assert pages <= 5, name
        assert "กิจกรรมที่จะดำเนินการ" in text and "เสร็จแล้ว" in text and "done" not in text, name
        assert "chiangmai" not in text and "ฉบับที่" not in text, name  # the hidden columns do not print


def _printed(data: bytes, name: str, folder: Path) -> tuple[str, int]:
    """The text and page count of ``data`` printed to PDF by LibreOffice."""
    source = folder / f"{name}.xlsx"
    source.write_bytes(data)
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder / 'lo-profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), str(source)], check=True,
                   capture_output=True, timeout=180)
    pdf = folder / f"{name}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return text, pages
