"""Logins: creating and changing users (passwords only ever stored hashed).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from ita_core.auth import Actor, AuthError, check_password_rules, has_admin, hash_password
from ita_core.contacts import clean_contacts
from ita_core.models import (
    Person,
    User,
    UserRole,
)
from ita_core.permissions import Action, Login, PermissionDenied, require, require_login_change
from ita_core.services.core import (
    Saved,
    ValidationFailed,
    _write,
    create_row,
)


def create_user(session: Session, actor: Actor | None, username: str, password: str, role: str, *,
                person_id: int | None = None, station_id: int | None = None, can_edit_all: bool = False,
                province: str | None = None, email: str = "", source: str = "form") -> Saved:
    """Add a login (``email``: where its reminders go, checked like a person's).

    ``actor`` None is the one-time first-admin setup (only while no admin exists).

    ``station_id`` ties the login to one station; ``province`` (without a station) makes it a
    province office login that sees and, as admin, edits every station of that province.
    """
    if actor is None:
        if has_admin(session) or role != UserRole.ADMIN:
            raise PermissionDenied("ตั้งค่าผู้ดูแลระบบคนแรกได้ครั้งเดียว")
        actor = Actor(username or "setup", UserRole.ADMIN)
    require(actor, Action.MANAGE_USERS)
    errors = []
    if not username.strip():
        errors.append("ต้องระบุชื่อผู้ใช้")
    if role not in set(UserRole):
        errors.append(f"บทบาท {role!r} ไม่ถูกต้อง (viewer / officer / admin)")
    if session.exec(select(User.id).where(User.username == username.strip())).first() is not None:
        errors.append(f"มีชื่อผู้ใช้ {username!r} แล้ว")
    try:
        check_password_rules(password)
    except AuthError as exc:
        errors.append(str(exc))
    contacts, contact_errors = clean_contacts({"email": email})
    errors.extend(contact_errors)
    if errors:
        raise ValidationFailed(errors)
    require_login_change(actor, before=None, after=_login({
        "username": username.strip(), "role": role, "can_edit_all": can_edit_all, "station_id": station_id,
        "province": province}))
    _check_person(session, person_id, station_id)
    user = User(username=username.strip(), password_hash=hash_password(password), role=UserRole(role),
                person_id=person_id, station_id=station_id, can_edit_all=can_edit_all,
                province=province or None, email=contacts["email"])
    fields = ("username", "role", "person_id", "station_id", "province", "can_edit_all",
              *(("email",) if user.email else ()))  # the trail names an e-mail only when one is given
    return create_row(session, actor, user, fields, source)


def update_user(session: Session, actor: Actor, user_id: int, expected_version: int,
                values: dict[str, Any], source: str = "form") -> Saved:
    """Change a login's role, person, station, rights, active flag, contacts or password (hashed)."""
    require(actor, Action.MANAGE_USERS)
    allowed = {"role", "person_id", "station_id", "can_edit_all", "active", "password", "email",
               "line_user_id"}
    changes = {k: v for k, v in values.items() if k in allowed}
    contacts, contact_errors = clean_contacts(changes)
    if contact_errors:
        raise ValidationFailed(contact_errors)
    changes.update(contacts)
    if "role" in changes and changes["role"] not in set(UserRole):
        raise ValidationFailed([f"บทบาท {changes['role']!r} ไม่ถูกต้อง"])
    if "password" in changes:
        try:
            check_password_rules(changes["password"])
        except AuthError as exc:
            raise ValidationFailed([str(exc)]) from exc
        changes["password_hash"] = hash_password(changes.pop("password"))
    current = session.get(User, user_id)
    if current is not None:
        merged = {**current.model_dump(), **changes}
        require_login_change(actor, before=_login(current.model_dump()), after=_login(merged))
        if "person_id" in changes or "station_id" in changes:
            _check_person(session, merged["person_id"], merged["station_id"])
    return _write(session, actor, User, user_id, expected_version, changes, source)


def _login(values: dict[str, Any]) -> Login:
    """The rights a user's values grant, read as :func:`ita_core.permissions.login_of` reads a
    stored user (a station login's province does not count)."""
    station = values.get("station_id")
    return Login(values["username"], values["role"], bool(values.get("can_edit_all")), station,
                 None if station is not None else values.get("province") or None)


def _check_person(session: Session, person_id: int | None, station_id: int | None) -> None:
    """A login's person is one of its station's people: a station's login cannot stand for someone
    of another station (whose rows it would then update as "assigned to me")."""
    if person_id is None:
        return
    person = session.get(Person, person_id)
    if person is None or person.deleted_at is not None:
        raise ValidationFailed([f"ไม่พบบุคคลรหัส {person_id} (อาจถูกลบไปแล้ว)"])
    if station_id is not None and person.station_id != station_id:
        raise ValidationFailed([f"“{person.name}” เป็นบุคคลของสถานีอื่น — เลือกบุคคลของสถานีเดียวกับบัญชีนี้"])
