"""Browser figures of bench_scale (issue 18): pages opened by their address in headless Chromium,
and the server's peak memory with 20 sessions.

The app runs under ``streamlit run`` on a free loopback port against the benchmark database, as
the end-to-end tests start it (``tests/e2e_support.py``); the bare one-chart page runs in a server
of its own. A page counts as open when its title is drawn and Streamlit's script run is over (the
``data-test-script-state`` marker the e2e tests wait for). Each timing is a fresh browser context
holding only the login cookie, so nothing of an earlier run is cached in the browser.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlmodel import select

from ita_core.auth import CLI
from ita_core.db import make_engine, session_scope
from ita_core.models import User
from ita_core.services.writer import Writer
from tests.e2e_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    _wait_healthy,
    free_port,
    launch_chromium,
    log_in,
)

REPO = Path(__file__).resolve().parent.parent
USER = "bench"  # a central admin, as the AppTest runs of bench_scale are
# the title each page draws first: the page is open when it shows and the script run is over
# a heading each page draws once its data is in (matched as a part of the heading's text)
TITLES = {"bare": "baseline", "province": "ภาพรวม", "home": "แผนยกระดับ ITA", "overview": "ภาพรวมตัวชี้วัด ITA",
          "meeting": "ITA", "workload": "ภาระงานรายบุคคล", "timeline": "ปฏิทินและกำหนดการ",
          "my_items": "งานของฉัน", "oit_matrix": "ตารางเผยแพร่ OIT รายเดือน", "quotas": "โควตาผู้ตอบแบบวัด",
          "score": "คาดการณ์คะแนน ITA", "admin": "จัดการแผนและผู้ใช้", "import_plan": "นำเข้าแผนจาก Excel",
          "audit": "ประวัติการแก้ไข", "framework": "เกณฑ์การประเมินรายปี"}
RUN_OVER = "[data-testid=stApp][data-test-script-state=notRunning]"
NO_SKELETON = "!document.querySelector('[data-testid=stSkeleton]')"
SESSIONS, AT_ONCE = 20, 5  # browser contexts of the memory figure, and how many log in at a time


def ensure_login(url: str) -> None:
    """The ``bench`` central admin (password as the e2e tests'), added once through the Writer."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        if session.exec(select(User.id).where(User.username == USER)).first() is None:
            Writer(session, CLI, source="bench").create_user(username=USER, password=PASSWORD, role="admin")
    engine.dispose()


@contextmanager
def serve(script: str, database_url: str) -> Iterator[tuple[str, int]]:
    """``streamlit run script`` on a free port against ``database_url``: (base URL, server pid).
    With ``MALLOC_ARENA_MAX=2`` unless set, as ``./run`` starts the app (the memory figure is the
    server's as deployed)."""
    port = free_port()
    env = {"MALLOC_ARENA_MAX": "2", **os.environ, "ITA_DATABASE_URL": database_url}  # as ./run starts it
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def address(base: str, page: str, query: str) -> str:
    return f"{base}/{'' if page in ('bare', 'home') else page}?{query}".rstrip("?")


def open_seconds(browser: Any, url: str, title: str, storage: dict[str, Any] | None) -> float:
    """Seconds from asking for ``url`` in a fresh context to its page drawn and its run over."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, storage_state=storage)
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url, timeout=180_000)
        page.get_by_role("heading", name=title).first.wait_for(timeout=120_000)
        page.wait_for_selector(RUN_OVER, timeout=120_000)
        page.wait_for_function(NO_SKELETON, timeout=120_000)
        return time.perf_counter() - started
    finally:
        context.close()


def logged_in_state(browser: Any, base: str) -> dict[str, Any]:
    """The cookies of a context that logged in as :data:`USER` (the app keeps a login in one)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(base, timeout=180_000)
        page.wait_for_selector(RUN_OVER, timeout=120_000)
        log_in(page, USER)
        state: dict[str, Any] = context.storage_state()
        return state
    finally:
        context.close()


def page_timings(database_url: str, pages: list[str], query: str, runs: int,
                 log: Callable[[str], None]) -> dict[str, float]:
    """Median seconds to open the bare page and each of ``pages`` by address (``bare`` first)."""
    ensure_login(database_url)
    timings: dict[str, float] = {}
    with launch_chromium() as browser:
        with serve("bench/bare_page.py", database_url) as (base, _):
            open_seconds(browser, base, TITLES["bare"], None)  # warm-up: the server's first imports
            timings["bare"] = statistics.median(
                open_seconds(browser, base, TITLES["bare"], None) for _ in range(runs))
        log(f"browser: bare page {timings['bare']:.3f} s")
        with serve("dashboard.py", database_url) as (base, _):
            storage = logged_in_state(browser, base)
            for page in pages:
                url = address(base, page, query)
                open_seconds(browser, url, TITLES[page], storage)  # warm-up: the page's imports and engine
                timings[page] = statistics.median(
                    open_seconds(browser, url, TITLES[page], storage) for _ in range(runs))
                log(f"browser: {page} {timings[page]:.3f} s")
    return timings


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of process ``pid`` and its children, in MB (from /proc)."""
    def status(process: int) -> dict[str, str]:
        try:
            lines = Path(f"/proc/{process}/status").read_text().splitlines()
        except OSError:  # ended meanwhile
            return {}
        return dict(line.split(":", 1) for line in lines if ":" in line)

    processes = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]
    family = [pid, *(p for p in processes if status(p).get("PPid", "").strip() == str(pid))]
    return round(sum(int(status(p).get("VmHWM", "0 kB").split()[0]) for p in family) / 1024, 1)


async def _one_session(browser: Any, base: str, url: str, title: str, gate: asyncio.Semaphore) -> Any:
    """A context that logs in on the home page and then opens ``url``; left open (a live session)."""
    async with gate:
        context = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await context.new_page()
        await page.goto(base, timeout=180_000)
        await page.wait_for_selector(RUN_OVER, timeout=180_000)
        sidebar = page.locator("[data-testid=stSidebar]")
        await sidebar.get_by_label("ชื่อผู้ใช้").fill(USER)
        await sidebar.get_by_label("รหัสผ่าน").fill(PASSWORD)
        await sidebar.get_by_role("button", name="เข้าสู่ระบบ").click()
        await sidebar.get_by_role("button", name="ออกจากระบบ").wait_for(timeout=180_000)
        await page.goto(url, timeout=180_000)
        await page.get_by_role("heading", name=title).first.wait_for(timeout=180_000)
        await page.wait_for_selector(RUN_OVER, timeout=180_000)
        return context


async def _sessions(base: str, url: str, title: str) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            gate = asyncio.Semaphore(AT_ONCE)
            contexts = await asyncio.gather(*(_one_session(browser, base, url, title, gate)
                                              for _ in range(SESSIONS)))
            for context in contexts:
                await context.close()
        finally:
            await browser.close()


def server_rss_mb(database_url: str, page: str, query: str, log: Callable[[str], None]) -> float:
    """A fresh server's peak RSS (MB) once :data:`SESSIONS` browser contexts, :data:`AT_ONCE` at a
    time, have each logged in and opened ``page``, all still open."""
    ensure_login(database_url)
    with serve("dashboard.py", database_url) as (base, pid):
        asyncio.run(_sessions(base, address(base, page, query), TITLES[page]))
        peak = peak_rss_mb(pid)
    log(f"browser: {SESSIONS} sessions, server peak RSS {peak} MB")
    return peak


def has_browser() -> bool:
    return CHROMIUM.exists()
