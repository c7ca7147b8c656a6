"""Contacts (e-mail, LINE user id): checked where people and logins are saved, shown in the people
export, set by `ita user add --email`."""

import io
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from ita_core import imports
from ita_core.auth import CLI
from ita_core.cli import main
from ita_core.contacts import clean_contacts, email_error, line_user_id_error
from ita_core.db import make_engine
from ita_core.exports import export_frame, to_csv_bytes
from ita_core.models import AuditLog, Person, Station, User
from ita_core.services import ValidationFailed
from ita_core.services.writer import Writer
from ita_core.settings import Settings

LINE_ID = "U" + "0123456789abcdef" * 2


@pytest.mark.parametrize("value", ["", "somchai@police.go.th", "a.b+c@mail.example.co.th"])
def test_good_emails_pass(value: str) -> None:
    assert email_error(value) is None


@pytest.mark.parametrize("value", ["somchai", "a@b", "a @b.com", "a@@b.com", "a@b.c", "@police.go.th"])
def test_bad_emails_are_refused_naming_the_field(value: str) -> None:
    message = email_error(value)
    assert message is not None and message.startswith("อีเมล")


def test_line_user_ids_are_u_and_32_hex_digits() -> None:
    assert line_user_id_error(LINE_ID) is None
    assert line_user_id_error("") is None
    for bad in ("@somchai", LINE_ID[:-1], LINE_ID.upper(), "C" + LINE_ID[1:]):
        message = line_user_id_error(bad)
        assert message is not None and message.startswith("LINE user id")


def test_clean_contacts_strips_and_collects_every_error() -> None:
    assert clean_contacts({"email": " a@b.co ", "name": "x"}) == ({"email": "a@b.co"}, [])
    cleaned, errors = clean_contacts({"email": "nope", "line_user_id": "nope"})
    assert cleaned == {"email": "nope", "line_user_id": "nope"} and len(errors) == 2


def test_a_person_keeps_valid_contacts_and_refuses_bad_ones(session: Session, station: Station) -> None:
    writer = Writer(session, CLI, source="cli")
    saved = writer.save_person(values={"name": "ทดสอบ ติดต่อ", "email": " t@police.go.th ",
                                       "line_user_id": LINE_ID}, station_id=station.id)
    person = session.get(Person, saved.row_id)
    assert person is not None and (person.email, person.line_user_id) == ("t@police.go.th", LINE_ID)
    with pytest.raises(ValidationFailed) as refused:
        writer.save_person(values={"line_user_id": "@tester"}, row_id=saved.row_id,
                           seen_version=saved.version)
    assert refused.value.errors[0].startswith("LINE user id")
    frame = export_frame(session, "people", station_id=station.id, fiscal_year=2567)
    row = frame[frame["name"] == "ทดสอบ ติดต่อ"].iloc[0]
    assert (row["email"], row["line_user_id"]) == ("t@police.go.th", LINE_ID)


def test_a_login_refuses_a_bad_email(session: Session, station: Station) -> None:
    writer = Writer(session, CLI, source="cli")
    with pytest.raises(ValidationFailed) as refused:
        writer.create_user(username="mail", password="pass-word-2567", role="viewer", station_id=station.id,
                           email="mail@")
    assert refused.value.errors == ["อีเมล “mail@” ไม่ถูกต้อง (ตัวอย่าง name@example.go.th)"]
    saved = writer.create_user(username="mail", password="pass-word-2567", role="viewer",
                               station_id=station.id, email="mail@police.go.th")
    writer.update_user(row_id=saved.row_id, seen_version=saved.version, values={"line_user_id": LINE_ID})
    user = session.get(User, saved.row_id)
    assert user is not None and (user.email, user.line_user_id) == ("mail@police.go.th", LINE_ID)


def test_user_add_takes_an_email(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ITA_DATABASE_URL", f"sqlite:///{tmp_path / 'ita.db'}")
    assert main(["init", "--no-demo"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("pass-word-2567\n"))
    assert main(["user", "add", "somchai", "--role", "viewer", "--email", "somchai@police.go.th"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("pass-word-2567\n"))
    assert main(["user", "add", "other", "--role", "viewer", "--email", "other"]) == 2
    assert "อีเมล “other” ไม่ถูกต้อง" in capsys.readouterr().err
    with Session(make_engine(f"sqlite:///{tmp_path / 'ita.db'}")) as session:
        emails = {u.username: u.email for u in session.exec(select(User))}
    assert emails == {"somchai": "somchai@police.go.th"}


def _people_file(session: Session, station: Station, edit: dict[str, dict[str, str]]) -> bytes:
    """The people export as CSV (Thai headers) with some cells changed: name → {column key: value}."""
    frame = export_frame(session, "people", station_id=station.id, fiscal_year=2567)
    for name, values in edit.items():
        for key, value in values.items():
            frame.loc[frame["name"] == name, key] = value
    return to_csv_bytes(frame, "people")


def test_people_export_then_import_sets_contacts_through_the_write_path(session: Session,
                                                                        station: Station) -> None:
    unchanged = _people_file(session, station, {})
    planned = imports.preview(session, unchanged, "people.csv", station_id=station.id, fiscal_year=2567,
                              settings=Settings())
    assert planned.errors == [] and (planned.count("unchanged"), planned.count("change")) == (40, 0)
    data = _people_file(session, station, {"กร พินิจสุวรรณ": {"email": "korn@police.go.th",
                                                              "line_user_id": LINE_ID}})
    planned = imports.preview(session, data, "people.csv", station_id=station.id, fiscal_year=2567,
                              settings=Settings())
    assert [(r.table, r.title, r.changes) for r in planned.rows if r.action == "change"] == [
        ("person", "กร พินิจสุวรรณ", {"email": ("", "korn@police.go.th"), "line_user_id": ("", LINE_ID)})]
    imports.commit(session, CLI, data, "people.csv", station_id=station.id, fiscal_year=2567,
                   settings=Settings())
    person = session.exec(select(Person).where(Person.name == "กร พินิจสุวรรณ")).one()
    assert (person.email, person.line_user_id, person.version) == ("korn@police.go.th", LINE_ID, 2)
    trail = session.exec(select(AuditLog).where(AuditLog.table_name == "person",
                                                AuditLog.row_id == person.id))
    assert {(a.field, a.new, a.source) for a in trail} == {("email", "korn@police.go.th", "import"),
                                                          ("line_user_id", LINE_ID, "import")}
    again = _people_file(session, station, {})
    assert imports.preview(session, again, "people.csv", station_id=station.id, fiscal_year=2567,
                           settings=Settings()).count("change") == 0


def test_a_bad_contact_in_the_people_file_names_its_row_and_column(session: Session,
                                                                   station: Station) -> None:
    data = _people_file(session, station, {"กร พินิจสุวรรณ": {"email": "korn@"}})
    planned = imports.preview(session, data, "people.csv", station_id=station.id, fiscal_year=2567,
                              settings=Settings())
    names = list(export_frame(session, "people", station_id=station.id, fiscal_year=2567)["name"])
    assert [(p.row, p.column, p.message) for p in planned.errors] == [
        (names.index("กร พินิจสุวรรณ") + 2, "G (อีเมล)", "อีเมล “korn@” ไม่ถูกต้อง (ตัวอย่าง name@example.go.th)")]


def _login(url: str, name: str) -> User:
    with Session(make_engine(url)) as session:
        user = session.exec(select(User).where(User.username == name)).one()
        session.expunge(user)
        return user


def test_user_contact_sets_changes_and_clears_a_logins_contacts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'ita.db'}"
    monkeypatch.setenv("ITA_DATABASE_URL", url)
    assert main(["init", "--no-demo"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("pass-word-2567\n"))
    assert main(["user", "add", "somchai", "--role", "viewer", "--email", "somchai@police.go.th",
                 "--line-id", LINE_ID]) == 0
    added = _login(url, "somchai")
    assert (added.email, added.line_user_id, added.version) == ("somchai@police.go.th", LINE_ID, 1)
    capsys.readouterr()

    assert main(["user", "contact", "somchai", "--email", " s.new@police.go.th ", "--line-id", ""]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "ตั้งอีเมลของ somchai เป็น s.new@police.go.th แล้ว / e-mail set",
        "ล้างLINE user idของ somchai แล้ว / LINE id cleared"]
    changed = _login(url, "somchai")
    assert (changed.email, changed.line_user_id, changed.version) == ("s.new@police.go.th", "", 2)
    with Session(make_engine(url)) as session:
        trail = session.exec(select(AuditLog).where(AuditLog.table_name == "app_user",
                                                    AuditLog.row_id == changed.id,
                                                    col(AuditLog.field).in_(["email", "line_user_id"])))
        assert sorted((a.field, a.old or "", a.new or "", a.actor, a.source) for a in trail) == [
            ("email", "", "somchai@police.go.th", "cli", "cli"),  # user add
            ("email", "somchai@police.go.th", "s.new@police.go.th", "cli", "cli"),
            ("line_user_id", "", LINE_ID, "cli", "cli"),
            ("line_user_id", LINE_ID, "", "cli", "cli")]

    assert main(["user", "contact", "somchai", "--email", "s.new@police.go.th"]) == 0  # the same: no write
    assert "ไม่มีการเปลี่ยนแปลง" in capsys.readouterr().out
    assert main(["user", "contact", "somchai", "--line-id", "@somchai"]) == 2
    assert capsys.readouterr().err.startswith("ผิดพลาด: LINE user id “@somchai” ไม่ถูกต้อง")
    assert main(["user", "contact", "somchai"]) == 2
    assert "ระบุ --email หรือ --line-id" in capsys.readouterr().err
    assert main(["user", "contact", "nobody", "--email", "x@police.go.th"]) == 2
    assert "ไม่พบผู้ใช้ชื่อ 'nobody'" in capsys.readouterr().err
    assert _login(url, "somchai").version == 2  # neither the same value nor a refusal wrote
