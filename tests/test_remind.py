"""`ita remind`: per-person digests of the seed at 16 มี.ค. 2567, sent over a real SMTP server on
loopback (aiosmtpd) and a local HTTP server standing in for LINE, once a day, without secrets."""

import json
import socket
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import Session, select

from ita_core import meeting, oit_matrix, plan, queries, remind
from ita_core.auth import CLI, Actor
from ita_core.cli import main
from ita_core.db import make_engine
from ita_core.models import AuditLog, Person, ReminderSent, Station, UserRole
from ita_core.permissions import PermissionDenied
from ita_core.recurring import occurrences
from ita_core.services.writer import Writer
from ita_core.settings import Settings

AS_OF = date(2024, 3, 16)
PERSON = "กรฤทธิ บุรีแก้ว"
PASSWORD = "s3cret-Pa55word"
TOKEN = "line-channel-token-XYZ-123"
LINE_ID = "U" + "0123456789abcdef" * 2
# the seed's open work of กรฤทธิ บุรีแก้ว at 16 มี.ค. 2567 (O3, O10, O11 are his; O10 was due 31 ม.ค.)
EXPECTED = [(kind, ref, date(*day)) for kind, ref, day in [
    ("publication", "O3 เดือน ต.ค. 66", (2023, 10, 28)), ("publication", "O11 เดือน ต.ค. 66", (2023, 10, 31)),
    ("publication", "O3 เดือน พ.ย. 66", (2023, 11, 28)), ("publication", "O11 เดือน พ.ย. 66", (2023, 11, 30)),
    ("publication", "O3 เดือน ธ.ค. 66", (2023, 12, 28)), ("publication", "O11 เดือน ธ.ค. 66", (2023, 12, 31)),
    ("publication", "O3 เดือน ม.ค. 67", (2024, 1, 28)), ("oit_item", "O10", (2024, 1, 31)),
    ("publication", "O10 เดือน ม.ค. 67", (2024, 1, 31)), ("publication", "O11 เดือน ม.ค. 67", (2024, 1, 31)),
    ("publication", "O3 เดือน ก.พ. 67", (2024, 2, 28)), ("publication", "O11 เดือน ก.พ. 67", (2024, 2, 29)),
]]


def _digest(session: Session, settings: Settings, days: int = 7) -> remind.Digest:
    station = session.exec(select(Station)).one()
    found = remind.digests(session, station=station, fiscal_year=2567, as_of=AS_OF, days=days,
                           settings=settings)
    return next(d for d in found if d.name == PERSON)


def test_the_digest_of_one_person_lists_his_late_and_due_work(session: Session) -> None:
    digest = _digest(session, Settings(public_url="https://ita.example.go.th/"))
    assert [(i.kind, i.ref, i.due) for i in digest.items] == EXPECTED
    assert all(i.overdue for i in digest.items)
    text = digest.text()
    assert text.splitlines()[0] == f"เรียน {PERSON}"
    assert "- [ข้อมูล OIT] O10 E-Service (เลยกำหนด 31 ม.ค. 2567)" in text
    assert text.splitlines()[-1] == ("ดูและบันทึกความคืบหน้า: "
                                     "https://ita.example.go.th/my_items?station=chiangmai&fy=2567")


def test_a_wider_window_adds_what_falls_due_next(session: Session) -> None:
    soon = [(i.ref, i.due) for i in _digest(session, Settings(), days=15).items if not i.overdue]
    # the recurring items themselves (judged by their next report) and their months in the matrix
    assert soon == [("O3", date(2024, 3, 28)), ("O3 เดือน มี.ค. 67", date(2024, 3, 28)),
                    ("O11", date(2024, 3, 31)), ("O11 เดือน มี.ค. 67", date(2024, 3, 31))]


def _one_person_at_a_time(session: Session, station: Station, as_of: date, days: int) -> list[tuple]:
    """Every digest worked out person by person from the public pieces (``meeting.next_items``,
    ``oit_matrix.to_do`` of the person's cells, the next report of each duty of their activities):
    what :func:`remind.digests` gives from one pass over the whole station."""
    rows = plan.plan_rows(session, station.id, 2567, as_of, Settings())
    held = queries.assignments(session, station.id, 2567)
    cells = oit_matrix.cells(session, station.id, 2567, as_of)
    duties = [d for d in queries.recurring_duties(session, station.id, 2567) if d.activity_id]
    refs = {int(r["id"]): str(r["ref"]) for _, r in rows[rows["kind"] == "activity"].iterrows()}
    found = []
    for person in queries.station_people(session, station.id):
        if person.kind != "person":
            continue
        lines = [(str(r["kind"]), str(r["ref"]), r["judged_due"], int(r["days_late"]) > 0)
                 for _, r in meeting.next_items(rows, held, person.id, as_of, days).iterrows()]
        todo = oit_matrix.to_do(oit_matrix.cells_of(cells, held, person.id), as_of, days)
        lines += [("publication", f"{r['code']} เดือน {r['label']}", r["due"], r["state"] == "overdue")
                  for _, r in todo.iterrows()]
        mine = set(held.loc[held["person_id"] == person.id, "activity_id"].dropna())
        for duty in duties:
            upcoming = occurrences(duty, as_of, as_of + timedelta(days=days))
            if duty.activity_id in mine and duty.activity_id in refs and upcoming:
                lines.append(("report", refs[duty.activity_id], upcoming[0], False))
        if lines:
            lines.sort(key=lambda line: (not line[3], line[2], line[1]))
            found.append((person.name, lines))
    return found


@pytest.mark.parametrize(("as_of", "days"), [(AS_OF, 7), (AS_OF, 30), (date(2023, 11, 20), 15)])
def test_the_station_is_worked_out_once_as_it_was_person_by_person(session: Session, as_of: date,
                                                                     days: int) -> None:
    station = session.exec(select(Station)).one()
    found = remind.digests(session, station=station, fiscal_year=2567, as_of=as_of, days=days,
                           settings=Settings())
    expected = _one_person_at_a_time(session, station, as_of, days)
    assert len(expected) > 10 and sum(len(lines) for _, lines in expected) > 100
    assert [(d.name, [(i.kind, i.ref, i.due, i.overdue)
                      for i in d.items]) for d in found] == expected


def test_recording_needs_the_secretary(session: Session) -> None:
    station = session.exec(select(Station)).one()
    viewer = Actor("viewer", UserRole.VIEWER)
    with pytest.raises(PermissionDenied):
        Writer(session, viewer, source="cli").record_reminder(
            station_id=station.id, person_id=None, channel="email", address="a@b.co", day=AS_OF,
            digest_hash="x", ok=True, result="")


class _Handler:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == b"ita" and data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture
def smtp() -> Iterator[tuple[_Handler, int]]:
    handler = _Handler()
    with socket.socket() as probe:  # a free port (aiosmtpd's start() cannot connect to port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=_authenticate,
                            auth_require_tls=False)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _give_contacts(db_url: str) -> list[str]:
    """E-mail and LINE id for two people of the seed; their names."""
    engine = make_engine(db_url)
    names = [PERSON, "กร พินิจสุวรรณ"]
    with Session(engine) as session:
        writer = Writer(session, CLI, source="cli")
        for n, name in enumerate(names):
            person = session.exec(select(Person).where(Person.name == name)).one()
            writer.save_person(values={"email": f"p{n}@police.go.th", "line_user_id": LINE_ID[:-1] + str(n)},
                               row_id=person.id, seen_version=person.version)
        session.commit()
    return names


def _rows(db_url: str) -> list[ReminderSent]:
    with Session(make_engine(db_url)) as session:
        return list(session.exec(select(ReminderSent).order_by(ReminderSent.id)))


def test_send_email_once_a_day_without_the_password(db_url: str, smtp: tuple[_Handler, int],
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str],
                                                     caplog: pytest.LogCaptureFixture) -> None:
    handler, port = smtp
    names = _give_contacts(db_url)
    monkeypatch.setenv("ITA_SMTP_URL", f"smtp://ita:{PASSWORD}@127.0.0.1:{port}")
    monkeypatch.setenv("ITA_SMTP_FROM", "ita@police.go.th")
    assert main(["remind", "--as-of", "2567-03-16"]) == 0
    printed = capsys.readouterr()
    assert handler.messages == [] and _rows(db_url) == []  # without --send nothing goes, nothing is kept
    assert f"=== {PERSON} <p0@police.go.th>" in printed.out

    assert main(["remind", "--as-of", "2567-03-16", "--send"]) == 0
    first = capsys.readouterr()
    assert sorted(m.rcpt_tos[0] for m in handler.messages) == ["p0@police.go.th", "p1@police.go.th"]
    mail = message_from_bytes(next(m for m in handler.messages if m.rcpt_tos == ["p0@police.go.th"]).content,
                              policy=default)
    assert mail["From"] == "ita@police.go.th" and str(mail["Subject"]).startswith("แจ้งเตือนงาน ITA")
    assert "- [ข้อมูล OIT] O10 E-Service (เลยกำหนด 31 ม.ค. 2567)" in mail.get_content()
    rows = _rows(db_url)
    assert sorted((r.address, r.channel, r.ok, r.day) for r in rows) == [
        ("p0@police.go.th", "email", True, rows[0].day), ("p1@police.go.th", "email", True, rows[0].day)]
    mine = next(r for r in rows if r.address == "p0@police.go.th")
    assert mine.result.endswith("เลยกำหนด 12 ใกล้ครบ 0: " + ", ".join(ref for _, ref, _ in EXPECTED))

    assert main(["remind", "--as-of", "2567-03-16", "--send"]) == 0
    second = capsys.readouterr()
    assert len(handler.messages) == 2 and len(_rows(db_url)) == 2
    assert second.out.count("ส่งแล้ววันนี้") == len(names)
    everything = first.out + first.err + second.out + second.err + caplog.text
    everything += " ".join(r.result for r in _rows(db_url))
    assert PASSWORD not in everything
    with Session(make_engine(db_url)) as session:
        trail = session.exec(select(AuditLog).where(AuditLog.table_name == "reminder_sent")).all()
    assert {a.actor for a in trail} == {"cli"} and PASSWORD not in " ".join(str(a.new) for a in trail)


def test_a_wrong_password_fails_without_showing_it(db_url: str, smtp: tuple[_Handler, int],
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _give_contacts(db_url)
    monkeypatch.setenv("ITA_SMTP_URL", f"smtp://ita:wrong-{PASSWORD}@127.0.0.1:{smtp[1]}")
    monkeypatch.setenv("ITA_SMTP_FROM", "ita@police.go.th")
    assert main(["remind", "--as-of", "2567-03-16", "--send"]) == 1
    printed = capsys.readouterr()
    assert "ส่งอีเมลไม่สำเร็จ" in printed.out and PASSWORD not in printed.out + printed.err
    assert {r.ok for r in _rows(db_url)} == {False} and smtp[0].messages == []


class _Line(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, dict[str, Any]]]] = []

    def do_POST(self) -> None:  # http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append((self.path, self.headers["Authorization"], body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        return


def test_send_line_pushes_json_with_the_bearer_token(db_url: str, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _give_contacts(db_url)
    _Line.seen = []
    server = HTTPServer(("127.0.0.1", 0), _Line)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        monkeypatch.setenv("ITA_LINE_API_URL", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setenv("ITA_LINE_CHANNEL_TOKEN", TOKEN)
        assert main(["remind", "--as-of", "2567-03-16", "--send", "--channel", "line"]) == 0
    finally:
        server.shutdown()
        server.server_close()
    printed = capsys.readouterr()
    assert sorted(body["to"] for _, _, body in _Line.seen) == [LINE_ID[:-1] + "0", LINE_ID[:-1] + "1"]
    path, auth, body = next(s for s in _Line.seen if s[2]["to"] == LINE_ID[:-1] + "0")
    assert (path, auth) == ("/v2/bot/message/push", f"Bearer {TOKEN}")
    assert [m["type"] for m in body["messages"]] == ["text"]
    assert body["messages"][0]["text"].startswith(f"เรียน {PERSON}")
    assert TOKEN not in printed.out + printed.err
    assert {(r.channel, r.ok) for r in _rows(db_url)} == {("line", True)}


# the seed's people with nothing overdue or due within 7 days at 16 มี.ค. 2567
NOTHING_DUE = {"ชัชวาล แสงบุญ", "ณรงค์ กองแก้ว", "นัฐวุฒิ พรหมเสน", "ปุณยนุช บุญทะวงค์", "วรชิต สมบูรณ์"}


def test_done_when_every_person_with_work_gets_one_thai_mail_and_a_second_run_sends_nothing(
        db_url: str, smtp: tuple[_Handler, int], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17's "done when" on the sample data at 16 มี.ค. 2567, with an e-mail for every one of
    its 24 people: 19 have work, each gets exactly one Thai mail; the 5 without get none; a second
    run the same day delivers nothing."""
    handler, port = smtp
    engine = make_engine(db_url)
    with Session(engine) as session:
        people = [p for p in session.exec(select(Person).order_by(Person.id)) if p.kind == "person"]
        address = {p.name: f"p{n}@police.go.th" for n, p in enumerate(people)}
        writer = Writer(session, CLI, source="cli")
        for person in people:
            writer.save_person(values={"email": address[person.name]}, row_id=person.id,
                               seen_version=person.version)
        session.commit()
    assert len(people) == 24
    monkeypatch.setenv("ITA_SMTP_URL", f"smtp://ita:{PASSWORD}@127.0.0.1:{port}")
    monkeypatch.setenv("ITA_SMTP_FROM", "ita@police.go.th")
    assert main(["remind", "--as-of", "2567-03-16", "--send"]) == 0
    capsys.readouterr()
    mails = {m.rcpt_tos[0]: message_from_bytes(m.content, policy=default) for m in handler.messages}
    assert len(handler.messages) == len(mails) == 19  # one each, nobody twice
    assert set(mails) == {address[name] for name in address if name not in NOTHING_DUE}
    for name, to in address.items():
        if to not in mails:
            continue
        body = mails[to].get_content()
        assert str(mails[to]["Subject"]).startswith("แจ้งเตือนงาน ITA สถานีตำรวจภูธรเชียงใหม่: เลยกำหนด")
        assert body.splitlines()[0] == f"เรียน {name}"
        assert "ณ วันที่ 16 มี.ค. 2567" in body  # Thai, Buddhist Era
    assert {r.ok for r in _rows(db_url)} == {True} and len(_rows(db_url)) == 19

    assert main(["remind", "--as-of", "2567-03-16", "--send"]) == 0
    second = capsys.readouterr().out
    assert len(handler.messages) == 19 and len(_rows(db_url)) == 19  # nothing delivered, nothing recorded
    assert second.count("ส่งแล้ววันนี้ — ไม่ส่งซ้ำ") == 19


def test_the_admin_page_previews_each_digest_as_the_command_prints_it(engine: Any) -> None:
    """The admin page's การแจ้งเตือน tab shows, read-only, each person's digest at the day
    `ita remind` would use, with the same text; nothing is sent or recorded."""
    from ita_core.plan import default_as_of
    from tests.test_pages import make_user, run_page

    with Session(engine) as session:
        station = session.exec(select(Station)).one()
        expected = remind.digests(session, station=station, fiscal_year=2567, as_of=default_as_of(2567),
                                  days=remind.DEFAULT_DAYS, settings=Settings())
    assert expected
    make_user("admin", "admin")
    app = run_page("admin", user="admin", tab="การแจ้งเตือน")
    tab = next(t for t in app.tabs if t.label == "การแจ้งเตือน")
    assert [e.label for e in tab.expander] == [
        f"{d.name} · เลยกำหนด {len(d.overdue)} · ใกล้ครบ {len(d.due_soon)} · ไม่มีอีเมล" for d in expected]
    assert [t.value for t in tab.text] == [d.text() for d in expected]
    with Session(engine) as session:
        assert session.exec(select(ReminderSent)).all() == []


def test_station_digests_of_an_unknown_station_are_none(session: Session) -> None:
    assert remind.station_digests(session, station_id=999, fiscal_year=2567, as_of=AS_OF,
                                  settings=Settings()) == []
