"""End-to-end (issue 16, points 3 and 4): two people in two browser contexts meet on one row and the
second keeps what he typed; an imported plan full of markup makes no browser fetch anything.

One app server and one database for the module: two station admins (``admin_a``, ``admin_b``) of
the seeded station, and a plan imported through the service whose texts carry markdown images,
raw HTML, pipes and ``javascript:`` links pointing at a local HTTP server that records every
request it gets. Waiting is on locators and Streamlit's script state, never a sleep.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import Session, select

from ita_core import imports, services
from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope
from ita_core.models import Activity, OitItem, Publication, Station
from ita_core.settings import get_settings
from tests.e2e_support import PASSWORD, log_in, seeded_database, wait_for_run
from tests.make_bad_imports import _csv, _oit_header, _plan

pytestmark = pytest.mark.e2e

NAV_LINKS = "[data-testid=stSidebarNav] a"
ADMIN = "จัดการแผนและผู้ใช้"
# the admin page's tabs after the first: it draws only the open one
ADMIN_TABS = ("ข้อมูล OIT", "บุคคล", "การมอบหมาย", "ผู้ใช้", "การแจ้งเตือน", "ปีงบประมาณใหม่", "สำรองข้อมูล")


@dataclass
class Tracker:
    """A local HTTP server standing in for an image host: every request it gets is kept."""

    port: int
    paths: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture(scope="module")
def tracker() -> Iterator[Tracker]:
    """The image host on a free loopback port, serving (and recording) in a thread."""
    found: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:  # quiet test output
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Tracker(server.server_address[1], found)
    finally:
        server.shutdown()
        server.server_close()


def markup_rows(host: str) -> list[list[object]]:
    """Plan rows (the station's eight-column layout) whose texts try to pass for something else."""
    image = f"![t](http://{host}/track.png)"
    html = f'<img src="http://{host}/html.png">'
    return [
        ["ตัวชี้วัดที่ ๑", f"ประเด็น {html}", f"กิจกรรมมีภาพ {image}", "ผลผลิต a|b|c", "[คลิก](javascript:alert(1))",
         "๓๐ มี.ค.๖๗", f"ร.ต.อ.ภาพ{image} จัดทำ", "ทุก ๑ เดือน"],
        [None, "ท่อ | แยก | ช่อง", f"กิจกรรม HTML {html} <b>หนา</b>",
         f"<a href=\"javascript:alert(2)\">ลิงก์</a> {image}",
         "| --- | --- |", "๓๑ มี.ค.๖๗", "สว.อก.๑ ผู้ควบคุม", "ทุกเดือน"],
    ]


def markup_oit_o1(host: str) -> bytes:
    """Our own OIT export with O1's title and note carrying an image, HTML and a script link."""
    row = ["O1", "9.1", "โครงสร้าง", f"โครงสร้าง ![o](http://{host}/oit.png) | ช่องปลอม", "", "", "", "", "",
           "in_progress", f'<img src="http://{host}/note.png"> [x](javascript:alert(3))', "", 1]
    return _csv(_oit_header(), row)


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory, tracker: Tracker) -> str:
    """A seeded database with two admins of the station, and the markup plan imported into 2567."""
    url = seeded_database(tmp_path_factory.mktemp("e2e_trust"), "somchai", "officer", "ภัทรพงษ์ พลังช้างสาร")
    engine = make_engine(url)
    with session_scope(engine) as session:
        station = session.exec(select(Station)).one()
        for name in ("admin_a", "admin_b"):
            services.create_user(session, CLI, name, PASSWORD, "admin", station_id=station.id)
        for name, data in (("markup.xlsx", _plan(*markup_rows(tracker.host))),
                           ("oit-items.csv", markup_oit_o1(tracker.host))):
            planned = imports.preview(session, data, name, station_id=station.id, fiscal_year=2567,
                                      settings=get_settings())
            assert (planned.errors, planned.count("unchanged")) == ([], 0), planned.errors
            imports.commit(session, CLI, data, name, station_id=station.id, fiscal_year=2567,
                           settings=get_settings(), approve_names=planned.new_names)
    engine.dispose()
    return url


@pytest.fixture
def two(browser) -> Iterator[tuple[object, object]]:
    """Two separate browser contexts (two people, two sessions), one page each. Wide, so that the
    conflict panel's grid in the OIT page's half-width column shows both value columns (the grid
    draws on a canvas and lists only the cells in view in its accessible table)."""
    contexts = [browser.new_context(viewport={"width": 2400, "height": 1200}) for _ in range(2)]
    try:
        yield tuple(context.new_page() for context in contexts)
    finally:
        for context in contexts:
            context.close()


def open_logged_in(page, url: str, username: str) -> None:
    page.goto(url)
    wait_for_run(page)
    log_in(page, username)


def go_to(page, title: str) -> None:
    """Open a page through the sidebar menu (the session and its login stay), and wait until its
    run is over with nothing of the page before left (stale elements are marked ``data-stale``):
    reading right after the click could read the previous page, or a main area still empty."""
    link = page.locator(NAV_LINKS).filter(has_text=title).first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_function("url => location.href.split('?')[0] === url", arg=target, timeout=30_000)
    wait_for_run(page)
    page.wait_for_function("!document.querySelector('[data-stale=true]')", timeout=60_000)
    page.locator("[data-testid=stMain] h1").first.wait_for(timeout=30_000)


def pick_option(page, combobox: str, typed: str, option: re.Pattern[str] | str) -> None:
    """Choose an option of a Streamlit select by typing into it."""
    page.get_by_role("combobox", name=combobox).click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option).first.click()
    wait_for_run(page)


def open_activity(page, app_url: str, username: str) -> object:
    """The admin page's activity tab with ก1 chosen; its edit form."""
    open_logged_in(page, app_url, username)  # the admin section is in the menu once logged in
    go_to(page, "จัดการแผนและผู้ใช้")
    pick_option(page, "เลือกกิจกรรม", "ก1 ", re.compile(r"^ก1 · "))
    form = page.locator("[data-testid=stForm]").filter(has=page.get_by_label("ระยะเวลากำกับติดตาม", exact=True))
    form.wait_for(timeout=30_000)
    return form


def expect_grid_cell(page, text: str) -> None:
    """Wait until a data grid cell (st.dataframe's accessible table, drawn after the run) reads ``text``."""
    from playwright.sync_api import expect

    cell = page.locator("[data-testid=stDataFrame] [role=gridcell]").filter(
        has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
    expect(cell.first).to_be_attached(timeout=30_000)


def test_the_admin_row_form_keeps_typing_and_shows_both_values_to_the_second_admin(
        two, app_url: str, db_url: str) -> None:
    from ita_ui.conflicts import CONFLICT

    page_a, page_b = two
    form_a = open_activity(page_a, app_url, "admin_a")
    form_b = open_activity(page_b, app_url, "admin_b")
    form_b.get_by_label("ระยะเวลากำกับติดตาม", exact=True).fill("ทุกสัปดาห์ (บี)")
    form_b.get_by_role("button", name="บันทึก").click()
    page_b.get_by_text("บันทึกแล้ว").first.wait_for(timeout=30_000)
    wait_for_run(page_b)

    field_a = form_a.get_by_label("ระยะเวลากำกับติดตาม", exact=True)
    field_a.fill("ทุกวันศุกร์ (เอ)")
    form_a.get_by_role("button", name="บันทึก").click()
    page_a.get_by_text(CONFLICT).wait_for(timeout=30_000)
    wait_for_run(page_a)
    assert field_a.input_value() == "ทุกวันศุกร์ (เอ)"  # what A typed is still in the field
    expect_grid_cell(page_a, "ทุกสัปดาห์ (บี)")  # theirs and mine side by side
    expect_grid_cell(page_a, "ทุกวันศุกร์ (เอ)")

    page_a.get_by_role("button", name="ใช้ค่าของฉัน (บันทึกทับ)").click()
    page_a.get_by_text("บันทึกแล้ว").first.wait_for(timeout=30_000)
    wait_for_run(page_a)
    engine = make_engine(db_url)
    with Session(engine) as session:
        saved = session.exec(select(Activity).where(Activity.seq == 1, Activity.fiscal_year == 2567)).one()
    engine.dispose()
    assert (saved.cadence_text, saved.updated_by) == ("ทุกวันศุกร์ (เอ)", "admin_a")
    for page in two:
        assert page.locator("[data-testid=stException]").count() == 0


def open_o7(page, app_url: str, username: str) -> object:
    """The OIT matrix's tick form of O7 for October 2566 (O7's first open month on 16 Mar 2567)."""
    from playwright.sync_api import expect

    open_logged_in(page, f"{app_url}/oit_matrix?as_of=2024-03-16", username)
    page.get_by_role("combobox", name="ข้อมูล OIT").wait_for(timeout=30_000)
    pick_option(page, "ข้อมูล OIT", "O7 ", "O7 · รายงานผลการปฏิบัติราชการประจำเดือน")
    month = page.get_by_role("combobox", name="เดือน", exact=True)  # not the sidebar date's month
    expect(month).to_have_value("ต.ค. 66 · กำหนด 31 ต.ค. 2566", timeout=30_000)
    link = page.get_by_label("ลิงก์ของข้อมูลที่เผยแพร่ (URL)")
    expect(link).to_have_count(1, timeout=30_000)
    return link


def test_the_oit_tick_form_keeps_the_second_persons_url_and_shows_both(two, app_url: str,
                                                                        db_url: str) -> None:
    from ita_ui.conflicts import CONFLICT

    first_url = "https://chiangmai.police.go.th/oit/o7-first.pdf"
    second_url = "https://chiangmai.police.go.th/oit/o7-second.pdf"
    page_a, page_b = two
    link_a = open_o7(page_a, app_url, "admin_a")
    link_b = open_o7(page_b, app_url, "admin_b")
    link_b.fill(first_url)
    page_b.get_by_role("button", name="บันทึกการเผยแพร่").click()
    page_b.get_by_text("บันทึกแล้ว").first.wait_for(timeout=30_000)
    wait_for_run(page_b)

    link_a.fill(second_url)
    page_a.get_by_role("button", name="บันทึกการเผยแพร่").click()
    page_a.get_by_text(CONFLICT).wait_for(timeout=30_000)
    wait_for_run(page_a)
    assert link_a.input_value() == second_url  # the second person's typed URL stays
    expect_grid_cell(page_a, first_url)  # theirs and mine side by side
    expect_grid_cell(page_a, second_url)

    page_a.get_by_role("button", name="ใช้ค่าของฉัน (บันทึกทับ)").click()
    page_a.get_by_text("บันทึกแล้ว").first.wait_for(timeout=30_000)
    wait_for_run(page_a)
    engine = make_engine(db_url)
    with Session(engine) as session:
        o7 = session.exec(select(OitItem).where(OitItem.code == "O7", OitItem.fiscal_year == 2567)).one()
        cell = session.exec(select(Publication).where(Publication.item_id == o7.id)).one()
    engine.dispose()
    assert (cell.done, cell.url, cell.updated_by) == (True, second_url, "admin_a")
    for page in two:
        assert page.locator("[data-testid=stException]").count() == 0


def readable(text: str) -> str:
    """Text as a person reads it: the word joiners that keep Thai words whole taken out."""
    from ita_ui.styles import WORD_JOINER

    return text.replace(WORD_JOINER, "").replace("\u00a0", " ")


def test_imported_markup_fetches_nothing_and_makes_no_script_link_on_any_page(
        browser, app_url: str, tracker: Tracker) -> None:
    requested: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    open_logged_in(page, f"{app_url}/?as_of=2024-03-16", "admin_a")
    titles = [title.split("\n")[-1].strip() for title in page.locator(NAV_LINKS).all_inner_texts()]  # no icon
    assert "นำเข้าแผนจาก Excel" in titles and "จัดการแผนและผู้ใช้" in titles  # the admin's whole menu
    seen: dict[str, int] = {}
    shown: dict[str, str] = {}  # each page's text as a person reads it
    views = [(title, tab) for title in titles for tab in (None, *(ADMIN_TABS if title == ADMIN else ()))]
    for title, tab in views:
        if tab is None:
            go_to(page, title)
        else:  # each tab of the admin page too
            open_section(page, tab)
        name = title if tab is None else f"{title} · {tab}"
        seen[name] = page.locator('a[href^="javascript:" i]').count()
        split = page.locator("td, th").filter(has_text=re.compile(r"^\s*[bc]\s*$"))  # "a|b|c" cut into cells
        assert split.count() == 0, name
        shown[name] = readable(page.locator("[data-testid=stMain]").inner_text())
        assert page.locator(f'img[src*="{tracker.host}"]').count() == 0, name
        assert page.locator("[data-testid=stException]").count() == 0, name
        assert page.get_by_text("เกิดข้อผิดพลาดที่ไม่คาดคิด").count() == 0, name  # run_safely's message
    # the imported texts did reach a page, drawn as the very characters imported
    assert f"![t](http://{tracker.host}/track.png)" in shown["งานของฉัน"]
    assert seen == dict.fromkeys(seen, 0) and len(seen) == len(titles) + len(ADMIN_TABS)
    assert [url for url in requested if tracker.host in url] == []
    assert tracker.paths == []
    context.close()


def open_section(page, name: str) -> None:
    """Open one tab of the admin page (the click reruns the page: a preview is worked out only
    while its tab is open)."""
    page.get_by_role("tab", name=name).click()
    wait_for_run(page)


def test_typing_in_an_admin_form_survives_a_change_of_tab(two, app_url: str) -> None:
    """Unsaved typing in ก1's form is still there after the admin looked at a preview (a tab worked
    out only while open, so the change reruns the page) and at another form's tab."""
    from playwright.sync_api import expect

    page, _ = two
    open_activity(page, app_url, "admin_a")  # ก1 chosen in the first tab
    field = page.get_by_label("ระยะเวลากำกับติดตาม", exact=True)
    field.fill("ทุกสัปดาห์ (ยังไม่บันทึก)")
    open_section(page, "การแจ้งเตือน")
    expect(page.get_by_text(re.compile("ข้อความที่แต่ละคนจะได้รับ|ตัวอย่างการแจ้งเตือนดูได้เฉพาะ"))).to_be_visible(
        timeout=30_000)
    open_section(page, "บุคคล")
    expect(page.get_by_role("combobox", name="เลือกบุคคล")).to_be_visible(timeout=30_000)
    open_section(page, "มาตรการ/กิจกรรม")
    expect(field).to_have_value("ทุกสัปดาห์ (ยังไม่บันทึก)", timeout=30_000)
    expect(page.get_by_role("combobox", name="เลือกกิจกรรม")).to_have_value(re.compile(r"^ก1 · "))
    assert page.locator("[data-testid=stException]").count() == 0
