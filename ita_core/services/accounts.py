"""Logins: creating and changing users (passwords only ever stored hashed).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from ita_core.auth import (
    ANONYMOUS,
    CLI,
    Actor,
    AuthError,
    check_password_rules,
    has_admin,
    hash_password,
    unlock,
    verify_password,
    wrong_current_password,
)
from ita_core.contacts import clean_contacts
from ita_core.db import stored_id
from ita_core.models import (
    Person,
    User,
    UserRole,
)
from ita_core.permissions import Action, Login, PermissionDenied, login_of, require, require_login_change
from ita_core.services.core import (
    Saved,
    ValidationFailed,
    _write,
    create_row,
)


def create_user(session: Session, actor: Actor | None, username: str, password: str, role: str, *,
                person_id: int | None = None, station_id: int | None = None, can_edit_all: bool = False,
                province: str | None = None, email: str = "", line_user_id: str = "",
                source: str = "form") -> Saved:
    """Add a login (``email``, ``line_user_id``: where its reminders go, checked like a person's).

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
        check_password_rules(password, username=username)
    except AuthError as exc:
        errors.append(str(exc))
    contacts, contact_errors = clean_contacts({"email": email, "line_user_id": line_user_id})
    errors.extend(contact_errors)
    if errors:
        raise ValidationFailed(errors)
    require_login_change(actor, before=None, after=_login({
        "username": username.strip(), "role": role, "can_edit_all": can_edit_all, "station_id": station_id,
        "province": province}))
    _check_person(session, person_id, station_id)
    user = User(username=username.strip(), password_hash=hash_password(password), role=UserRole(role),
                person_id=person_id, station_id=station_id, can_edit_all=can_edit_all,
                province=province or None, email=contacts["email"], line_user_id=contacts["line_user_id"])
    given = tuple(name for name in ("email", "line_user_id") if contacts[name])
    fields = ("username", "role", "person_id", "station_id", "province", "can_edit_all",
              *given)  # the trail names a contact only when one is given
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
            current_name = getattr(session.get(User, user_id), "username", "")
            check_password_rules(changes["password"], username=current_name)
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


def set_user_active(session: Session, actor: Actor, user_id: int, expected_version: int, *, active: bool,
                    source: str = "form") -> Saved:
    """Close or reopen a login. A closed login cannot log in, and its kept logins stop working
    (the version bump changes the token fingerprint, :mod:`ita_core.sessions`). Nobody closes
    their own login (an admin could otherwise lock the station out of its only admin)."""
    user = _managed_user(session, actor, user_id)
    if not active and user.username == actor.username:
        raise ValidationFailed(["ปิดบัญชีของตัวเองไม่ได้ — ให้ผู้ดูแลคนอื่นปิดให้"])
    return _write(session, actor, User, user_id, expected_version, {"active": active}, source)


def unlock_user(session: Session, actor: Actor, user_id: int, expected_version: int, *,
                source: str = "form") -> Saved:
    """End a lock after wrong passwords and clear the failure count (the trusted way back in
    for an owner a guesser keeps locking out)."""
    user = _managed_user(session, actor, user_id)
    changes = unlock(user)
    if not changes:
        raise ValidationFailed([f"บัญชี {user.username} ไม่ได้ถูกล็อก"])
    return _write(session, actor, User, user_id, expected_version, changes, source)


def reset_password(session: Session, actor: Actor, user_id: int, expected_version: int, *, new_password: str,
                   source: str = "form") -> Saved:
    """An admin gives a login a new password (policy checked, stored hashed, audited as ``***``);
    the login's lock ends and its kept logins stop working."""
    user = _managed_user(session, actor, user_id)
    _check_new_password(new_password, user.username)
    changes: dict[str, Any] = {"password_hash": hash_password(new_password), **unlock(user)}
    return _write(session, actor, User, user_id, expected_version, changes, source)


def change_own_password(session: Session, actor: Actor, *, current_password: str, new_password: str,
                        source: str = "form") -> Saved:
    """A logged-in user changes their own password, proving the current one first (a browser
    left logged in must not be enough to take the account over)."""
    if actor in (ANONYMOUS, CLI):
        raise PermissionDenied("ต้องเข้าสู่ระบบก่อนจึงจะเปลี่ยนรหัสผ่านของตัวเองได้")
    user = session.exec(select(User).where(User.username == actor.username)).first()
    if user is None or not user.active:
        raise PermissionDenied("ไม่พบบัญชีที่ใช้งานอยู่ของผู้ใช้นี้")
    locked = _lock_message(user)
    if locked:
        raise ValidationFailed([locked])
    if not verify_password(current_password, user.password_hash):
        wrong_current_password(session, user)
        raise ValidationFailed(["รหัสผ่านปัจจุบันไม่ถูกต้อง"])
    if new_password == current_password:
        raise ValidationFailed(["รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านปัจจุบัน"])
    _check_new_password(new_password, user.username)
    return _write(session, actor, User, stored_id(user), user.version,
                  {"password_hash": hash_password(new_password)}, source)


def _lock_message(user: User) -> str | None:
    """The lock message of a login locked after wrong passwords, else None."""
    until = user.locked_until
    if until is None:
        return None
    now = datetime.now(UTC)
    if (until if until.tzinfo else until.replace(tzinfo=UTC)) <= now:
        return None
    return "บัญชีนี้ถูกล็อกชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง ลองใหม่ภายหลัง"


def _managed_user(session: Session, actor: Actor, user_id: int) -> User:
    """The login ``user_id``, once :func:`require_login_change` says ``actor`` may manage it."""
    require(actor, Action.MANAGE_USERS)
    user = session.get(User, user_id)
    if user is None:
        raise ValidationFailed([f"ไม่พบผู้ใช้รหัส {user_id}"])
    login = login_of(user)
    require_login_change(actor, before=login, after=login)
    return user


def _check_new_password(password: str, username: str) -> None:
    try:
        check_password_rules(password, username=username)
    except AuthError as exc:
        raise ValidationFailed([str(exc)]) from exc


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
