"""The one permission vocabulary: every role × action, station scope, and that no other module
writes its own role rule."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlmodel import Session, select

from ita_core.auth import ANONYMOUS, CLI, Actor
from ita_core.models import OitItem, Person
from ita_core.permissions import (
    Action,
    Login,
    PermissionDenied,
    _require_login_scope,
    may,
    readable_stations,
    require,
    require_assigned,
    require_login_change,
)

REPO = Path(__file__).resolve().parent.parent
VIEWER = Actor("viewer", "viewer", station_id=1)
OFFICER = Actor("officer", "officer", person_id=7, station_id=1)
SECRETARY = Actor("secretary", "officer", person_id=7, station_id=1, can_edit_all=True)
STATION_ADMIN = Actor("station-admin", "admin", station_id=1)
PROVINCE_ADMIN = Actor("province-admin", "admin", province="ลำพูน", province_stations=frozenset({2, 3}))

# who may do what (on a station in their scope); CLI is the central admin of the server
EXPECTED = {
    Action.UPDATE_ASSIGNED: {OFFICER, SECRETARY, STATION_ADMIN, PROVINCE_ADMIN, CLI},
    Action.UPDATE_ANY_ROW: {SECRETARY, STATION_ADMIN, PROVINCE_ADMIN, CLI},
    Action.RECORD_SURVEY: {SECRETARY, STATION_ADMIN, PROVINCE_ADMIN, CLI},
    Action.EDIT_PLAN: {STATION_ADMIN, PROVINCE_ADMIN, CLI},
    Action.EDIT_RESULTS: {STATION_ADMIN, PROVINCE_ADMIN, CLI},
    Action.MANAGE_USERS: {STATION_ADMIN, PROVINCE_ADMIN, CLI},
    Action.MANAGE_CENTRAL_USERS: {CLI},
    Action.VIEW_AUDIT: {STATION_ADMIN, PROVINCE_ADMIN, CLI},
    Action.VIEW_CENTRAL_AUDIT: {CLI},
    Action.ADD_STATION: {CLI},
    Action.BACKUP_ALL: {CLI},
    Action.EDIT_FRAMEWORK: {CLI},
    Action.CHECK_LINKS: {SECRETARY, STATION_ADMIN, PROVINCE_ADMIN, CLI},
    Action.SEND_REMINDERS: {SECRETARY, STATION_ADMIN, PROVINCE_ADMIN, CLI},
}
ACTORS = (ANONYMOUS, VIEWER, OFFICER, SECRETARY, STATION_ADMIN, PROVINCE_ADMIN, CLI)


def test_every_action_has_a_rule() -> None:
    assert set(EXPECTED) == set(Action)


@pytest.mark.parametrize("action", list(Action))
def test_who_may_do_what(action: Action) -> None:
    allowed = {actor for actor in ACTORS if may(actor, action)}
    assert allowed == EXPECTED[action]
    for actor in set(ACTORS) - allowed:
        with pytest.raises(PermissionDenied):
            require(actor, action)


# each actor's own station and one it does not hold (CLI and anonymous: no station of their own)
OWN_STATION = {VIEWER: 1, OFFICER: 1, SECRETARY: 1, STATION_ADMIN: 1, PROVINCE_ADMIN: 3, CLI: 1, ANONYMOUS: 1}
OTHER_STATION = 2 + 3  # in nobody's scope but a central login's


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor.username)
@pytest.mark.parametrize("where", ["own", "other"])
def test_every_role_action_and_station(action: Action, actor: Actor, where: str) -> None:
    """The generated grid of issue 16: every role × action × own/other station, each cell asserted."""
    station = OWN_STATION[actor] if where == "own" else OTHER_STATION
    central = actor.allowed_stations is None  # CLI, and anonymous (who may nothing anyway)
    expected = actor in EXPECTED[action] and (where == "own" or central)
    assert may(actor, action, station_id=station) is expected
    if not expected:
        with pytest.raises(PermissionDenied):
            require(actor, action, station_id=station)


def test_scope_limits_every_action_to_the_actors_stations() -> None:
    assert may(STATION_ADMIN, Action.EDIT_PLAN, station_id=1)
    assert not may(STATION_ADMIN, Action.EDIT_PLAN, station_id=2)
    assert may(PROVINCE_ADMIN, Action.EDIT_PLAN, station_id=3)
    assert not may(PROVINCE_ADMIN, Action.EDIT_PLAN, station_id=1)
    assert may(CLI, Action.EDIT_PLAN, station_id=99)
    with pytest.raises(PermissionDenied, match="สถานีตนเอง"):
        require(OFFICER, Action.UPDATE_ASSIGNED, station_id=2)
    assert OFFICER.may(Action.UPDATE_ASSIGNED, station_id=1)


def test_messages_name_the_role_that_may() -> None:
    with pytest.raises(PermissionDenied, match="เลขานุการ ITA"):
        require(OFFICER, Action.RECORD_SURVEY)
    with pytest.raises(PermissionDenied, match=r"ผู้ดูแลระบบ \(admin\)"):
        require(SECRETARY, Action.EDIT_PLAN)
    with pytest.raises(PermissionDenied, match="ดูได้อย่างเดียว"):
        require(VIEWER, Action.UPDATE_ASSIGNED)


def test_readable_stations() -> None:
    assert readable_stations(ANONYMOUS, public_read=True) is None
    assert readable_stations(ANONYMOUS, public_read=False) == frozenset()
    assert readable_stations(VIEWER, public_read=False) == frozenset({1})
    assert readable_stations(PROVINCE_ADMIN, public_read=True) == frozenset({2, 3})


def _item(session: Session, code: str) -> int:
    return session.exec(select(OitItem.id).where(OitItem.code == code)).one()


def test_an_officer_updates_only_the_rows_assigned_to_them(session: Session) -> None:
    person_id = session.exec(select(Person.id).where(Person.name == "อนุทิน พุดดี")).one()  # holds O1, not O7
    officer = Actor("anutin", "officer", person_id=person_id, station_id=1)
    require_assigned(session, officer, table="oit_item", row_id=_item(session, "O1"))
    with pytest.raises(PermissionDenied, match="ได้รับมอบหมาย"):
        require_assigned(session, officer, table="oit_item", row_id=_item(session, "O7"))
    require_assigned(session, SECRETARY, table="oit_item", row_id=_item(session, "O7"))


def _login(role: str, station_id: int | None = 1, province: str | None = None, *, name: str = "someone",
           can_edit_all: bool = False) -> Login:
    return Login(name, role, can_edit_all, station_id, province)


# who may create which login: the login's scope is the actor's own station(s) or, for a login of no
# station (central or province), only a central admin; never a role above the actor's own
LOGINS = {
    "viewer of station 1": (_login("viewer"), {STATION_ADMIN, CLI}),
    "admin of station 1": (_login("admin"), {STATION_ADMIN, CLI}),
    "secretary of station 3": (_login("officer", 3, can_edit_all=True), {PROVINCE_ADMIN, CLI}),
    "admin of station 2": (_login("admin", 2), {PROVINCE_ADMIN, CLI}),
    "province admin": (_login("admin", None, "ลำพูน"), {CLI}),
    "central admin": (_login("admin", None), {CLI}),
}


@pytest.mark.parametrize("login", list(LOGINS))
def test_who_may_create_which_login(login: str) -> None:
    after, allowed = LOGINS[login]
    for actor in ACTORS:
        if actor in allowed:
            require_login_change(actor, before=None, after=after)
        else:
            with pytest.raises(PermissionDenied):
                require_login_change(actor, before=None, after=after)


def test_a_login_is_never_granted_above_the_granters_role() -> None:
    odd = Actor("odd", "officer", station_id=1, can_edit_all=True)  # as if an officer could manage users
    with pytest.raises(PermissionDenied, match="สูงกว่า"):
        _require_login_scope(odd, _login("admin"))
    _require_login_scope(odd, _login("officer", can_edit_all=True))


def test_nobody_changes_their_own_role_or_station() -> None:
    me = _login("admin", 1, name=STATION_ADMIN.username)
    require_login_change(STATION_ADMIN, before=me, after=me)  # a new password changes no right
    for after in (_login("viewer", 1, name=me.username), _login("admin", None, name=me.username)):
        with pytest.raises(PermissionDenied):
            require_login_change(STATION_ADMIN, before=me, after=after)
    central = _login("admin", None, name=CLI.username)
    with pytest.raises(PermissionDenied, match="บัญชีตนเอง"):
        require_login_change(CLI, before=central, after=_login("admin", 1, name=CLI.username))


ROLE_ATTRIBUTES = {"can_edit_all", "is_admin", "allowed_stations"}


def _role_rules(path: Path) -> list[str]:
    """Places in ``path`` that decide a permission by hand: comparing ``.role`` or reading the
    role attributes of an actor, instead of asking ``ita_core.permissions``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        left = node.left if isinstance(node, ast.Compare) else None
        if isinstance(left, ast.Attribute) and left.attr == "role":
            found.append(f"{path.name}:{node.lineno} compares .role")
        owner = node.value if isinstance(node, ast.Attribute) else None
        if isinstance(owner, ast.Name) and owner.id == "actor" and node.attr in ROLE_ATTRIBUTES:
            found.append(f"{path.name}:{node.lineno} reads actor.{node.attr}")
    return found


def test_no_module_writes_its_own_permission_rule() -> None:
    sources = [*(REPO / "ita_core").rglob("*.py"), *(REPO / "pages").glob("*.py"), REPO / "dashboard.py"]
    allowed = {REPO / "ita_core" / "permissions.py", REPO / "ita_core" / "auth.py"}
    found = [place for path in sources if path not in allowed for place in _role_rules(path)]
    assert found == []
