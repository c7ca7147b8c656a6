"""Logins: salted password hashes, the failed-login lock and the first admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core import auth, services
from ita_core.auth import (
    MAX_FAILED,
    AuthError,
    PasswordRejected,
    authenticate,
    check_password_rules,
    has_admin,
    hash_password,
    password_problems,
    verify_password,
)
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


@pytest.mark.parametrize("password", ["12345678", "password", "1234567890", "password123", "Password2567!",
                                      "qwerty12345", "aaaaaaaaaaaa", "short-1", "somchai-2567x"])
def test_the_password_policy_refuses_guessable_passwords(password: str) -> None:
    with pytest.raises(PasswordRejected) as refused:
        check_password_rules(password, username="somchai")
    assert str(refused.value).strip()  # a Thai reason to show


def test_the_password_policy_names_each_reason_in_thai() -> None:
    assert password_problems("123456789", username="somchai") == [
        "รหัสผ่านต้องยาวอย่างน้อย 10 ตัวอักษร", "รหัสผ่านต้องไม่เป็นตัวเลขล้วน ให้มีตัวอักษรด้วย",
        "รหัสผ่านนี้เป็นรหัสผ่านที่ใช้กันมาก เดาได้ง่าย — เลือกรหัสผ่านอื่น"]
    assert password_problems("xx-Somchai-99", username="somchai") == [
        "รหัสผ่านต้องไม่ใช่หรือมีชื่อผู้ใช้อยู่ในนั้น"]
    assert password_problems("ทุ่งนา-ฝนตก-2569", username="somchai") == []


def _attempt(engine: Engine, name: str, password: str, now: datetime) -> str:
    """One login as the form makes it (the count committed with the refusal); its answer."""
    with session_scope(engine) as session:
        try:
            return "ok:" + authenticate(session, name, password, now).username
        except AuthError as exc:
            return str(exc)


def test_known_and_unknown_names_cost_and_answer_the_same(engine: Engine,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope(engine) as session:
        services.create_user(session, None, "admin", "correct-horse", "admin")
    calls: list[str] = []
    real = auth.verify_password

    def counted(password: str, stored: str) -> bool:
        calls.append(stored)
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", counted)
    now = datetime(2026, 1, 1, 9, tzinfo=UTC)
    answers = {}
    for name in ("admin", "nobody-here"):
        calls.clear()
        answers[name] = [_attempt(engine, name, "wrong-guess", now) for _ in range(MAX_FAILED + 1)]
        assert len(calls) == MAX_FAILED + 1  # one scrypt verification per attempt, locked or not
        assert all(stored.startswith("scrypt$16384$8$1$") for stored in calls)
    assert answers["admin"] == answers["nobody-here"]
    assert answers["admin"][:MAX_FAILED] == ["ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"] * MAX_FAILED
    assert answers["admin"][MAX_FAILED] == "ใส่รหัสผ่านผิดหลายครั้ง บัญชีถูกล็อกชั่วคราว ลองใหม่ในอีก 5 นาที"
    with Session(engine) as session:
        unknown = session.exec(select(AuditLog.new).where(AuditLog.field == "unknown_login")).all()
    assert unknown == ["nobody-here"] * MAX_FAILED  # the attempt while locked was not counted


def test_a_guesser_cannot_extend_the_lock(engine: Engine) -> None:
    with session_scope(engine) as session:
        services.create_user(session, None, "admin", "correct-horse", "admin")
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    for _ in range(MAX_FAILED):
        _attempt(engine, "admin", "wrong-guess", start)
    for minute in range(5):  # a guess every minute while locked: refused, not counted
        assert "ล็อก" in _attempt(engine, "admin", "wrong-guess", start + timedelta(minutes=minute))
    with Session(engine) as session:
        user = row(session, User, username="admin")
    assert user.failed_logins == 0
    assert _attempt(engine, "admin", "correct-horse", start + timedelta(minutes=5, seconds=1)) == "ok:admin"


def test_a_disabled_login_answers_like_a_wrong_password(engine: Engine) -> None:
    with session_scope(engine) as session:
        services.create_user(session, None, "admin", "correct-horse", "admin")
        user = row(session, User, username="admin")
        user.active = False
        session.add(user)
    now = datetime(2026, 1, 1, 9, tzinfo=UTC)
    assert _attempt(engine, "admin", "correct-horse", now) == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"


def _attempt_from(engine: Engine, name: str, password: str, now: datetime, client: str) -> str:
    with session_scope(engine) as session:
        try:
            return "ok:" + authenticate(session, name, password, now, client=client).username
        except AuthError as exc:
            return str(exc)


def test_a_stranger_cannot_keep_the_owner_out(engine: Engine) -> None:
    with session_scope(engine) as session:
        services.create_user(session, None, "admin", "correct-horse", "admin")
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    for _ in range(MAX_FAILED):
        _attempt_from(engine, "admin", "wrong-guess", start, "203.0.113.9")
    locked = "ใส่รหัสผ่านผิดหลายครั้ง บัญชีถูกล็อกชั่วคราว ลองใหม่ในอีก 5 นาที"
    assert _attempt_from(engine, "admin", "correct-horse", start, "203.0.113.9") == locked  # the guesser
    assert _attempt_from(engine, "admin", "wrong-guess", start, "10.0.0.5") == locked  # not counted
    assert _attempt_from(engine, "admin", "correct-horse", start, "10.0.0.5") == "ok:admin"  # the owner
    with Session(engine) as session:
        user = row(session, User, username="admin")
    assert user.locked_until is not None  # still locked for the guesser
    a_minute_later = _attempt_from(engine, "admin", "correct-horse", start + timedelta(minutes=1),
                                   "203.0.113.9")
    assert a_minute_later == locked.replace("5 นาที", "4 นาที")  # the lock was not renewed


def test_one_address_gets_a_limited_number_of_failures_over_all_names(engine: Engine) -> None:
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    answers = [_attempt_from(engine, f"name-{n}", "wrong-guess", start, "203.0.113.9")
               for n in range(auth.MAX_FAILED_PER_CLIENT + 1)]
    assert answers[:-1] == ["ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"] * auth.MAX_FAILED_PER_CLIENT
    assert answers[-1] == "มีการใส่รหัสผ่านผิดจากเครื่องนี้หลายครั้ง ลองใหม่ในอีก 5 นาที"
    assert _attempt_from(engine, "name-x", "wrong-guess", start, "10.0.0.5") == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    later = start + timedelta(minutes=auth.LOCK_MINUTES, seconds=1)
    assert _attempt_from(engine, "name-y", "wrong-guess", later, "203.0.113.9") == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
