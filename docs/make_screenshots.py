"""Screenshots for the README, taken along the three journeys of the end-to-end tests.

    .venv/bin/python docs/make_screenshots.py

Starts the app on a fresh demo database (the sample plan at 16 มี.ค. 2567) and shoots, with
Debian's Chromium (/usr/bin/chromium) through Playwright:

- the commander's projector at 1920×1080: the overview and the meeting page;
- the officer's phone at 390×844: his items, and the OIT to-do list's tick dialog;
- the secretary filing a new station's plan for next fiscal year: the import preview;
- the other pages at 1400×1800.

It writes docs/*.png (each kept under 400 KB by reducing colours, which Thai text and the light
icons survive). Not a test: it asserts nothing, and the tests never run it; it waits on the
same conditions as the tests (tests/e2e_support.py), never a fixed sleep.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ita_core.thai_dates import fiscal_year_of  # noqa: E402
from tests.e2e_support import PASSWORD, launch_chromium, log_in, start_app, wait_for_run  # noqa: E402

DOCS = REPO / "docs"
AS_OF = "as_of=2024-03-16"  # a day inside FY 2567: the lights show a year in progress
CONTEXT = f"station=chiangmai&fy=2567&{AS_OF}"
OTHER_PAGES = {"home": "", "workload": "workload", "timeline": "timeline", "oit_matrix": "oit_matrix",
               "quotas": "quotas", "score": "score", "province": "province"}
OFFICER, OFFICER_PERSON = "somchai", "ภัทรพงษ์ พลังช้างสาร"
NEW_CODE, NEW_NAME, SECRETARY = "LPN02", "สถานีตำรวจภูธรป่าซาง", "pasang_secretary"
MAX_BYTES = 400_000


def ita(env: dict[str, str], *args: str, stdin: str = "") -> None:
    """``ita ARGS`` on the screenshots' database, as a person types it."""
    subprocess.run([sys.executable, "-m", "ita_core.cli", *args], env=env, input=stdin, text=True, check=True)


def save(page, name: str) -> None:
    """``docs/<name>.png``, with fewer colours when the plain PNG would be over ``MAX_BYTES``."""
    from PIL import Image

    path = DOCS / f"{name}.png"
    page.screenshot(path=str(path))  # the viewport: Streamlit scrolls inside it, not the page
    if path.stat().st_size > MAX_BYTES:
        with Image.open(path) as image:
            image.convert("RGB").quantize(colors=128).save(path, optimize=True)
    print(f"wrote docs/{name}.png ({path.stat().st_size // 1000} KB)")


def commander(browser, url: str) -> None:
    """The projector: the overview's tiles with the late rows under them, then the meeting page."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    for name in ("overview", "meeting"):
        page.goto(f"{url}/{name}?{CONTEXT}")
        wait_for_run(page)
        page.locator("[data-testid=stTable]").first.wait_for(timeout=60_000)
        save(page, name)
    page.close()


def officer(browser, url: str) -> None:
    """The phone: logged in on the page, his items, then the OIT to-do list's first cell opened."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.goto(f"{url}/my_items?{AS_OF}")
    wait_for_run(page)
    main = page.locator("[data-testid=stMain]")
    main.get_by_label("ชื่อผู้ใช้").fill(OFFICER)
    main.get_by_label("รหัสผ่าน").fill(PASSWORD)
    main.get_by_role("button", name="เข้าสู่ระบบ").tap()
    main.get_by_label("ชื่อผู้ใช้").wait_for(state="detached", timeout=60_000)
    wait_for_run(page)
    main.locator("[data-testid=stExpander]").first.wait_for(timeout=60_000)
    save(page, "phone_my_items")
    page.goto(f"{url}/oit_matrix?{AS_OF}")
    wait_for_run(page)
    first = main.locator("[class*='st-key-todo_']").first
    first.wait_for(timeout=60_000)
    first.get_by_role("button").tap()
    page.get_by_role("dialog").get_by_label("ลิงก์ของข้อมูลที่เผยแพร่ (URL)").wait_for(timeout=60_000)
    wait_for_run(page)
    save(page, "phone_to_do")
    context.close()


def secretary(browser, url: str, env: dict[str, str], folder: Path) -> None:
    """A station added today: its secretary picks next fiscal year and previews the seed's sheet."""
    from ita_core.thai_dates import shift_be_years_in_text
    from tests.transfer_support import seed_plan_sheet

    year = fiscal_year_of(date.today()) + 1
    ita(env, "framework", "copy", "--from", "2567", "--to", str(year))
    ita(env, "station", "add", NEW_CODE, NEW_NAME, "--province", "ลำพูน")
    ita(env, "user", "add", SECRETARY, "--role", "admin", "--station", NEW_CODE, stdin=PASSWORD + "\n")
    sheet = folder / f"แผน {year}.xlsx"
    sheet.write_bytes(seed_plan_sheet(
        edit=lambda _, row: row.__setitem__(5, shift_be_years_in_text(row[5], year - 2567))))
    page = browser.new_page(viewport={"width": 1400, "height": 2100})  # down to the names and the warning
    page.goto(url)
    wait_for_run(page)
    log_in(page, SECRETARY)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text="นำเข้าแผนจาก Excel").click()
    page.wait_for_url("**/import_plan**", timeout=60_000)
    wait_for_run(page)
    page.locator("[data-testid=stSidebar]").get_by_role("combobox", name="ปีงบประมาณ").click()
    page.get_by_role("option", name=str(year), exact=True).click()
    page.locator("h2").filter(has_text=f"{NEW_NAME} · ปีงบประมาณ {year}").wait_for(timeout=60_000)
    wait_for_run(page)
    chooser = page.locator("[data-testid=stFileUploaderDropzoneInput]")
    chooser.wait_for(state="attached", timeout=60_000)
    chooser.set_input_files(str(sheet))
    page.get_by_text("เพิ่ม 26 แถว", exact=False).first.wait_for(timeout=60_000)
    wait_for_run(page)
    save(page, "import_preview")
    page.close()


def other_pages(browser, url: str) -> None:
    for name, path in OTHER_PAGES.items():
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.goto(f"{url}/{path}?{CONTEXT}")
        wait_for_run(page)
        save(page, name)
        page.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, ITA_DATABASE_URL=f"sqlite:///{tmp}/ita.db")
        ita(env, "init", "--demo")
        # an admin exists, as in use, so home shows no first-admin form
        ita(env, "user", "add", "admin", "--role", "admin", stdin=PASSWORD + "\n")
        ita(env, "user", "add", OFFICER, "--role", "officer", "--person", OFFICER_PERSON,
            "--station", "chiangmai", stdin=PASSWORD + "\n")
        with start_app(env) as url, launch_chromium() as browser:
            commander(browser, url)
            other_pages(browser, url)
            officer(browser, url)
            secretary(browser, url, env, Path(tmp))  # last: its new station is in no other picture


if __name__ == "__main__":
    main()
