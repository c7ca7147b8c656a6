"""Adversarial tests of tenancy and privilege (issue 16, points 1 and 2): two stations, every role.

Station 1 is the seed station; station 2 is a copy of it (``bench.generate.copy_stations``) moved
to another province (ลำพูน), so a province admin of ลำพูน holds station 2 only. Each write of a
service function aimed at the other station's rows is refused; logins cannot be granted above
one's own role or scope; the audit trail and the user list show only one's own station.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from bench.generate import copy_stations
from ita_core import audit, models, queries, services
from ita_core.auth import ANONYMOUS, CLI, Actor, AuthError, authenticate
from ita_core.db import session_scope
from ita_core.services import PermissionDenied, ValidationFailed
from ita_core.services.writer import Writer

OFFICER_NAME = "ภัทรพงษ์ พลังช้างสาร"  # assigned to all 25 OIT items of the seed
PASSWORD = "pass-word-2567"


@pytest.fixture
def two_stations(engine: Engine) -> Engine:
    """Station 1 (seed, เชียงใหม่) and station 2 (a copy, moved to ลำพูน)."""
    copy_stations(engine, 2)
    with session_scope(engine) as session:
        session.execute(update(models.Station).where(models.Station.id == 2).values(province="ลำพูน"))
    return engine


def _person(session: Session, station_id: int, name: str = OFFICER_NAME) -> int:
    return session.exec(select(models.Person.id).where(models.Person.station_id == station_id,
                                                       models.Person.name == name)).one()


def _o1_and_component(session: Session, *, station_id: int) -> tuple[models.OitItem, models.OitComponent]:
    """A station's OIT item O1 and its first component: what the cross-station tests aim at."""
    item = session.exec(select(models.OitItem).where(models.OitItem.station_id == station_id,
                                                     models.OitItem.code == "O1")).one()
    component = session.exec(select(models.OitComponent)
                             .where(models.OitComponent.item_id == item.id)).first()
    assert component is not None
    return item, component


def _actors(session: Session) -> dict[str, Actor]:
    """Every role of station 1, and the province admin of ลำพูน (station 2 only)."""
    officer = _person(session, 1)
    return {
        "anonymous": ANONYMOUS,
        "viewer": Actor("viewer-1", "viewer", station_id=1),
        "officer": Actor("officer-1", "officer", person_id=officer, station_id=1),
        "secretary": Actor("secretary-1", "officer", person_id=officer, station_id=1, can_edit_all=True),
        "station_admin": Actor("admin-1", "admin", station_id=1),
        "province_admin": Actor("admin-lamphun", "admin", province="ลำพูน", province_stations=frozenset({2})),
    }


def _other_station(actor: Actor) -> int:
    """The station the actor does not hold: 2 for station 1's logins, 1 for ลำพูน's admin."""
    return 1 if actor.province == "ลำพูน" else 2


def _ops(session: Session, station_id: int) -> dict[str, Callable[[Writer], object]]:
    """Every write of the Writer that names a station's row, aimed at ``station_id``'s rows."""
    def one(model, **where):  # type: ignore[no-untyped-def]
        return session.exec(select(model).filter_by(station_id=station_id, **where)).first()

    o1 = one(models.OitItem, code="O1")
    a1 = one(models.Activity, seq=1)
    component = session.exec(select(models.OitComponent).where(models.OitComponent.item_id == o1.id)).first()
    assignment = session.exec(select(models.Assignment).where(models.Assignment.oit_item_id == o1.id)).first()
    duty = one(models.RecurringDuty)
    phase = one(models.Phase)
    quota = one(models.SurveyQuota, department="ฝ่ายจราจร")
    person = _person(session, station_id, "อนุทิน พุดดี")
    user = session.exec(select(models.User).where(models.User.username == f"viewer-of-{station_id}")).one()
    return {
        "update_progress": lambda w: w.update_progress(table="activity", row_id=a1.id,
                                                       seen_version=a1.version, values={"note": "ของสถานีอื่น"}),
        "set_component_done": lambda w: w.set_component_done(component_id=component.id,
                                                             seen_version=component.version, done=True),
        "set_publication": lambda w: w.set_publication(item_id=o1.id, month=date(2024, 1, 1), done=True,
                                                       url="https://example.org/o1"),
        "record_survey_count": lambda w: w.record_survey_count(quota_id=quota.id, day=date(2024, 1, 15),
                                                               collected=3),
        "save_score_input": lambda w: w.save_score_input(station_id=station_id, fiscal_year=2567,
                                                         values={"iit": 80, "eit": 80}),
        "save_score_history": lambda w: w.save_score_history(station_id=station_id, fiscal_year=2566,
                                                             values={"total": 80}),
        "create_quota": lambda w: w.save_quota(values={"tool": "IIT", "department": "ฝ่ายสอบสวน",
                                                       "min_respondents": 4},
                                               station_id=station_id, fiscal_year=2567),
        "edit_quota": lambda w: w.save_quota(values={"min_respondents": 9}, row_id=quota.id,
                                             seen_version=quota.version),
        "delete_quota": lambda w: w.delete_quota(row_id=quota.id, seen_version=quota.version),
        "create_activity": lambda w: w.save_activity(values={"indicator": 1, "activity": "แทรก"},
                                                     station_id=station_id, fiscal_year=2567),
        "edit_activity": lambda w: w.save_activity(values={"output": "แทรก"}, row_id=a1.id,
                                                   seen_version=a1.version),
        "edit_oit_item": lambda w: w.save_oit_item(row_id=o1.id, seen_version=o1.version,
                                                   values={"title": "แทรก"}),
        "delete_row": lambda w: w.delete_row(table="activity", row_id=a1.id, seen_version=a1.version),
        "add_component": lambda w: w.save_component(item_id=o1.id, text="แทรก"),
        "edit_component": lambda w: w.save_component(item_id=o1.id, text="แทรก", row_id=component.id,
                                                     seen_version=component.version),
        "delete_component": lambda w: w.delete_component(row_id=component.id, seen_version=component.version),
        "create_person": lambda w: w.save_person(values={"name": "แทรก", "kind": "person"},
                                                 station_id=station_id),
        "edit_person": lambda w: w.save_person(values={"position": "แทรก"}, row_id=person, seen_version=1),
        "add_assignment": lambda w: w.add_assignment(person_id=person, role="doer", activity_id=a1.id),
        "remove_assignment": lambda w: w.remove_assignment(row_id=assignment.id),
        "create_duty": lambda w: w.save_recurring_duty(values={"activity_id": a1.id, "kind": "day_of_month",
                                                               "day": 5}),
        "edit_duty": lambda w: w.save_recurring_duty(values={"day": 6}, row_id=duty.id,
                                                     seen_version=duty.version),
        "delete_duty": lambda w: w.delete_recurring_duty(row_id=duty.id, seen_version=duty.version),
        "create_phase": lambda w: w.save_phase(values={"name": "แทรก", "kind": "other",
                                                       "start": date(2024, 1, 1), "end": date(2024, 1, 2)},
                                               station_id=station_id, fiscal_year=2567),
        "edit_phase": lambda w: w.save_phase(values={"name": "แทรก"}, row_id=phase.id,
                                             seen_version=phase.version),
        "delete_phase": lambda w: w.delete_phase(row_id=phase.id, seen_version=phase.version),
        "start_station_year": lambda w: w.start_station_year(station_id=station_id, fiscal_year=2567),
        "create_user": lambda w: w.create_user(username="intruder", password=PASSWORD, role="viewer",
                                               station_id=station_id),
        "update_user": lambda w: w.update_user(row_id=user.id, seen_version=user.version,
                                               values={"password": "taken-over-2567"}),
    }


def _make_viewers(engine: Engine) -> None:
    with session_scope(engine) as session:
        for station_id in (1, 2):
            services.create_user(session, CLI, f"viewer-of-{station_id}", PASSWORD, "viewer",
                                 station_id=station_id)


ROLES = ["anonymous", "viewer", "officer", "secretary", "station_admin", "province_admin"]


@pytest.mark.parametrize("role", ROLES)
def test_no_role_writes_a_row_of_another_station(two_stations: Engine, role: str) -> None:
    _make_viewers(two_stations)
    with Session(two_stations) as session:
        actor = _actors(session)[role]
        names = list(_ops(session, _other_station(actor)))
    written = []
    for name in names:
        with Session(two_stations) as session:
            operation = _ops(session, _other_station(actor))[name]
            try:
                operation(Writer(session, actor))
            except PermissionDenied:
                pass
            else:
                written.append(name)
            finally:
                session.rollback()
    assert written == []


def test_the_same_writes_work_on_the_admins_own_station(two_stations: Engine) -> None:
    """The refusals above are about the station, not broken calls: the admin of station 2 (as
    the province admin of ลำพูน) may make each of them on station 2."""
    _make_viewers(two_stations)
    with Session(two_stations) as session:
        admin = _actors(session)["province_admin"]
        names = list(_ops(session, 2))
    failed = []
    for name in names:
        with Session(two_stations) as session:
            try:
                _ops(session, 2)[name](Writer(session, admin))
            except (PermissionDenied, ValidationFailed) as exc:
                failed.append((name, str(exc)))
            finally:
                session.rollback()
    assert failed == []


# --- the holes the adversarial tests found --------------------------------------------------------

def test_save_component_asks_for_the_station_of_the_item(two_stations: Engine) -> None:
    admin = Actor("admin-1", "admin", station_id=1)
    with session_scope(two_stations) as session:
        item, component = _o1_and_component(session, station_id=2)
        with pytest.raises(PermissionDenied, match="สถานีตนเอง"):
            services.save_component(session, admin, item.id, "องค์ประกอบแทรก")
        with pytest.raises(PermissionDenied, match="สถานีตนเอง"):
            services.save_component(session, admin, item.id, "แก้ข้อความ", component.id, component.version)
        own = session.exec(select(models.OitItem.id).where(models.OitItem.station_id == 1,
                                                           models.OitItem.code == "O1")).one()
        with pytest.raises(PermissionDenied, match="สถานีตนเอง"):  # naming its own item does not help
            services.save_component(session, admin, own, "แก้ข้อความ", component.id, component.version)


def test_add_assignment_refuses_a_person_of_another_station(two_stations: Engine) -> None:
    with session_scope(two_stations) as session:
        stranger = _person(session, 2, "อนุทิน พุดดี")
        activity = session.exec(select(models.Activity.id).where(models.Activity.station_id == 1,
                                                                 models.Activity.seq == 1)).one()
        for actor in (Actor("admin-1", "admin", station_id=1), CLI):
            with pytest.raises(ValidationFailed, match="บุคคลของสถานีอื่น"):
                services.add_assignment(session, actor, stranger, "doer", activity_id=activity)
        services.add_assignment(session, CLI, _person(session, 1, "อนุทิน พุดดี"), "doer", activity_id=activity)


# --- privilege: who may grant which login ------------------------------------------------------------

STATION_ADMIN = Actor("admin-1", "admin", station_id=1)
LAMPHUN_ADMIN = Actor("admin-lamphun", "admin", province="ลำพูน", province_stations=frozenset({2}))


@pytest.mark.parametrize(("actor", "station_id", "province"), [
    (STATION_ADMIN, None, None),  # a central admin
    (STATION_ADMIN, None, "เชียงใหม่"),  # a province admin of its own province
    (STATION_ADMIN, 2, None),  # an admin of another station
    (LAMPHUN_ADMIN, None, "ลำพูน"),  # another province admin of its province
    (LAMPHUN_ADMIN, 1, None),  # an admin of a station outside its province
])
def test_admins_create_no_login_outside_or_above_their_scope(
        two_stations: Engine, actor: Actor, station_id: int | None, province: str | None) -> None:
    with session_scope(two_stations) as session:
        with pytest.raises(PermissionDenied):
            services.create_user(session, actor, "boss", PASSWORD, "admin", station_id=station_id,
                                 province=province)
        assert session.exec(select(models.User).where(models.User.username == "boss")).first() is None


def test_admins_create_logins_of_their_own_stations_up_to_their_own_role(two_stations: Engine) -> None:
    with session_scope(two_stations) as session:
        services.create_user(session, STATION_ADMIN, "deputy-1", PASSWORD, "admin", station_id=1)
        services.create_user(session, LAMPHUN_ADMIN, "deputy-2", PASSWORD, "admin", station_id=2)
        services.create_user(session, CLI, "lamphun", PASSWORD, "admin", province="ลำพูน")
    with Session(two_stations) as session:
        made = {u.username: (u.station_id, u.province) for u in session.exec(select(models.User)).all()}
    assert made == {"deputy-1": (1, None), "deputy-2": (2, None), "lamphun": (None, "ลำพูน")}


def test_a_station_login_stands_for_a_person_of_its_station_only(two_stations: Engine) -> None:
    with session_scope(two_stations) as session:
        stranger = _person(session, 2)
        with pytest.raises(ValidationFailed, match="บุคคลของสถานีอื่น"):
            services.create_user(session, STATION_ADMIN, "officer-x", PASSWORD, "officer", person_id=stranger,
                                 station_id=1)
        saved = services.create_user(session, STATION_ADMIN, "officer-1", PASSWORD, "officer",
                                     person_id=_person(session, 1), station_id=1)
        with pytest.raises(ValidationFailed, match="บุคคลของสถานีอื่น"):
            services.update_user(session, STATION_ADMIN, saved.row_id, saved.version, {"person_id": stranger})


@pytest.fixture
def logins(two_stations: Engine) -> dict[str, int]:
    """A central admin, the station admin of station 1 and a viewer of each station."""
    with session_scope(two_stations) as session:
        ids = {name: services.create_user(session, CLI, name, PASSWORD, role, station_id=station).row_id
               for name, role, station in (("central", "admin", None), ("admin-1", "admin", 1),
                                           ("viewer-1", "viewer", 1), ("viewer-2", "viewer", 2))}
        ids["lamphun"] = services.create_user(session, CLI, "lamphun", PASSWORD, "admin",
                                              province="ลำพูน").row_id
    return ids


def _update(engine: Engine, actor: Actor, user_id: int, values: dict[str, object]) -> None:
    with session_scope(engine) as session:
        user = session.get_one(models.User, user_id)
        services.update_user(session, actor, user_id, user.version, values)


@pytest.mark.parametrize(("target", "values"), [
    ("central", {"password": "taken-over-2567"}),  # reset the central admin's password
    ("central", {"active": False}),  # disable the central admin
    ("lamphun", {"password": "taken-over-2567"}),  # a province admin's
    ("viewer-2", {"password": "taken-over-2567"}),  # a login of another station
    ("viewer-1", {"station_id": 2}),  # hand its own station's login to another station
    ("viewer-1", {"station_id": None, "role": "admin"}),  # or make it a central admin
    ("admin-1", {"station_id": None}),  # move itself to no station
    ("admin-1", {"station_id": 2}),  # or to another station
    ("admin-1", {"role": "viewer"}),  # nobody changes their own role
])
def test_a_station_admin_changes_no_login_outside_its_station(two_stations: Engine, logins: dict[str, int],
                                                              target: str, values: dict[str, object]) -> None:
    with pytest.raises(PermissionDenied):
        _update(two_stations, STATION_ADMIN, logins[target], values)
    with Session(two_stations) as session:
        user = session.get_one(models.User, logins[target])
        assert user.version == 1
    with Session(two_stations) as session:  # the password still opens the login
        authenticate(session, user.username, PASSWORD)


def test_a_station_admin_manages_its_own_stations_logins(two_stations: Engine,
                                                         logins: dict[str, int]) -> None:
    _update(two_stations, STATION_ADMIN, logins["viewer-1"], {"role": "officer", "password": "new-pass-2567"})
    _update(two_stations, STATION_ADMIN, logins["admin-1"], {"password": "mine-pass-2567"})  # its own
    _update(two_stations, CLI, logins["admin-1"], {"station_id": 2})  # a central admin moves it
    with Session(two_stations) as session:
        assert session.get_one(models.User, logins["viewer-1"]).role == "officer"
        assert session.get_one(models.User, logins["admin-1"]).station_id == 2
        authenticate(session, "admin-1", "mine-pass-2567")


@pytest.mark.parametrize("target", ["viewer-2", "central", "lamphun"])
def test_a_station_admin_sets_no_contact_of_a_login_outside_its_station(two_stations: Engine,
                                                                       logins: dict[str, int],
                                                                       target: str) -> None:
    """Where reminders go is part of a login: a station admin who could point another station's
    login at its own mailbox would read that station's reminders."""
    for values in ({"email": "mine@police.go.th"}, {"line_user_id": "U" + "ab" * 16}):
        with session_scope(two_stations) as session, pytest.raises(PermissionDenied):
            user = session.get_one(models.User, logins[target])
            Writer(session, STATION_ADMIN, source="form").update_user(row_id=logins[target],
                                                                     seen_version=user.version, values=values)
    with Session(two_stations) as session:
        user = session.get_one(models.User, logins[target])
        assert (user.email, user.line_user_id, user.version) == ("", "", 1)


def test_a_station_admin_sets_the_contacts_of_its_stations_logins(two_stations: Engine,
                                                                  logins: dict[str, int]) -> None:
    line_id = "U" + "ab" * 16
    with session_scope(two_stations) as session:
        user = session.get_one(models.User, logins["viewer-1"])
        Writer(session, STATION_ADMIN, source="form").update_user(
            row_id=logins["viewer-1"], seen_version=user.version,
            values={"email": "viewer1@police.go.th", "line_user_id": line_id})
    with Session(two_stations) as session:
        user = session.get_one(models.User, logins["viewer-1"])
        assert (user.email, user.line_user_id, user.version) == ("viewer1@police.go.th", line_id, 2)
        trail = session.exec(select(models.AuditLog).where(models.AuditLog.table_name == "app_user",
                                                           models.AuditLog.row_id == logins["viewer-1"]))
        assert {(a.field, a.new, a.actor, a.source, a.station_id) for a in trail if a.old is not None} == {
            ("email", "viewer1@police.go.th", STATION_ADMIN.username, "form", 1),
            ("line_user_id", line_id, STATION_ADMIN.username, "form", 1)}


def test_nobody_changes_their_own_role_not_even_a_central_admin(two_stations: Engine,
                                                                logins: dict[str, int]) -> None:
    central = Actor("central", "admin")
    with pytest.raises(PermissionDenied, match="บัญชีตนเอง"):
        _update(two_stations, central, logins["central"], {"station_id": 1})
    with pytest.raises(PermissionDenied, match="บัญชีตนเอง"):
        _update(two_stations, central, logins["central"], {"role": "viewer"})


# --- reads: the user list and the audit trail ---------------------------------------------------------

def test_the_user_list_holds_the_logins_the_reader_manages(two_stations: Engine,
                                                           logins: dict[str, int]) -> None:
    with Session(two_stations) as session:
        def names(actor: Actor) -> list[str]:
            return [u.username for u in queries.users(session, actor)]

        assert names(STATION_ADMIN) == ["admin-1", "viewer-1"]
        assert names(LAMPHUN_ADMIN) == ["viewer-2"]
        assert names(CLI) == ["admin-1", "central", "lamphun", "viewer-1", "viewer-2"]
        assert names(Actor("viewer-1", "viewer", station_id=1)) == []


def _guess(engine: Engine, username: str) -> None:
    with session_scope(engine) as session, pytest.raises(AuthError, match="ไม่ถูกต้อง"):
        authenticate(session, username, "wrong-guess")


def test_a_stations_trail_holds_no_other_stations_changes_or_failed_logins(two_stations: Engine,
                                                                          logins: dict[str, int]) -> None:
    for username in ("viewer-2", "central", "lamphun", "viewer-1"):
        _guess(two_stations, username)
    with session_scope(two_stations) as session:
        item, component = _o1_and_component(session, station_id=2)
        services.save_component(session, CLI, item.id, "ของสถานี 2", component.id, component.version)
        services.create_station(session, CLI, "S0003", "สถานีทดสอบ 3", "ลำพูน")
    with Session(two_stations) as session:
        own = audit.trail(session, station_id=1)
    # station 1: creating admin-1 and viewer-1, and the one wrong guess at viewer-1
    assert set(own["table"]) == {"app_user"}
    assert set(own["row_id"]) == {logins["admin-1"], logins["viewer-1"]}
    assert list(own[own["source"] == "login"]["row_id"]) == [logins["viewer-1"]]
    with Session(two_stations) as session:
        central = audit.trail(session, station_id=1, central=True)
        third = audit.trail(session, station_id=3)
    # a central admin's view of station 1 adds the logins of no station, never station 2's rows
    assert set(central["table"]) == {"app_user"}
    assert set(central["row_id"]) == {logins[name] for name in ("admin-1", "viewer-1", "central", "lamphun")}
    assert list(central[central["source"] == "login"]["row_id"]) == [
        logins["central"], logins["lamphun"], logins["viewer-1"]]
    assert set(third["table"]) == {"station"}  # a new station's trail starts with its creation


def test_the_audit_page_of_a_station_admin_shows_only_its_station(two_stations: Engine) -> None:
    from tests.test_pages import run_page

    with session_scope(two_stations) as session:
        for name, role, station in (("central", "admin", None), ("admin-1", "admin", 1),
                                    ("viewer-1", "viewer", 1), ("viewer-2", "viewer", 2)):
            services.create_user(session, CLI, name, PASSWORD, role, station_id=station)
        item, component = _o1_and_component(session, station_id=2)
        services.save_component(session, CLI, item.id, "ของสถานี 2", component.id, component.version)
    for username in ("central", "viewer-2", "admin-1"):
        _guess(two_stations, username)
    app = run_page("audit", user="admin-1")
    shown = app.dataframe[0].value
    # creating admin-1 and viewer-1 (username, role, station_id, can_edit_all: 4 rows each) and the
    # one wrong password typed for admin-1; nothing of station 2, of the central login or its guesses
    assert len(shown) == 9
    assert app.caption[0].value.startswith("9 รายการ")
    with Session(two_stations) as session:
        own = {session.exec(select(models.User.id).where(models.User.username == name)).one()
               for name in ("admin-1", "viewer-1")}
    assert set(shown["รหัสแถว"]) == own
    assert list(shown["ช่อง"])[-1] == "failed_logins"
    assert set(app.selectbox(key="audit_user").options) == {"ทุกคน", "anonymous", "cli"}
