"""Start the real app with `streamlit run` and drive it with Debian's Chromium via Playwright.

Shared by the end-to-end tests and docs/make_screenshots.py. Waiting is always on a
condition (health endpoint, Streamlit's script state), never a fixed sleep.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import select

from ita_core import services
from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope
from ita_core.models import Person
from ita_core.seed import ensure_database
from ita_core.settings import DEFAULT_DATA_DIR

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, deadline_s: float = 90) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise RuntimeError(f"streamlit exited early: {output}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # polling interval of a condition wait, not synchronisation
    raise TimeoutError("streamlit did not answer /_stcore/health")


@contextmanager
def start_app(env: dict[str, str]) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free loopback port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false",
         # the app under test is the code as the test found it: no reload when a file changes meanwhile
         "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def launch_chromium():
    """Headless Debian Chromium (Playwright's own browser download is not reachable here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_for_run(page) -> None:
    """Wait until Streamlit has finished the script run and no skeleton is left."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=60_000)
    page.wait_for_function("!document.querySelector('[data-testid=stSkeleton]')", timeout=60_000)


PASSWORD = "pass-word-2567"


def seeded_database(folder: Path, username: str, role: str, person: str | None = None) -> str:
    """URL of a new seeded SQLite database in ``folder`` with one login (password ``PASSWORD``)."""
    url = f"sqlite:///{folder / 'ita.db'}"
    engine = make_engine(url)
    ensure_database(engine, DEFAULT_DATA_DIR)
    with session_scope(engine) as session:
        person_id = session.exec(select(Person.id).where(Person.name == person)).one() if person else None
        services.create_user(session, CLI, username, PASSWORD, role, person_id=person_id)
    engine.dispose()
    return url


def log_in(page, username: str) -> None:
    """Fill the sidebar login form with ``username`` and ``PASSWORD``, submit it, and return once the
    logged-in run has finished: a click that lands while that run still redraws the page can hit an
    element about to be replaced (a select whose list then never opens)."""
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_label("ชื่อผู้ใช้").fill(username)
    sidebar.get_by_label("รหัสผ่าน").fill(PASSWORD)
    sidebar.get_by_role("button", name="เข้าสู่ระบบ").click()
    sidebar.get_by_role("button", name="ออกจากระบบ").wait_for(timeout=60_000)
    wait_for_run(page)
