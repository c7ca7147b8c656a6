"""The background link check of the web app (ita_ui.jobs) against a real HTTP server on loopback:
progress is reported while dead hosts time out, one check runs per station and year, results are
stored through the Writer, and failures end the job with a Thai message instead of a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core.auth import CLI, Actor
from ita_core.db import session_scope
from ita_core.models import AuditLog, LinkCheck, OitItem, Station
from ita_core.permissions import DENIED_TH, Action
from ita_core.services.writer import Writer
from ita_ui import jobs
from tests.test_links import TIMEOUT, Web

YEAR = 2567


@pytest.fixture(autouse=True)
def no_jobs() -> Iterator[None]:
    jobs.forget_finished()
    yield
    jobs.forget_finished()


@pytest.fixture
def web() -> Iterator[Web]:
    server = Web()
    yield server
    server.close()


def _plant(engine: Engine, urls: list[str]) -> int:
    """O7's first months published at ``urls``; returns the station id."""
    with session_scope(engine) as session:
        station_id = session.exec(select(Station.id)).one() or 0
        o7 = session.exec(select(OitItem).where(OitItem.code == "O7", OitItem.fiscal_year == YEAR)).one()
        for index, url in enumerate(urls):
            Writer(session, CLI, source="cli").set_publication(
                item_id=o7.id or 0, month=date(2023, 10 + index, 1), done=True, url=url)
    return station_id


def test_a_job_reports_progress_and_stores_its_results(engine: Engine, web: Web) -> None:
    station_id = _plant(engine, [web.url("/ok"), web.url("/gone"), web.url("/slow")])
    job, started = jobs.start_link_check(engine=engine, actor=CLI, station_id=station_id, fiscal_year=YEAR,
                                         timeout=30)
    assert started
    # /slow holds its answer until the test releases it, so the job is still running here
    again, started_again = jobs.start_link_check(engine=engine, actor=CLI, station_id=station_id,
                                                 fiscal_year=YEAR, timeout=30)
    assert (again, started_again) == (job, False)  # at most one check per station and year
    assert jobs.link_check_job(station_id, YEAR) is job
    assert not job.state().finished
    web.release.set()
    final = job.join(timeout=30)
    assert (final.finished, final.done, final.total, final.checked, final.broken, final.error) == (
        True, 3, 3, 3, 1, "")
    assert final.progress_text == "ตรวจแล้ว 3 จาก 3 ลิงก์"
    assert final.summary_text == "ตรวจลิงก์เสร็จแล้ว: ตรวจ 3 ลิงก์ · ลิงก์เสีย 1"
    with Session(engine) as session:
        checks = session.exec(select(LinkCheck)).all()
        stored = {c.url.removeprefix(web.base): (c.ok, c.status_code) for c in checks}
        sources = set(session.exec(select(AuditLog.source).where(AuditLog.table_name == "link_check")))
    assert stored == {"/ok": (True, 200), "/gone": (False, 404), "/slow": (True, 200)}
    assert sources == {"form"}
    # done: the next press starts a new job
    newer, started = jobs.start_link_check(engine=engine, actor=CLI, station_id=station_id, fiscal_year=YEAR,
                                           timeout=TIMEOUT)
    assert started and newer is not job
    assert newer.join(timeout=30).job_id > final.job_id


def test_a_year_without_links_finishes_with_nothing_checked(engine: Engine) -> None:
    station_id = _plant(engine, [])
    job, _ = jobs.start_link_check(engine=engine, actor=CLI, station_id=station_id, fiscal_year=YEAR,
                                   timeout=TIMEOUT)
    final = job.join(timeout=30)
    assert (final.finished, final.total, final.checked, final.broken, final.error) == (True, 0, 0, 0, "")


def test_a_refused_actor_ends_the_job_with_the_thai_refusal(engine: Engine, web: Web) -> None:
    station_id = _plant(engine, [web.url("/ok")])
    officer = Actor("officer", "officer", person_id=1, station_id=station_id)
    job, _ = jobs.start_link_check(engine=engine, actor=officer, station_id=station_id, fiscal_year=YEAR,
                                   timeout=TIMEOUT)
    final = job.join(timeout=30)
    assert final.finished and final.checked == 0
    assert final.error == DENIED_TH[Action.CHECK_LINKS]
    assert final.summary_text == ""
    with Session(engine) as session:
        assert session.exec(select(LinkCheck)).all() == []


def test_a_failing_store_ends_the_job_with_a_thai_message(engine: Engine, web: Web,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    station_id = _plant(engine, [web.url("/ok")])

    def broken_store(*_args: object, **_kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Writer, "record_link_checks", broken_store)
    job, _ = jobs.start_link_check(engine=engine, actor=CLI, station_id=station_id, fiscal_year=YEAR,
                                   timeout=TIMEOUT)
    final = job.join(timeout=30)
    assert (final.finished, final.error) == (True, jobs.FAILED_TH)
    jobs.forget_finished()
    assert jobs.link_check_job(station_id, YEAR) is None


def test_the_page_shows_progress_while_the_check_runs_then_the_summary(engine: Engine, web: Web) -> None:
    """The button only starts the job: the page run ends while /slow still holds its answer,
    showing a progress bar and a disabled button; once the job ends the page shows the summary."""
    from tests.test_pages import login, make_user, run_page

    station_id = _plant(engine, [web.url("/slow"), web.url("/gone")])
    make_user("admin1", "admin")
    app = login(run_page("oit_matrix"), "admin1")
    app.button(key="check_links").click().run()
    assert not app.exception
    job = jobs.link_check_job(station_id, YEAR)
    assert job is not None and not job.state().finished  # the page run is over, the check is not
    bars = app.get("progress")
    assert len(bars) == 1 and bars[0].proto.text in ("กำลังรวบรวมลิงก์ของปีนี้ …", "ตรวจแล้ว 0 จาก 2 ลิงก์",
                                                     "ตรวจแล้ว 1 จาก 2 ลิงก์")
    assert app.button(key="check_links").disabled
    web.release.set()
    assert job.join(timeout=30).summary_text == "ตรวจลิงก์เสร็จแล้ว: ตรวจ 2 ลิงก์ · ลิงก์เสีย 1"
    app.run()
    assert not app.exception and not app.get("progress")
    assert [s.value for s in app.success if "ตรวจลิงก์" in s.value] == [
        "ตรวจลิงก์เสร็จแล้ว: ตรวจ 2 ลิงก์ · ลิงก์เสีย 1"]
    assert not app.button(key="check_links").disabled
    assert any("ลิงก์เสียในตารางนี้ 1 ช่อง" in c.value for c in app.caption)
