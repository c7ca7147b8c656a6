"""The evidence link check against a real HTTP server on loopback: what each kind of answer is
stored as, that a URL keeps one row (its latest check), who may record, and `ita check-links`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from ita_core import links, oit_matrix
from ita_core.auth import CLI, Actor
from ita_core.cli import main
from ita_core.db import make_engine, session_scope
from ita_core.links import LinkResult
from ita_core.models import Activity, AuditLog, LinkCheck, OitItem, Station
from ita_core.permissions import PermissionDenied
from ita_core.services.writer import Writer

TIMEOUT = 0.5  # seconds; the slow path waits on an event far longer


class Web:
    """A loopback server: /ok 200, /moved 301 → /ok, /gone 404, /broken 500, /get-only (HEAD 405,
    GET 200) and /slow, which answers only after the test releases it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.heads: list[str] = []
        release, heads = self.release, self.heads

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                return

            def _answer(self, method: str) -> None:
                if method == "HEAD":
                    heads.append(self.headers.get("User-Agent", ""))
                if self.path == "/slow":
                    release.wait(30)
                if self.path == "/moved":
                    self.send_response(301)
                    self.send_header("Location", "/ok")
                elif self.path in ("/ok", "/slow") or (self.path == "/get-only" and method == "GET"):
                    self.send_response(200)
                elif self.path == "/get-only":
                    self.send_response(405)
                elif self.path == "/broken":
                    self.send_response(500)
                else:
                    self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_HEAD(self) -> None:
                self._answer("HEAD")

            def do_GET(self) -> None:
                self._answer("GET")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def web() -> Iterator[Web]:
    server = Web()
    yield server
    server.close()


PATHS = ("/ok", "/moved", "/gone", "/broken", "/get-only", "/slow")


def _by_path(web: Web, results: list[LinkResult]) -> dict[str, tuple[bool, int | None, str, str]]:
    return {r.url.removeprefix(web.base): (r.ok, r.status_code, r.error, r.final_url.removeprefix(web.base))
            for r in results}


def test_each_kind_of_answer_is_told_apart(web: Web) -> None:
    results = links.check_urls([web.url(p) for p in PATHS] + [web.url("/ok")], timeout=TIMEOUT)
    assert len(results) == len(PATHS)  # a URL given twice is fetched once
    assert _by_path(web, results) == {
        "/ok": (True, 200, "", "/ok"),
        "/moved": (True, 200, "", "/ok"),
        "/gone": (False, 404, "HTTP 404", "/gone"),
        "/broken": (False, 500, "HTTP 500", "/broken"),
        "/get-only": (True, 200, "", "/get-only"),
        "/slow": (False, None, links.TIMEOUT.th, ""),
    }
    assert all(isinstance(r.elapsed_ms, int) and r.checked_at is not None for r in results)
    assert set(web.heads) == {links.USER_AGENT}


def test_progress_counts_each_distinct_url_once(web: Web) -> None:
    """A background check shows "ตรวจแล้ว n จาก m ลิงก์": one call before the first fetch, then one
    per distinct URL with the count rising (the calls come from the fetching threads)."""
    seen: list[tuple[int, int]] = []
    links.check_urls([web.url("/ok"), web.url("/gone"), web.url("/ok"), web.url("/broken")], timeout=TIMEOUT,
                     on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    seen.clear()
    assert links.check_urls([], timeout=TIMEOUT, on_progress=lambda *counts: seen.append(counts)) == []
    assert seen == [(0, 0)]


def test_a_refused_connection_and_an_unknown_host_are_broken(web: Web) -> None:
    free_port = web.server.server_address[1]
    web.close()  # nothing listens on the port any more
    refused, unknown, text = links.check_urls(
        [f"http://127.0.0.1:{free_port}/ok", "http://no-such-host.invalid/", "ไม่ใช่ลิงก์"], timeout=TIMEOUT)
    assert (refused.ok, refused.error) == (False, links.CONNECTION.th)
    assert (unknown.ok, unknown.error) == (False, links.DNS.th)
    assert (text.ok, text.error) == (False, links.NOT_WEB.th)


def _plant(session: Session, web: Web) -> tuple[int, int, date]:
    """O1's evidence → /ok, the first activity's → /gone, a publication of a monthly item → /moved.
    Returns the station, the monthly item's id and its month."""
    station = session.exec(select(Station)).one()
    station_id = station.id or 0
    writer = Writer(session, CLI, source="cli")
    o1 = session.exec(select(OitItem).where(OitItem.code == "O1", OitItem.fiscal_year == 2567)).one()
    writer.update_progress(table="oit_item", row_id=o1.id or 0, seen_version=o1.version,
                           values={"evidence_url": web.url("/ok")})
    first = session.exec(select(Activity).where(Activity.fiscal_year == 2567)
                         .order_by(col(Activity.seq))).first()
    assert first is not None
    writer.update_progress(table="activity", row_id=first.id or 0, seen_version=first.version,
                           values={"evidence_url": web.url("/gone")})
    cells = oit_matrix.cells(session, station_id, 2567, date(2024, 3, 16))
    monthly = cells[cells["required"] & (cells["code"] != "O1")].sort_values(["number", "month"]).iloc[0]
    writer.set_publication(item_id=int(monthly["item_id"]), month=monthly["month"], done=True,
                           url=web.url("/moved"))
    session.commit()
    return station_id, int(monthly["item_id"]), monthly["month"]


def test_targets_name_the_row_and_the_month(session: Session, web: Web) -> None:
    station_id, item_id, month = _plant(session, web)
    item = session.get(OitItem, item_id)
    assert item is not None
    first_seq = session.exec(select(Activity.seq).where(Activity.fiscal_year == 2567)
                             .order_by(col(Activity.seq))).first()
    targets = links.link_targets(session, station_id, 2567)
    assert [(t.code, t.month, t.url.removeprefix(web.base)) for t in targets] == [
        (f"ก{first_seq}", None, "/gone"), ("O1", None, "/ok"), (item.code, month, "/moved")]


def test_checks_are_stored_once_per_url_and_audited(session: Session, web: Web) -> None:
    station_id, _item, _month = _plant(session, web)
    urls = [t.url for t in links.link_targets(session, station_id, 2567)]
    Writer(session, CLI, source="cli").record_link_checks(
        station_id=station_id, results=links.check_urls(urls, timeout=TIMEOUT))
    session.commit()
    stored = {c.url.removeprefix(web.base): (c.ok, c.status_code, c.error)
              for c in session.exec(select(LinkCheck))}
    assert stored == {"/ok": (True, 200, ""), "/gone": (False, 404, "HTTP 404"), "/moved": (True, 200, "")}
    assert links.broken_urls(session, station_id) == {web.url("/gone")}
    # the page that was gone is back: the same row now says so, and the trail records the change
    back = LinkResult(web.url("/gone"), True, status_code=200, final_url=web.url("/gone"))
    Writer(session, CLI, source="cli").record_link_checks(station_id=station_id, results=[back])
    session.commit()
    rows = session.exec(select(LinkCheck).where(LinkCheck.url == web.url("/gone"))).all()
    assert [(r.ok, r.status_code, r.error) for r in rows] == [(True, 200, "")]
    trail = session.exec(select(AuditLog.field, AuditLog.old, AuditLog.new)
                         .where(AuditLog.table_name == "link_check", AuditLog.row_id == rows[0].id)
                         .order_by(col(AuditLog.id))).all()
    assert [tuple(t) for t in trail[-3:]] == [("status_code", "404", "200"), ("ok", "false", "true"),
                                              ("error", "HTTP 404", "")]
    assert links.broken_urls(session, station_id) == set()


def test_an_officer_may_not_record_link_checks(session: Session) -> None:
    station = session.exec(select(Station)).one()
    officer = Actor("officer", "officer", person_id=1, station_id=station.id)
    with pytest.raises(PermissionDenied):
        Writer(session, officer).record_link_checks(station_id=station.id or 0,
                                                    results=[LinkResult("http://x.test/", True, 200)])


def test_status_text_in_both_languages() -> None:
    gone = LinkResult("u", False, status_code=404, error="HTTP 404")
    slow = LinkResult("u", False, error=links.TIMEOUT.th)
    assert [links.status_text(r) for r in (gone, slow, None)] == [
        "HTTP 404 ลิงก์เสีย", "หมดเวลา (timeout) ลิงก์เสีย", "ยังไม่ตรวจ"]
    assert [links.status_text(r, "en") for r in (gone, slow, None)] == [
        "HTTP 404 broken", "timeout broken", "not checked"]
    assert links.status_text(LinkResult("u", True, status_code=200)) == "200"


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'ita.db'}"
    monkeypatch.setenv("ITA_DATABASE_URL", url)
    monkeypatch.setenv("ITA_LINK_TIMEOUT_S", str(TIMEOUT))
    assert main(["init", "--no-demo"]) == 0
    return url


def _lines(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if line]


def test_check_links_prints_each_url_and_exits_1_on_a_dead_link(
        cli_db: str, web: Web, capsys: pytest.CaptureFixture[str]) -> None:
    engine = make_engine(cli_db)
    with Session(engine) as session:
        _station, item_id, month = _plant(session, web)
        item = session.get(OitItem, item_id)
        assert item is not None
        code = item.code
        first_seq = session.exec(select(Activity.seq).where(Activity.fiscal_year == 2567)
                                 .order_by(col(Activity.seq))).first()
    capsys.readouterr()
    assert main(["check-links", "--fy", "2567", "--lang", "en"]) == 1
    out = capsys.readouterr()
    assert _lines(out.out) == [
        [f"ก{first_seq}", "-", "HTTP 404 broken", web.url("/gone")],
        ["O1", "-", "200", web.url("/ok")],
        [code, links.month_text(month), "200", web.url("/moved")],
    ]
    assert out.err.strip() == "3 links checked, 1 broken"
    with Session(engine) as session:
        broken = session.exec(select(LinkCheck.url).where(col(LinkCheck.ok).is_(False))).all()
    assert broken == [web.url("/gone")]
    # the dead page is pointed elsewhere: every link answers, exit 0
    with session_scope(engine) as session:
        activity = session.exec(select(Activity).where(Activity.seq == first_seq,
                                                       Activity.fiscal_year == 2567)).one()
        Writer(session, CLI, source="cli").update_progress(
            table="activity", row_id=activity.id or 0, seen_version=activity.version,
            values={"evidence_url": web.url("/get-only")})
    assert main(["check-links", "--fy", "2567"]) == 0
    thai = _lines(capsys.readouterr().out)
    assert thai[0] == [f"ก{first_seq}", "-", "200", web.url("/get-only")]


def test_month_text_is_buddhist_era() -> None:
    assert links.month_text(date(2023, 10, 1)) == "ต.ค. 66"
    assert links.month_text(None) == "-"


def test_the_pages_check_links_and_show_the_broken_one(engine: Engine, web: Web,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """An admin presses ตรวจลิงก์ on the OIT matrix; O7's October link (404) then reads ลิงก์เสีย
    in its cell, on the overview's OIT part and in the meeting page's list."""
    from ita_ui import jobs
    from tests.test_pages import login, make_user, run_page

    monkeypatch.setenv("ITA_LINK_TIMEOUT_S", str(TIMEOUT))
    with session_scope(make_engine()) as session:
        o7 = session.exec(select(OitItem).where(OitItem.code == "O7", OitItem.fiscal_year == 2567)).one()
        Writer(session, CLI, source="cli").set_publication(item_id=o7.id or 0, month=date(2023, 10, 1),
                                                           done=True, url=web.url("/gone"))
        station_id = o7.station_id
    jobs.forget_finished()  # the registry is process-wide: no summary left from another test
    make_user("admin1", "admin")
    app = login(run_page("oit_matrix"), "admin1")
    assert not [m.value for m in app.markdown if "ลิงก์เสีย" in m.value and m.value.startswith("| ข้อ |")]
    app.button(key="check_links").click().run()  # starts the check in a worker thread
    assert not app.exception
    job = jobs.link_check_job(station_id, 2567)
    assert job is not None
    assert job.join(timeout=30).summary_text == "ตรวจลิงก์เสร็จแล้ว: ตรวจ 1 ลิงก์ · ลิงก์เสีย 1"
    app.run()  # the page's next look: the fragment shows the summary, the matrix the marks
    assert not app.exception
    assert [s.value for s in app.success if "ตรวจลิงก์" in s.value] == [
        "ตรวจลิงก์เสร็จแล้ว: ตรวจ 1 ลิงก์ · ลิงก์เสีย 1"]
    assert app.button(key="check_links").disabled is False
    with Session(make_engine()) as session:
        assert [(c.url, c.status_code) for c in session.exec(select(LinkCheck))] == [(web.url("/gone"), 404)]
    tables = [m.value for m in app.markdown if m.value.startswith("| ข้อ |")]
    assert f"✅ [เผยแพร่แล้ว]({web.url('/gone')}) ⚠️ ลิงก์เสีย" in tables[1]
    assert any("ลิงก์เสียในตารางนี้ 1 ช่อง" in c.value for c in app.caption)
    app.switch_page("pages/overview.py").run()
    assert any(m.value.startswith("⚠️ **ลิงก์เสีย 1**") for m in app.markdown)
    app.switch_page("pages/meeting.py").run()
    assert [t.value for t in app.text if "ลิงก์เสีย" in t.value or "HTTP 404" in t.value] == [
        f"O7 ต.ค. 66 · HTTP 404 · {web.url('/gone')}"]


def test_check_links_on_a_plan_without_links_exits_0(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["check-links"]) == 0
    out = capsys.readouterr()
    assert (out.out, out.err.strip()) == ("", "ตรวจ 0 ลิงก์ ลิงก์เสีย 0 ลิงก์")
