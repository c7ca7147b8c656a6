"""Logins: salted password hashes, the failed-login lock and the first admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core import services
from ita_core.auth import MAX_FAILED, AuthError, authenticate, has_admin, hash_password, verify_password
from ita_core.db import session_scope
from ita_core.models import AuditLog, User, UserRole
from ita_core.services import PermissionDenied
from tests.test_services import row


def test_password_hashes_never_contain_the_password() -> None:
    password = "rahat-phan-2567"
    first, second = hash_password(password), hash_password(password)
    assert first != second  # salted
    for stored in (first, second):
        assert password not in stored and password.encode().hex() not in stored
        assert stored.startswith("scrypt$")
        assert verify_password(password, stored)
        assert not verify_password(password + "x", stored)


def test_login_throttling_and_first_admin(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert not has_admin(session)
        services.create_user(session, None, "admin", "correct-horse", "admin")
    with session_scope(engine) as session, pytest.raises(PermissionDenied):
        services.create_user(session, None, "second", "correct-horse", "admin")
    now = datetime(2026, 1, 1, 9, tzinfo=UTC)
    for _ in range(MAX_FAILED):
        with session_scope(engine) as session, pytest.raises(AuthError, match="ไม่ถูกต้อง"):
            authenticate(session, "admin", "wrong", now)
    with session_scope(engine) as session, pytest.raises(AuthError, match="ล็อก"):
        authenticate(session, "admin", "correct-horse", now)
    with session_scope(engine) as session:
        actor = authenticate(session, "admin", "correct-horse", now + timedelta(minutes=6))
    assert actor.role == UserRole.ADMIN
    with Session(engine) as session:
        user = row(session, User, username="admin")
        trail = session.exec(select(AuditLog).where(AuditLog.table_name == "app_user")).all()
    assert "correct-horse" not in user.password_hash
    assert all("correct-horse" not in (a.new or "") for a in trail)
    logins = [(a.actor, a.field, a.old, a.new) for a in trail if a.source == "login"]
    assert logins[:4] == [("anonymous", "failed_logins", str(n), str(n + 1)) for n in range(4)]
    assert logins[4:] == [("anonymous", "failed_logins", "4", "0"),
                          ("anonymous", "locked_until", None, "2026-01-01T09:05:00+00:00")]
