"""End-to-end: the real app under `streamlit run`, driven by Debian's Chromium.

Locally a missing browser skips these tests; in CI (CI=true) it is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e_support import CHROMIUM, launch_chromium, start_app, wait_for_run

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("e2e") / "ita.db"
    with start_app(dict(os.environ, ITA_DATABASE_URL=f"sqlite:///{db}")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium missing at /usr/bin/chromium; CI must apt-get install chromium")
        pytest.skip("Chromium not installed")
    with launch_chromium() as browser:
        yield browser


@pytest.fixture
def page(browser, app_url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(app_url)
    wait_for_run(page)
    yield page
    page.close()


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
