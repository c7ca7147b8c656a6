"""End-to-end: the real app under `streamlit run`, driven by Debian's Chromium.

Locally a missing browser skips these tests; in CI (CI=true) it is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from ita_ui.styles import UPLOAD_WORD, UPLOADER_BUTTON, UPLOADER_NOTE, uploader_note
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
    oit_tile = page.locator("[data-testid=stMetric]").nth(1)  # waited for: drawn after the sidebar
    assert oit_tile.locator("[data-testid=stMetricValue]").inner_text(timeout=60_000) == "25"
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)


def test_changing_the_as_of_date_changes_the_lights(browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/overview?as_of=2023-10-02")
    wait_for_run(page)
    page.locator(".st-key-light_green_ind1").wait_for(timeout=30_000)  # the first run has drawn the tiles
    sidebar = page.locator("[data-testid=stSidebar]")
    assert "2024" not in sidebar.inner_text()  # the date reads in the Buddhist Era: 2 ต.ค. 2566
    # month first: 2 มี.ค. 2566 lies before the fiscal year, is refused with a line saying so, and
    # the selects keep it; the year then makes it valid, and the day finishes it
    for part, option in (("เดือน", "มี.ค."), ("ปี พ.ศ.", "2567"), ("วัน", "16")):
        sidebar.get_by_role("combobox", name=f"ข้อมูล ณ วันที่: {part}").click()
        page.keyboard.type(option)  # the list shows the first days only; typing finds the rest
        page.get_by_role("option", name=option, exact=True).click()
        wait_for_run(page)
        if part == "เดือน":
            sidebar.get_by_text("เลือกได้ 1 ต.ค. 2566 – 30 ก.ย. 2567", exact=False).wait_for(timeout=30_000)
    page.locator(".st-key-light_red_ind1").wait_for(timeout=30_000)
    assert "ณ 16 มี.ค. 2567" in _sidebar_caption(page) and "as_of=2024-03-16" in page.url
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
    o1.locator("summary").click()  # the row's form is drawn by the rerun this opening starts
    o1.get_by_label("ลิงก์หลักฐาน (URL)").wait_for(timeout=30_000)
    wait_for_run(page)
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
    # not the sidebar date's month; .last: while a rerun draws the new form, the old one may still stand
    month = page.get_by_role("combobox", name="เดือน", exact=True).last
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


@pytest.fixture(scope="module")
def demo_app_url(tmp_path_factory: pytest.TempPathFactory):
    """The app on the demo snapshot, the issue's sample: at 16 มี.ค. 2567 five rows are late."""
    from sqlmodel import select

    from ita_core.db import make_engine, session_scope
    from ita_core.demo import apply_demo_snapshot
    from ita_core.models import Station

    url = seeded_database(tmp_path_factory.mktemp("demo"), "boss", "admin")
    engine = make_engine(url)
    with session_scope(engine) as session:
        apply_demo_snapshot(session, session.exec(select(Station)).one().id, 2567)
    engine.dispose()
    with start_app(dict(os.environ, ITA_DATABASE_URL=url)) as app_url:
        yield app_url, url


# The computed size of each element under a metric value that holds its text itself (data read from
# the laid-out page, not timing).
TEXT_SIZES = """(selector) => [...document.querySelectorAll(selector)].map(box =>
    Math.max(...[box, ...box.querySelectorAll('*')]
        .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize))))"""


@pytest.mark.parametrize("present", [False, True], ids=["sidebar", "present"])
def test_meeting_page_on_a_1920x1080_projector(browser, demo_app_url, present: bool, tmp_path: Path) -> None:
    """Every late row, whole, with its owners, above the fold; headline numbers ≥ 40 px (a style
    rule once shrank them to 21.6 px); `?present=1` leaves no sidebar and no control to open it."""
    from datetime import date

    from sqlmodel import Session

    from ita_core.db import make_engine
    from ita_core.plan import plan_rows
    from ita_core.settings import Settings
    from ita_ui.styles import WORD_JOINER

    app_url, db = demo_app_url
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{app_url}/meeting?as_of=2024-03-16" + ("&present=1" if present else ""))
    wait_for_run(page)
    table = page.locator("[data-testid=stTable]").first
    table.wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "meeting.png"))
    sizes = page.evaluate(TEXT_SIZES, "[data-testid=stMetricValue]")
    assert len(sizes) == 3 and min(sizes) >= 40, sizes  # IIT, EIT, OIT "เสร็จ 77%"
    cells = [[text.replace(WORD_JOINER, "").replace("\u00a0", " ").strip()
              for text in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()]
    assert [row[0] for row in cells] == ["O4", "O16", "O20", "O8", "ก4"]
    with Session(make_engine(db)) as session:
        titles = plan_rows(session, 1, 2567, date(2024, 3, 16), Settings()).set_index("ref")["title"]
    assert [row[1] for row in cells] == [titles[row[0]] for row in cells]  # whole titles
    assert cells[0][2:] == ["พินิจ อินตา, ณิชกร หมั่นการ, ภัทรพงษ์ พลังช้างสาร", "31 ม.ค. 2567", "เลยมา 45 วัน"]
    bottom = table.locator("tbody tr").last.bounding_box()
    assert bottom is not None and bottom["y"] + bottom["height"] <= 1080  # on the first screen
    sidebar = page.locator("[data-testid=stSidebar]")
    if present:
        assert not sidebar.is_visible()
        assert not page.locator("[data-testid=stExpandSidebarButton]").is_visible()
        assert min(sizes) >= 60
    else:
        assert sidebar.is_visible()
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def _sidebar_caption(page) -> str:
    captions = page.locator("[data-testid=stSidebar] [data-testid=stCaptionContainer]")
    return " ".join(captions.all_inner_texts())


def test_a_reload_keeps_the_login_until_logout(browser, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}/my_items?as_of=2024-03-16")
    wait_for_run(page)
    log_in(page, "somchai")
    page.locator("[data-testid=stSidebar]").get_by_text("somchai").wait_for(timeout=30_000)
    kept = [c for c in context.cookies() if c["name"] == "ita_session"]
    assert len(kept) == 1 and kept[0]["sameSite"] == "Strict" and kept[0]["value"].count(".") == 2
    assert "ita_session" not in page.url and kept[0]["value"] not in page.url  # never in the address
    page.reload()
    wait_for_run(page)
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_role("button", name="ออกจากระบบ").wait_for(timeout=30_000)  # still logged in
    assert sidebar.get_by_text("somchai").count() == 1
    sidebar.get_by_role("button", name="ออกจากระบบ").click()
    sidebar.get_by_role("button", name="เข้าสู่ระบบ").wait_for(timeout=30_000)
    wait_for_run(page)
    assert not [c for c in context.cookies() if c["name"] == "ita_session"]
    page.reload()
    wait_for_run(page)
    sidebar.get_by_role("button", name="เข้าสู่ระบบ").wait_for(timeout=30_000)  # logged out for good
    assert sidebar.get_by_role("button", name="ออกจากระบบ").count() == 0
    context.close()


def test_a_page_change_keeps_station_year_and_date(browser, app_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{app_url}/overview?station=chiangmai&fy=2567&as_of=2024-01-15")
    wait_for_run(page)
    assert "ณ 15 ม.ค. 2567" in _sidebar_caption(page)
    from playwright.sync_api import expect

    page.locator("[data-testid=stSidebarNav] a").filter(has_text="ภาระงานรายบุคคล").click()
    expect(page).to_have_url(re.compile(r"/workload\?station=chiangmai&fy=2567&as_of=2024-01-15$"),
                             timeout=30_000)
    wait_for_run(page)
    assert "ณ 15 ม.ค. 2567" in _sidebar_caption(page)
    page.reload()  # the address alone brings the view back
    wait_for_run(page)
    assert "ณ 15 ม.ค. 2567" in _sidebar_caption(page)
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_on_a_phone_the_menu_folds_after_a_tap_and_the_login_is_on_the_page(
        browser, app_url: str, tmp_path: Path) -> None:
    """390×844 with a desktop browser's user agent: Streamlit folds the menu only for phone user
    agents, ita_ui.navigation for any narrow screen."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.goto(f"{app_url}/overview?as_of=2024-03-16")
    wait_for_run(page)
    sidebar = page.locator("[data-testid=stSidebar]")
    page.locator("[data-testid=stExpandSidebarButton]").tap()
    page.wait_for_function("document.querySelector('[data-testid=stSidebar]').dataset.collapsed === 'false'")
    link = page.locator("[data-testid=stSidebarNav] a").filter(has_text="งานของฉัน")
    expect(link).to_be_in_viewport(timeout=30_000)  # the menu has slid in
    link.tap()
    expect(page).to_have_url(re.compile(r"/my_items\?"), timeout=30_000)
    wait_for_run(page)
    page.wait_for_function("document.querySelector('[data-testid=stSidebar]').dataset.collapsed === 'true'")
    main = page.locator("[data-testid=stMain]")
    assert "ด้านซ้าย" not in main.inner_text()
    main.get_by_label("ชื่อผู้ใช้").fill("somchai")
    main.get_by_label("รหัสผ่าน").fill("pass-word-2567")
    main.get_by_role("button", name="เข้าสู่ระบบ").tap()
    main.get_by_label("ชื่อผู้ใช้").wait_for(state="detached", timeout=30_000)
    wait_for_run(page)
    page.screenshot(path=str(tmp_path / "phone_my_items.png"))
    page.reload()
    wait_for_run(page)
    assert main.get_by_label("ชื่อผู้ใช้").count() == 0  # still logged in after the reload
    assert sidebar.get_by_role("button", name="ออกจากระบบ").count() == 1
    assert page.locator("[data-testid=stException]").count() == 0
    context.close()


class Taps:
    """Taps on a phone, counted: the officer's journey is measured in the taps it takes (a field
    typed into is one tap on it), and a screenshot after each step shows what he saw."""

    def __init__(self, page, folder: Path) -> None:
        self.page, self.folder, self.count = page, folder, 0

    def tap(self, locator) -> None:
        locator.tap()
        self.count += 1

    def type_into(self, locator, text: str) -> None:
        self.tap(locator)
        locator.fill(text)

    def shot(self, name: str) -> Path:
        path = self.folder / f"{self.count:02d}_{name}.png"
        self.page.screenshot(path=str(path))
        return path


def test_an_officer_on_a_phone_updates_a_row_and_ticks_a_month_in_at_most_10_taps(
        browser, app_url: str, db_url: str, tmp_path: Path) -> None:
    """Issue 15, item 5: from his logged-in home at 390×844, one row's progress set by a step and
    saved, then one OIT month ticked from the to-do list's dialog; both writes read back through
    ita_core."""
    import re
    from datetime import date

    from playwright.sync_api import expect
    from sqlmodel import Session, select

    from ita_core.db import make_engine
    from ita_core.models import OitItem, Publication
    from ita_core.plan import plan_rows
    from ita_core.settings import Settings

    url = "https://chiangmai.police.go.th/oit/phone-tick.pdf"
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.goto(f"{app_url}/my_items?as_of=2024-03-16")  # log in once; the kept login opens home
    wait_for_run(page)
    main = page.locator("[data-testid=stMain]")
    main.get_by_label("ชื่อผู้ใช้").fill("somchai")
    main.get_by_label("รหัสผ่าน").fill("pass-word-2567")
    main.get_by_role("button", name="เข้าสู่ระบบ").tap()
    main.get_by_label("ชื่อผู้ใช้").wait_for(state="detached", timeout=30_000)
    wait_for_run(page)
    page.goto(f"{app_url}/?as_of=2024-03-16")
    wait_for_run(page)
    home_link = main.get_by_role("link", name="อัปเดตงานของฉัน")
    home_link.wait_for(timeout=30_000)
    taps = Taps(page, tmp_path)
    taps.shot("home")

    taps.tap(home_link)  # 1: home → my items
    page.wait_for_url("**/my_items?**", timeout=30_000)
    wait_for_run(page)
    row = main.locator("[data-testid=stExpander]").first
    row.wait_for(timeout=30_000)
    heading = row.locator("summary").inner_text()
    ref = re.search(r"· (\S+) ", heading).group(1)  # the row's code after its light: "O3", "ก4"
    taps.shot("my_items")
    taps.tap(row.locator("summary"))  # 2: open the row where it is
    step = row.locator("[data-testid=stButtonGroup] button").filter(has_text=re.compile(r"^75$"))
    step.wait_for(timeout=30_000)  # drawn by the rerun the tap started: only an open row has its form
    wait_for_run(page)
    taps.shot("row_open")
    taps.tap(step)  # 3: 75 %
    taps.tap(row.get_by_role("button", name="บันทึก"))  # 4: save
    toast = page.locator("[data-testid=stToast]")
    toast.first.wait_for(timeout=30_000)  # "บันทึกแล้ว"
    wait_for_run(page)
    taps.shot("row_saved")
    expect(toast).to_have_count(0, timeout=30_000)  # gone by itself, as at a person's pace

    taps.tap(main.get_by_role("link", name=re.compile("ตารางเผยแพร่ OIT")))  # 5: my items → OIT to-do
    page.wait_for_url("**/oit_matrix?**", timeout=30_000)
    wait_for_run(page)
    first = main.locator("[class*='st-key-todo_']").first  # the to-do tab opens first for an officer
    first.wait_for(timeout=30_000)
    key = re.search(r"st-key-todo_(\d+)_(\d{4})-(\d{2})", first.get_attribute("class") or "")
    item_id, month = int(key.group(1)), date(int(key.group(2)), int(key.group(3)), 1)
    taps.shot("to_do")
    taps.tap(first.get_by_role("button"))  # 6: the cell → its dialog, over the list
    dialog = page.get_by_role("dialog")
    link_field = dialog.get_by_label("ลิงก์ของข้อมูลที่เผยแพร่ (URL)")
    link_field.wait_for(timeout=30_000)
    taps.shot("dialog")
    taps.type_into(link_field, url)  # 7: the link
    taps.shot("dialog_filled")
    taps.tap(dialog.get_by_role("button", name="บันทึกการเผยแพร่"))  # 8: save
    expect(dialog).to_have_count(0, timeout=30_000)  # saved: the dialog closed
    wait_for_run(page)
    expect(main.locator(f".st-key-todo_{item_id}_{month:%Y-%m}")).to_have_count(0)  # off the list
    taps.shot("ticked")
    expect(toast).to_have_count(0, timeout=30_000)
    taps.shot("ticked_list")

    assert taps.count <= 10, taps.count
    assert page.locator("[data-testid=stException]").count() == 0
    context.close()
    with Session(make_engine(db_url)) as session:
        rows = plan_rows(session, 1, 2567, date(2024, 3, 16), Settings()).set_index("ref")
        tick = session.exec(select(Publication).where(Publication.item_id == item_id,
                                                      Publication.month == month)).one()
        code = session.get(OitItem, item_id).code
    assert (rows.loc[ref, "progress"], rows.loc[ref, "updated_by"]) == (75, "somchai")
    assert (code, tick.done, tick.url, tick.updated_by) == ("O3", True, url, "somchai")



# --- the secretary's journey: a station added today files its plan for next year ---------------

NEW_CODE, NEW_NAME, NEW_SECRETARY = "LPN02", "สถานีตำรวจภูธรป่าซาง", "pasang_secretary"


def _ita(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> None:
    """``ita ARGS`` in this process, a password piped on stdin as a person types it."""
    import io

    from ita_core.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(list(args)) == 0, args


@pytest.fixture
def new_station_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The seeded sample plus a station added today with its secretary and next year's framework
    (``ita framework copy``), all through ``ita``; the app runs on it. Yields (address, next year)."""
    from datetime import date

    from ita_core.thai_dates import fiscal_year_of
    from tests.e2e_support import PASSWORD

    next_year = fiscal_year_of(date.today()) + 1
    db = seeded_database(tmp_path, "boss", "admin")
    monkeypatch.setenv("ITA_DATABASE_URL", db)
    _ita(monkeypatch, "framework", "copy", "--from", "2567", "--to", str(next_year))
    _ita(monkeypatch, "station", "add", NEW_CODE, NEW_NAME, "--province", "ลำพูน")
    _ita(monkeypatch, "user", "add", NEW_SECRETARY, "--role", "admin", "--station", NEW_CODE,
         stdin=PASSWORD + "\n")
    with start_app(dict(os.environ, ITA_DATABASE_URL=db)) as url:
        yield url, next_year


def new_year_plan_sheet(folder: Path, year: int) -> Path:
    """The seed's measures sheet with its due dates moved from 2567 to ``year``, as a file to choose."""
    from ita_core.thai_dates import shift_be_years_in_text
    from tests.transfer_support import seed_plan_sheet

    path = folder / f"แผน {year}.xlsx"
    path.write_bytes(seed_plan_sheet(
        edit=lambda _, row: row.__setitem__(5, shift_be_years_in_text(row[5], year - 2567))))
    return path


NEW_NAMES = 10  # the seed sheet's names the new station does not know yet


def test_the_secretary_files_a_new_stations_plan_for_next_year(
        browser, new_station_app, tmp_path: Path) -> None:
    """Issue 15, item 6 in Chromium: the new station's secretary logs in, picks next fiscal year on
    the import page, uploads the seed's measures sheet, sees the station and year as the heading and
    the ten new names preselected, commits; the overview he opens next and the first workbook he
    downloads are that station's year, not Chiang Mai 2567."""
    from urllib.parse import parse_qs, urlparse

    from openpyxl import load_workbook
    from playwright.sync_api import expect

    url, year = new_station_app
    sheet = new_year_plan_sheet(tmp_path, year)
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(url)
    wait_for_run(page)
    log_in(page, NEW_SECRETARY)
    nav = page.locator("[data-testid=stSidebarNav] a")
    nav.filter(has_text="นำเข้าแผนจาก Excel").click()
    page.wait_for_url("**/import_plan**", timeout=30_000)
    wait_for_run(page)
    main = page.locator("[data-testid=stMain]")
    main.get_by_text(f"{NEW_NAME} ยังไม่มีแผนในระบบ", exact=False).wait_for(timeout=30_000)  # no year guessed
    page.locator("[data-testid=stSidebar]").get_by_role("combobox", name="ปีงบประมาณ").click()
    page.get_by_role("option", name=str(year), exact=True).click()
    heading = main.locator("h2").filter(has_text=f"{NEW_NAME} · ปีงบประมาณ {year}")
    heading.wait_for(timeout=30_000)
    wait_for_run(page)
    chooser = page.locator("[data-testid=stFileUploaderDropzoneInput]")
    chooser.wait_for(state="attached", timeout=30_000)
    # the uploader's own words are Thai (ita_ui.styles.thai_uploader): English sized to nothing
    for part, words in ((UPLOADER_BUTTON, UPLOAD_WORD), (UPLOADER_NOTE, uploader_note(5, ("xlsx", "csv")))):
        shown = main.locator(part).evaluate(
            "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]")
        assert shown == ["0px", f'"{words}"']
    chooser.set_input_files(str(sheet))
    main.get_by_text("เพิ่ม 26 แถว · แก้ไข 0 แถว · ไม่เปลี่ยน 0 แถว · ปัญหา 0 จุด").wait_for(timeout=60_000)
    wait_for_run(page)
    chips = main.locator("[data-testid=stMultiSelectTagsContainer] [data-tag]")
    expect(chips).to_have_count(NEW_NAMES)  # every new name starts selected
    expect(main.get_by_text("9 แถวจะไม่มีผู้รับผิดชอบหลังนำเข้า", exact=False)).to_have_count(1)
    page.screenshot(path=str(tmp_path / "import_preview.png"), full_page=True)
    commit = main.get_by_role("button", name=f"บันทึกการนำเข้า 26 แถว เข้าแผนของ{NEW_NAME} ปีงบประมาณ {year}")
    commit.click()
    page.get_by_text(f"นำเข้าแล้ว: เพิ่ม 26 แก้ไข 0 แถว บุคลากรใหม่ {NEW_NAMES} คน", exact=False).first.wait_for(
        timeout=60_000)
    wait_for_run(page)

    nav.filter(has_text="ภาพรวมตัวชี้วัด").click()  # the next page shows the plan just filed
    page.wait_for_url("**/overview?**", timeout=30_000)
    wait_for_run(page)
    query = parse_qs(urlparse(page.url).query)
    assert (query["station"], query["fy"]) == ([NEW_CODE], [str(year)])
    title = main.get_by_text(f"{NEW_NAME} · ปีงบประมาณ {year} · ข้อมูล ณ", exact=False).first
    title.wait_for(timeout=30_000)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="แผน ITA ทั้งฉบับ").click()
    assert download.value.suggested_filename.startswith(f"ita-plan-{year}-")
    download.value.save_as(tmp_path / "plan.xlsx")
    workbook = load_workbook(tmp_path / "plan.xlsx")
    assert workbook["สรุปตัวชี้วัด"]["A1"].value.startswith(f"{NEW_NAME} · ปีงบประมาณ {year} · ข้อมูล ณ ")
    activities = [row for row in workbook["กิจกรรม"].iter_rows(values_only=True)
                  if "การจัดให้มีผู้ทำหน้าที่ประชาสัมพันธ์บนสถานีตำรวจ" in " ".join(map(str, row))]
    assert len(activities) == 1  # the sheet's third row, now the new station's
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


# --- the commander's journey: overview, then the meeting page, on the projector -----------------

LATE_AT_16_MARCH = ["O4", "O16", "O20", "O8", "ก4"]  # the demo's five late rows, oldest first


def _table_cells(table) -> list[list[str]]:
    """The cells of an ``st.table`` as a person reads them (word joiners and no-break spaces out)."""
    from ita_ui.styles import WORD_JOINER

    def read(text: str) -> str:
        return text.replace(WORD_JOINER, "").replace("\u00a0", " ").strip()

    rows = table.locator("tbody tr").all()
    return [[read(text) for text in row.locator("td").all_inner_texts()] for row in rows]


def test_the_commander_reads_the_late_rows_on_the_overview_then_the_meeting_page(
        browser, demo_app_url, tmp_path: Path) -> None:
    """Issue 15, items 1-3 at 1920×1080: under the overview's tiles the five late rows with their
    owners, and a click on the meeting page keeps station, year and date in the address and shows
    the same five rows with the same owners."""
    from playwright.sync_api import expect

    app_url, _db = demo_app_url
    address = "station=chiangmai&fy=2567&as_of=2024-03-16"
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{app_url}/overview?{address}")
    wait_for_run(page)
    main = page.locator("[data-testid=stMain]")
    main.get_by_text("เลยกำหนด 5 รายการ (เก่าสุดก่อน)").wait_for(timeout=30_000)
    late = main.locator("[data-testid=stTable]").first
    overview_rows = _table_cells(late)
    assert [row[0] for row in overview_rows] == LATE_AT_16_MARCH
    assert overview_rows[0][2:] == ["พินิจ อินตา, ณิชกร หมั่นการ, ภัทรพงษ์ พลังช้างสาร", "31 ม.ค. 2567", "เลยมา 45 วัน"]
    assert all(row[2] for row in overview_rows)  # every late row names its owners
    tiles = main.locator("[data-testid=stMetric]")
    tiles_box, late_box = tiles.last.bounding_box(), late.bounding_box()
    assert tiles_box is not None and late_box is not None
    assert late_box["y"] >= tiles_box["y"] + tiles_box["height"]  # under the tiles
    assert "5" in tiles.nth(2).inner_text()  # the overdue tile counts the same five

    page.locator("[data-testid=stSidebarNav] a").filter(has_text="มุมมองการประชุม").click()
    expect(page).to_have_url(re.compile(rf"/meeting\?{re.escape(address)}$"), timeout=30_000)
    wait_for_run(page)
    meeting = main.locator("[data-testid=stTable]").first
    meeting.wait_for(timeout=30_000)
    meeting_rows = _table_cells(meeting)
    assert [row[:3] for row in meeting_rows] == [row[:3] for row in overview_rows]
    assert "ณ 16 มี.ค. 2567" in _sidebar_caption(page)
    assert page.locator("[data-testid=stException]").count() == 0
    page.close()


def test_typing_survives_someone_elses_save_and_the_conflict_panel_keeps_mine(browser, db_url: str,
                                                                               app_url: str) -> None:
    """Issue 16 point 4 in Chromium: the officer types a note on O5 in งานของฉัน, the secretary saves
    the same row meanwhile and another widget reruns the page: the note stays typed, the save shows
    both values, and "use mine" stores it over the newer version."""
    from sqlmodel import Session, select

    from ita_core import services
    from ita_core.auth import CLI
    from ita_core.db import make_engine, session_scope
    from ita_core.models import OitItem
    from ita_ui.conflicts import CONFLICT

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{app_url}/my_items?as_of=2024-01-15")
    wait_for_run(page)
    log_in(page, "somchai")
    o5 = page.locator("[data-testid=stExpander]").filter(has_text="O5 ")
    o5.wait_for(timeout=30_000)
    o5.locator("summary").click()
    o5.get_by_label("หมายเหตุ").wait_for(timeout=30_000)  # the open row's form, drawn by a rerun
    wait_for_run(page)
    o5.get_by_label("หมายเหตุ").fill("ของฉันจากเบราว์เซอร์")
    engine = make_engine(db_url)
    with session_scope(engine) as session:  # the secretary saves the same row first
        item = session.exec(select(OitItem).where(OitItem.code == "O5")).one()
        services.update_progress(session, CLI, "oit_item", item.id, item.version, {"note": "ของเลขานุการ"})
    page.get_by_text("เฉพาะงานที่ยังไม่เสร็จ").click()  # another widget reruns the page
    wait_for_run(page)
    assert o5.get_by_label("หมายเหตุ").input_value() == "ของฉันจากเบราว์เซอร์"  # nothing typed is lost
    if not o5.get_by_label("หมายเหตุ").is_visible():  # the longer list redrew its expanders folded
        o5.locator("summary").click()
    o5.get_by_role("button", name="บันทึก").click()
    page.get_by_text(CONFLICT).wait_for(timeout=30_000)
    wait_for_run(page)
    assert o5.get_by_label("หมายเหตุ").input_value() == "ของฉันจากเบราว์เซอร์"
    o5.get_by_role("button", name="ใช้ค่าของฉัน (บันทึกทับ)").click()
    page.get_by_text("บันทึกแล้ว").first.wait_for(timeout=30_000)
    wait_for_run(page)
    with Session(engine) as session:
        saved = session.exec(select(OitItem).where(OitItem.code == "O5")).one()
    assert (saved.note, saved.updated_by) == ("ของฉันจากเบราว์เซอร์", "somchai")
    assert page.locator("[data-testid=stException]").count() == 0
    engine.dispose()
    page.close()
