"""Screenshots for the README: start the app on a demo database and shoot every page.

    python docs/make_screenshots.py

Uses Debian's Chromium (/usr/bin/chromium) through Playwright; writes docs/*.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.e2e_support import launch_chromium, start_app, wait_for_run  # noqa: E402

PAGES = {"home": "", "overview": "overview", "workload": "workload", "timeline": "timeline",
         "meeting": "meeting", "oit_matrix": "oit_matrix", "quotas": "quotas", "score": "score",
         "province": "province"}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, ITA_DATABASE_URL=f"sqlite:///{tmp}/ita.db")
        subprocess.run([sys.executable, "-m", "ita_core.cli", "init", "--demo"], env=env, check=True)
        # a date inside FY 2567 so the lights show a year in progress
        query = "?as_of=2024-03-16"
        with start_app(env) as url, launch_chromium() as browser:
            for name, path in PAGES.items():
                page = browser.new_page(viewport={"width": 1400, "height": 1800})
                page.goto(f"{url}/{path}{query}")
                wait_for_run(page)
                page.screenshot(path=str(REPO / "docs" / f"{name}.png"), full_page=True)
                print("wrote", name)
            phone_to_do(browser, f"{url}/oit_matrix{query}")


def phone_to_do(browser, address: str) -> None:
    """The OIT matrix's to-do tab as a web officer sees it on a phone."""
    page = browser.new_page(viewport={"width": 390, "height": 1100})
    page.goto(address)
    wait_for_run(page)
    tab = page.get_by_role("tab", name="📱 ต้องทำ")
    tab.click()
    tab.scroll_into_view_if_needed()
    page.locator("[data-testid=stButton]").first.wait_for()
    page.screenshot(path=str(REPO / "docs" / "phone_to_do.png"))
    print("wrote phone_to_do")


if __name__ == "__main__":
    main()
