"""The one permission vocabulary: who may do what, on which station.

Every service function and every page that hides or shows something asks here, by a named
:class:`Action`, so the rule for "the ITA secretary" or "an admin of this station" is written
once. ``may`` answers yes/no (pages: show a form or not); ``require`` raises
:class:`PermissionDenied` with a Thai message (services: refuse the write).

Roles (``UserRole``): a *viewer* reads; an *officer* updates the rows assigned to them; an
officer with ``can_edit_all`` is the *ITA secretary* (every row, survey counts, this year's
scores); an *admin* edits the plan, people and users. Scope: a login tied to a station acts
on that station only, a province login on its province's stations, a central login (neither)
on every station.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from ita_core.auth import ANONYMOUS, Actor
from ita_core.models import Assignment, User, UserRole


class PermissionDenied(PermissionError):
    """The acting user may not make this change; the message is Thai and safe to show."""


class Action(StrEnum):
    """What an actor asks to do. Names say the thing done, not the role that may do it."""

    UPDATE_ASSIGNED = "update_assigned"  # progress, components, publications of one's own rows
    UPDATE_ANY_ROW = "update_any_row"  # progress of every row, not only one's own
    RECORD_SURVEY = "record_survey"  # survey respondent counts and this year's survey scores
    EDIT_PLAN = "edit_plan"  # activities, OIT items, components, people, assignments, quotas, duties,
    #                          phases, fiscal years, imports and the rollover
    EDIT_RESULTS = "edit_results"  # past years' official ITA results
    MANAGE_USERS = "manage_users"  # logins of the station(s) in scope, with roles up to one's own
    MANAGE_CENTRAL_USERS = "manage_central_users"  # logins tied to no station (central, province):
    #                                                central admins
    VIEW_AUDIT = "view_audit"  # the audit trail of the station(s) in scope
    VIEW_CENTRAL_AUDIT = "view_central_audit"  # the trail of what belongs to no station (central and
    #                                            province logins, new stations): central admins
    ADD_STATION = "add_station"  # a new station: province or central admins only
    BACKUP_ALL = "backup_all"  # the whole-system backup (every station and login): central admins
    EDIT_FRAMEWORK = "edit_framework"  # a year's ITA framework, shared by every station: central admins
    CHECK_LINKS = "check_links"  # fetch the evidence links and store what was found: the secretary
    SEND_REMINDERS = "send_reminders"  # send people their reminder digests and record it: the secretary


_SECRETARY = "บันทึกได้เฉพาะเลขานุการ ITA (ผู้ดูแลระบบ หรือเจ้าหน้าที่ที่แก้ไขได้ทุกรายการ)"
_ADMIN = "เฉพาะผู้ดูแลระบบ (admin) เท่านั้นที่แก้ไขส่วนนี้ได้"
DENIED_TH: dict[Action, str] = {
    Action.UPDATE_ASSIGNED: "บัญชีนี้ดูได้อย่างเดียว แก้ไขไม่ได้",
    Action.UPDATE_ANY_ROW: _SECRETARY,
    Action.RECORD_SURVEY: _SECRETARY,
    Action.EDIT_PLAN: _ADMIN,
    Action.EDIT_RESULTS: _ADMIN,
    Action.MANAGE_USERS: _ADMIN,
    Action.MANAGE_CENTRAL_USERS: "บัญชีส่วนกลางหรือระดับจังหวัด (ไม่ผูกกับสถานี) จัดการได้เฉพาะผู้ดูแลระบบส่วนกลาง",
    Action.VIEW_AUDIT: _ADMIN,
    Action.VIEW_CENTRAL_AUDIT: "ประวัติของบัญชีส่วนกลาง/จังหวัดดูได้เฉพาะผู้ดูแลระบบส่วนกลาง",
    Action.ADD_STATION: "เพิ่มสถานีได้เฉพาะผู้ดูแลระบบระดับภาค/ทั้งระบบ",
    Action.BACKUP_ALL: "สำรองข้อมูลทั้งระบบได้เฉพาะผู้ดูแลระบบส่วนกลาง (ไฟล์มีข้อมูลทุกสถานีและทุกบัญชี)",
    Action.EDIT_FRAMEWORK: "แก้ไขเกณฑ์การประเมินรายปีได้เฉพาะผู้ดูแลระบบส่วนกลาง (ทุกสถานีใช้เกณฑ์เดียวกัน)",
    Action.CHECK_LINKS: _SECRETARY,
    Action.SEND_REMINDERS: _SECRETARY,
}
OUT_OF_SCOPE_TH = "บัญชีนี้แก้ไขได้เฉพาะข้อมูลของสถานีตนเอง (หรือสถานีในจังหวัดที่ดูแล)"
NOT_ASSIGNED_TH = "แก้ไขได้เฉพาะรายการที่ท่านได้รับมอบหมาย"
ABOVE_OWN_ROLE_TH = "ให้สิทธิ์สูงกว่าบัญชีของตนเองไม่ได้"
OWN_ROLE_TH = "เปลี่ยนบทบาท สิทธิ์ หรือสถานีของบัญชีตนเองไม่ได้ — ให้ผู้ดูแลระบบคนอื่นเปลี่ยนให้"


def is_secretary(actor: Actor) -> bool:
    """An admin, or an officer an admin allowed to edit every row."""
    return actor.role == UserRole.ADMIN or (actor.role == UserRole.OFFICER and actor.can_edit_all)


def _role_allows(actor: Actor, action: Action) -> bool:
    if action == Action.UPDATE_ASSIGNED:
        return is_secretary(actor) or (actor.role == UserRole.OFFICER and actor.person_id is not None)
    if action in (Action.UPDATE_ANY_ROW, Action.RECORD_SURVEY, Action.CHECK_LINKS, Action.SEND_REMINDERS):
        return is_secretary(actor)
    if actor.role != UserRole.ADMIN:
        return False
    if action in (Action.ADD_STATION, Action.BACKUP_ALL, Action.EDIT_FRAMEWORK, Action.MANAGE_CENTRAL_USERS,
                  Action.VIEW_CENTRAL_AUDIT):
        return actor.allowed_stations is None  # a central login, tied to no station or province
    return True


def in_scope(actor: Actor, station_id: int | None) -> bool:
    """True when ``station_id`` is one of the actor's stations (None: no particular station)."""
    allowed = actor.allowed_stations
    return allowed is None or station_id is None or station_id in allowed


def may(actor: Actor, action: Action, *, station_id: int | None = None) -> bool:
    """Whether ``actor`` may do ``action`` (on ``station_id`` when given)."""
    return _role_allows(actor, action) and in_scope(actor, station_id)


def require(actor: Actor, action: Action, *, station_id: int | None = None) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may do ``action`` on ``station_id``."""
    if not _role_allows(actor, action):
        raise PermissionDenied(DENIED_TH[action])
    if not in_scope(actor, station_id):
        raise PermissionDenied(OUT_OF_SCOPE_TH)


def require_station(actor: Actor, station_id: int | None) -> None:
    """Raise unless ``station_id`` is in the actor's scope (the role was checked already)."""
    if not in_scope(actor, station_id):
        raise PermissionDenied(OUT_OF_SCOPE_TH)


def require_assigned(session: Session, actor: Actor, *, table: str, row_id: int) -> None:
    """Officers update the activity / OIT item rows they are assigned to; the secretary any row."""
    require(actor, Action.UPDATE_ASSIGNED)
    if may(actor, Action.UPDATE_ANY_ROW):
        return
    target = col(Assignment.activity_id) if table == "activity" else col(Assignment.oit_item_id)
    assigned = session.exec(
        select(Assignment.id).where(target == row_id, col(Assignment.person_id) == actor.person_id).limit(1)
    ).first()
    if assigned is None:
        raise PermissionDenied(NOT_ASSIGNED_TH)


def readable_stations(actor: Actor, public_read: bool) -> frozenset[int] | None:
    """Stations an actor may see (None: all); anonymous readers see all only while public read is on."""
    if actor.username == ANONYMOUS.username:
        return None if public_read else frozenset()
    return actor.allowed_stations


# --- logins ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Login:
    """What a login is allowed as: the fields of a user that grant rights (role, the secretary's
    every-row right, station or province). :func:`require_login_change` compares two of these."""

    username: str
    role: str
    can_edit_all: bool = False
    station_id: int | None = None
    province: str | None = None


def login_of(user: User) -> Login:
    """The rights a stored user grants (a station login's province does not count)."""
    return Login(user.username, user.role, user.can_edit_all, user.station_id,
                 None if user.station_id is not None else user.province or None)


def rank(role: str, can_edit_all: bool) -> int:
    """How much a role may do: viewer < officer < ITA secretary < admin (unknown roles: nothing)."""
    if role == UserRole.ADMIN:
        return 3
    if role == UserRole.OFFICER:
        return 2 if can_edit_all else 1
    return 0


def _require_login_scope(actor: Actor, login: Login) -> None:
    """A login tied to a station is managed by admins of that station (or its province, or central);
    one tied to no station (a central or province login) only by central admins."""
    if login.station_id is None:
        require(actor, Action.MANAGE_CENTRAL_USERS)
    else:
        require_station(actor, login.station_id)
    if rank(login.role, login.can_edit_all) > rank(actor.role, actor.can_edit_all):
        raise PermissionDenied(ABOVE_OWN_ROLE_TH)


def require_login_change(actor: Actor, *, before: Login | None, after: Login) -> None:
    """Raise unless ``actor`` may turn the login ``before`` (None: a new one) into ``after``.

    Why here: a station admin must not mint a central or province admin, take over a login of
    another station or one above its own role, or lift itself out of its station; these are
    permission rules, so the accounts service asks one function instead of repeating them.
    """
    require(actor, Action.MANAGE_USERS)
    if before is not None:
        _require_login_scope(actor, before)
    _require_login_scope(actor, after)
    if before is not None and before.username == actor.username and (
            (before.role, before.can_edit_all, before.station_id, before.province)
            != (after.role, after.can_edit_all, after.station_id, after.province)):
        raise PermissionDenied(OWN_ROLE_TH)


def may_see_login(actor: Actor, login: Login) -> bool:
    """Whether ``actor`` sees this login in a list of users: admins, the logins they may manage."""
    try:
        require_login_change(actor, before=None, after=login)
    except PermissionDenied:
        return False
    return True
