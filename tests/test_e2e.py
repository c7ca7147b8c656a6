"""End-to-end: the real app under `streamlit run`, driven by Debian's Chromium.

Locally a missing browser skips these tests; in CI (CI=true) it is a failure.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e_support import log_in, seeded_database, start_app, wait_for_run

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A seeded database with one officer login (the station's web officer)."""
    return seeded_database(tmp_path_factory.mktemp("e2e"), "somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")




@pytest.fixture
def page(browser, app_url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_url)
    wait_for_run(page)
    yield page
    page.close()


def test_the_browser_has_thai_and_emoji_fonts(browser) -> None:
    """Menu and light icons are emoji beside Thai words; without these fonts Chromium draws boxes."""
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    assert "Noto Color Emoji" in families  # fonts-noto-color-emoji
    assert {"Loma", "Garuda", "Norasi"} & families  # fonts-thai-tlwg


def test_home_page_in_chromium(page, tmp_path: Path) -> None:
    page.get_by_text("สถานีตำรวจภูธรเชียงใหม่", exact=False).first.wait_for(timeout=30_000)
    assert page.locator("[data-testid=stException]").count() == 0
    assert "25" in page.locator("[data-testid=stMetric]").all_inner_texts()[1]
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)


def test_changing_the_as_of_date_changes_the_lights(browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/overview?as_of=2023-10-02")
    wait_for_run(page)
    assert page.locator(".st-key-light_green_ind1").count() == 1
    page.locator("[data-testid=stDateInput] [data-type=day]").first.click()
    page.keyboard.type("16032024")  # day, month, year segments of the date field
    page.locator("h1").first.click()  # leaving the field commits the date
    page.locator(".st-key-light_red_ind1").wait_for(timeout=30_000)
    wait_for_run(page)
    assert page.locator(".st-key-light_green_ind1").count() == 0
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_officer_publishes_o1_and_its_light_turns_green(browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{app_url}/my_items?as_of=2024-01-15")
    wait_for_run(page)
    assert page.get_by_text("Page not found").count() == 0
    log_in(page, "somchai")
    o1 = page.locator("[data-testid=stExpander]").filter(has_text="O1 โครงสร้าง")
    o1.wait_for(timeout=30_000)
    assert "เสี่ยงล่าช้า" in o1.locator("summary").inner_text()  # yellow on 15 Jan: not started
    links = page.locator("[data-testid=stSidebarNav] a").all_inner_texts()
    assert any("งานของฉัน" in link for link in links) and not any("จัดการแผน" in link for link in links)
    o1.locator("summary").click()
    o1.locator("[data-testid=stSelectbox]").click()
    page.get_by_role("option", name="เสร็จแล้ว").click()
    o1.get_by_label("ลิงก์หลักฐาน (URL)").fill("https://chiangmai.police.go.th/oit/o1")
    o1.get_by_role("button", name="บันทึก").click()
    page.get_by_text("บันทึกแล้ว").first.wait_for(timeout=30_000)
    wait_for_run(page)
    page.get_by_text("เฉพาะงานที่ยังไม่เสร็จ").click()  # show done rows too
    wait_for_run(page)
    heading = page.locator("[data-testid=stExpander]").filter(has_text="O1 โครงสร้าง").locator("summary")
    assert "เสร็จแล้ว" in heading.inner_text()
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_first_visit_to_a_bookmarked_page_keeps_the_navigation(browser, db_url: str) -> None:
    with start_app(dict(os.environ, ITA_DATABASE_URL=db_url)) as url:  # a fresh server process
        page = browser.new_page()
        page.goto(f"{url}/meeting?as_of=2024-03-16")
        wait_for_run(page)
        page.locator("h1").filter(has_text="ITA สถานีตำรวจภูธรเชียงใหม่").wait_for(timeout=30_000)
        links = page.locator("[data-testid=stSidebarNav] a").all_inner_texts()
        assert any("มุมมองการประชุม" in link for link in links)
        assert not any("shared" in link or "forms" in link for link in links)
        assert not any("ประวัติการแก้ไข" in link for link in links)  # the admin section is for admins
        page.close()


def test_officer_ticks_an_oit_matrix_cell_with_its_link(browser, app_url: str) -> None:
    from playwright.sync_api import expect

    url = "https://chiangmai.police.go.th/oit/o7-2566-10.pdf"
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/oit_matrix?as_of=2024-03-16")
    wait_for_run(page)
    log_in(page, "somchai")
    save = page.get_by_role("button", name="บันทึกการเผยแพร่")
    save.wait_for(timeout=30_000)  # the tick form is drawn for a logged-in officer only
    wait_for_run(page)
    page.get_by_role("combobox", name="ข้อมูล OIT").click()
    page.keyboard.type("O7 ")
    page.get_by_role("option", name="O7 · รายงานผลการปฏิบัติราชการประจำเดือน").click()
    wait_for_run(page)
    month = page.get_by_role("combobox", name="เดือน")
    expect(month).to_have_value("ต.ค. 66 · กำหนด 31 ต.ค. 2566", timeout=30_000)  # O7's first open month
    expect(page.get_by_text("สถานะเดือนนี้: 🔴 เลยกำหนด 31")).to_have_count(1)
    assert page.locator(f'table a[href="{url}"]').count() == 0
    link_input = page.get_by_label("ลิงก์ของข้อมูลที่เผยแพร่ (URL)")
    expect(link_input).to_have_count(1, timeout=30_000)  # the previous item's stale form is gone
    link_input.fill(url)
    save.click()
    page.get_by_text("บันทึกแล้ว").first.wait_for(timeout=30_000)
    wait_for_run(page)
    link = page.locator(f'table a[href="{url}"]')  # the O7 × ต.ค. 66 cell of the matrix
    expect(link).to_have_text("เผยแพร่แล้ว", timeout=30_000)
    expect(month).to_have_value("ต.ค. 66 · กำหนด 31 ต.ค. 2566")
    expect(page.get_by_text("สถานะเดือนนี้: ✅ เผยแพร่แล้ว")).to_have_count(1)
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()
