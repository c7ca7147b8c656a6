"""End-to-end downloads and uploads: Excel from the overview page, a plan file through the import page.

Locally a missing browser skips these tests; in CI (CI=true) it is a failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from ita_core.exports import PLAN_SHEETS
from tests.e2e_support import log_in, seeded_database, wait_for_run
from tests.transfer_support import seed_plan_sheet

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded database with an admin login (the ITA secretary)."""
    return seeded_database(tmp_path_factory.mktemp("e2e-downloads"), "secretary", "admin")




def test_overview_downloads_the_plan_and_the_rows_as_excel(browser, app_url: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(f"{app_url}/overview?as_of=2024-03-16")
    wait_for_run(page)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="แผน ITA ทั้งฉบับ").click()
    assert download.value.suggested_filename == "ita-plan-2567-2024-03-16.xlsx"
    download.value.save_as(tmp_path / "plan.xlsx")
    workbook = load_workbook(tmp_path / "plan.xlsx")
    assert workbook.sheetnames == list(PLAN_SHEETS)
    assert workbook["สรุปตัวชี้วัด"]["A1"].value.endswith("ข้อมูล ณ 16 มี.ค. 2567")
    assert workbook["สรุปตัวชี้วัด"].max_row == 12
    wait_for_run(page)
    with page.expect_download(timeout=60_000) as rows:
        page.locator(".st-key-indicator_0_xlsx button").click()
    rows.value.save_as(tmp_path / "rows.xlsx")
    sheet = load_workbook(tmp_path / "rows.xlsx").active
    assert sheet["A2"].value == "สถานะสัญญาณ" and sheet.max_row == 2 + 51
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_the_secretary_uploads_a_plan_previews_and_commits(browser, app_url: str, tmp_path: Path) -> None:
    new_row = [None, "ประเด็นจากการทดสอบ", "กิจกรรมที่นำเข้าผ่านหน้าเว็บ", "รายงาน", "ไลน์กลุ่ม", "ภายใน มิ.ย.๖๗",
               "สว.อก.๑ ผู้ควบคุม", "ทุกเดือน"]
    upload = tmp_path / "แผน.xlsx"
    upload.write_bytes(seed_plan_sheet([new_row]))
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(app_url)
    wait_for_run(page)
    log_in(page, "secretary")
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="นำเข้าแผนจาก Excel").click()  # admins only
    chooser = page.locator("[data-testid=stFileUploaderDropzoneInput]")
    chooser.wait_for(state="attached", timeout=30_000)
    chooser.set_input_files(str(upload))
    page.get_by_text("เพิ่ม 1 แถว · แก้ไข 0 แถว · ไม่เปลี่ยน 26 แถว · ปัญหา 0 จุด").wait_for(timeout=60_000)
    wait_for_run(page)
    # the button names the plan it writes into (issue 15: station and year confirmed before commit)
    page.get_by_role("button", name="บันทึกการนำเข้า 1 แถว เข้าแผนของ").click()
    page.get_by_text("นำเข้าแล้ว: เพิ่ม 1 แก้ไข 0 แถว").first.wait_for(timeout=60_000)
    wait_for_run(page)
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()
