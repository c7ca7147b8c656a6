"""Accounts: an admin closes, reopens, unlocks and resets logins within its reach; everyone
changes their own password; every one of these passes the password policy and is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core import sessions
from ita_core.auth import CLI, AuthError, authenticate, verify_password
from ita_core.db import session_scope, stored_id
from ita_core.models import AuditLog, User
from ita_core.services import PermissionDenied, ValidationFailed
from ita_core.services.writer import Writer

GOOD = "ทุ่งนา-ฝนตก-2569"
NEW = "ฟ้าใส-ลมเย็น-2570"
NOW = datetime(2026, 1, 1, 9, tzinfo=UTC)


def _add(engine: Engine, name: str, *, role: str = "viewer", station_id: int | None = 1) -> int:
    with session_scope(engine) as session:
        return Writer(session, CLI, source="cli").create_user(
            username=name, password=GOOD, role=role, station_id=station_id).row_id


def _user(engine: Engine, name: str) -> User:
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == name)).one()
        session.expunge(user)
        return user


def _login(engine: Engine, name: str, password: str, now: datetime = NOW):
    """Log in as the login form does: the failed-login count is committed with the refusal."""
    error = None
    with session_scope(engine) as session:
        try:
            return authenticate(session, name, password, now)
        except AuthError as exc:
            error = exc
    raise error


def _admin_of_station_1(engine: Engine):
    _add(engine, "boss1", role="admin")
    return _login(engine, "boss1", GOOD)


def test_disable_and_enable_a_login(engine: Engine) -> None:
    user_id = _add(engine, "clerk")
    admin = _admin_of_station_1(engine)
    with session_scope(engine) as session:
        Writer(session, admin, source="form").set_user_active(row_id=user_id, seen_version=1, active=False)
    with pytest.raises(AuthError, match="ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"):
        _login(engine, "clerk", GOOD)
    with session_scope(engine) as session:
        Writer(session, admin, source="form").set_user_active(row_id=user_id, seen_version=2, active=True)
    assert _login(engine, "clerk", GOOD).username == "clerk"
    with Session(engine) as session:
        changes = session.exec(select(AuditLog.actor, AuditLog.field, AuditLog.old, AuditLog.new).where(
            AuditLog.table_name == "app_user", AuditLog.row_id == user_id, AuditLog.source == "form")).all()
    assert [tuple(c) for c in changes] == [("boss1", "active", "true", "false"),
                                                 ("boss1", "active", "false", "true")]


def test_nobody_closes_their_own_login(engine: Engine) -> None:
    admin = _admin_of_station_1(engine)
    own = _user(engine, "boss1")
    with session_scope(engine) as session, pytest.raises(ValidationFailed, match="ปิดบัญชีของตัวเองไม่ได้"):
        Writer(session, admin, source="form").set_user_active(row_id=stored_id(own), seen_version=own.version,
                                                               active=False)


def test_a_disabled_users_kept_login_stops_working(engine: Engine) -> None:
    user_id = _add(engine, "clerk")
    admin = _admin_of_station_1(engine)
    settings = sessions.Settings(secret_key="k" * 32, session_hours=8)  # type: ignore[call-arg]
    with session_scope(engine) as session:
        token = sessions.remember(session, "clerk", settings)
        assert token is not None
        restored = sessions.restore(session, token, settings)
        assert restored is not None and restored.username == "clerk"
    with session_scope(engine) as session:
        Writer(session, admin, source="form").set_user_active(row_id=user_id, seen_version=1, active=False)
    with session_scope(engine) as session:
        assert sessions.restore(session, token, settings) is None


def test_unlock_ends_a_lock_at_once(engine: Engine) -> None:
    user_id = _add(engine, "clerk")
    admin = _admin_of_station_1(engine)
    for _ in range(5):
        with pytest.raises(AuthError):
            _login(engine, "clerk", "wrong-password")
    with pytest.raises(AuthError, match="ล็อก"):
        _login(engine, "clerk", GOOD)
    version = _user(engine, "clerk").version
    with session_scope(engine) as session:
        Writer(session, admin, source="form").unlock_user(row_id=user_id, seen_version=version)
    assert _login(engine, "clerk", GOOD).username == "clerk"
    with session_scope(engine) as session, pytest.raises(ValidationFailed, match="ไม่ได้ถูกล็อก"):
        Writer(session, admin, source="form").unlock_user(row_id=user_id, seen_version=version + 1)


def test_reset_password_checks_the_policy_and_hides_the_hash(engine: Engine) -> None:
    user_id = _add(engine, "clerk")
    admin = _admin_of_station_1(engine)
    with session_scope(engine) as session, pytest.raises(ValidationFailed, match="ใช้กันมาก"):
        Writer(session, admin, source="form").reset_password(row_id=user_id, seen_version=1,
                                                              new_password="password123")
    with session_scope(engine) as session:
        Writer(session, admin, source="form").reset_password(row_id=user_id, seen_version=1, new_password=NEW)
    assert verify_password(NEW, _user(engine, "clerk").password_hash)
    with pytest.raises(AuthError):
        _login(engine, "clerk", GOOD)
    with Session(engine) as session:
        trail = session.exec(select(AuditLog.field, AuditLog.new).where(
            AuditLog.row_id == user_id, AuditLog.table_name == "app_user", AuditLog.source == "form")).all()
    assert [tuple(t) for t in trail] == [("password_hash", "***")]


def test_a_station_admin_cannot_reset_a_central_admins_password(engine: Engine) -> None:
    central_id = _add(engine, "chief", role="admin", station_id=None)
    admin = _admin_of_station_1(engine)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        Writer(session, admin, source="form").reset_password(row_id=central_id, seen_version=1,
                                                              new_password=NEW)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        Writer(session, admin, source="form").set_user_active(row_id=central_id, seen_version=1, active=False)
    with session_scope(engine) as session:
        station_2 = Writer(session, CLI, source="cli").create_station(code="far-2", name_th="สภ.ไกล").row_id
    other_station = _add(engine, "far", station_id=station_2)
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        Writer(session, admin, source="form").unlock_user(row_id=other_station, seen_version=1)


def test_change_own_password_needs_the_current_one(engine: Engine) -> None:
    _add(engine, "clerk")
    me = _login(engine, "clerk", GOOD)
    with session_scope(engine) as session, pytest.raises(ValidationFailed, match="รหัสผ่านปัจจุบันไม่ถูกต้อง"):
        Writer(session, me, source="form").change_own_password(current_password="not-mine-at-all",
                                                               new_password=NEW)
    with session_scope(engine) as session, pytest.raises(ValidationFailed, match="ชื่อผู้ใช้"):
        Writer(session, me, source="form").change_own_password(current_password=GOOD,
                                                               new_password="clerk-2569-abc")
    with session_scope(engine) as session:
        Writer(session, me, source="form").change_own_password(current_password=GOOD, new_password=NEW)
    assert _login(engine, "clerk", NEW, NOW + timedelta(minutes=1)).username == "clerk"
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        Writer(session, CLI, source="cli").change_own_password(current_password=GOOD, new_password=NEW)


def test_guessing_the_current_password_locks_the_login(engine: Engine) -> None:
    _add(engine, "clerk")
    me = _login(engine, "clerk", GOOD)
    for _ in range(5):
        with session_scope(engine) as session, pytest.raises(ValidationFailed, match="รหัสผ่านปัจจุบันไม่ถูกต้อง"):
            Writer(session, me, source="form").change_own_password(current_password="a-guess-at-it",
                                                                   new_password=NEW)
    with session_scope(engine) as session, pytest.raises(ValidationFailed, match="ถูกล็อกชั่วคราว"):
        Writer(session, me, source="form").change_own_password(current_password=GOOD, new_password=NEW)
    assert verify_password(GOOD, _user(engine, "clerk").password_hash)
