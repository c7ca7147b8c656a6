"""Logins: scrypt password hashes, failed-login throttling, and the acting user of a write.

Passwords never leave this module in clear: only ``scrypt$n$r$p$salt$hash`` is stored.
After ``MAX_FAILED`` wrong passwords in a row an account is locked for ``LOCK_MINUTES``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from ita_core import audit
from ita_core.db import stored_id
from ita_core.models import Station, User, UserRole

if TYPE_CHECKING:
    from ita_core.permissions import Action

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8
MAX_FAILED = 5
LOCK_MINUTES = 5


class AuthError(Exception):
    """A login that did not succeed; the message is Thai and safe to show."""


@dataclass(frozen=True)
class Actor:
    """Who is writing: every service function takes one and checks its role."""

    username: str
    role: str
    person_id: int | None = None
    station_id: int | None = None
    can_edit_all: bool = False
    province: str | None = None
    province_stations: frozenset[int] | None = None  # resolved at login for a province admin

    def may(self, action: Action, *, station_id: int | None = None) -> bool:
        """Ask the one permission module (:mod:`ita_core.permissions`)."""
        from ita_core.permissions import may

        return may(self, action, station_id=station_id)

    @property
    def allowed_stations(self) -> frozenset[int] | None:
        """Stations this user may read and write; None means every station."""
        if self.station_id is not None:
            return frozenset({self.station_id})
        return self.province_stations


ANONYMOUS = Actor("anonymous", UserRole.VIEWER)
CLI = Actor("cli", UserRole.ADMIN)  # the server's own command line, run by station IT


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """A salted scrypt hash in a self-describing text form."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored`` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                               p=int(p))
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def check_password_rules(password: str) -> None:
    """Raise ``AuthError`` for a password too short to keep a station's plan safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD_LENGTH} ตัวอักษร")


def actor_of(session: Session, user: User) -> Actor:
    """The acting user of a login, with the stations of its province when it has one."""
    stations = None
    if user.station_id is None and user.province:
        ids = session.exec(select(Station.id).where(Station.province == user.province)).all()
        stations = frozenset(station_id for station_id in ids if station_id is not None)  # never None
    return Actor(user.username, user.role, user.person_id, user.station_id, user.can_edit_all,
                 user.province, stations)


def authenticate(session: Session, username: str, password: str, now: datetime | None = None) -> Actor:
    """Check a login and keep the failed-login counter; the caller commits.

    Unknown user and wrong password get the same message, so names cannot be probed.
    """
    now = now or datetime.now(UTC)
    user = session.exec(select(User).where(User.username == username.strip())).first()
    wrong = AuthError("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    if user is None or not user.active:
        raise wrong
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise AuthError(f"ใส่รหัสผ่านผิดหลายครั้ง บัญชีถูกล็อกชั่วคราว ลองใหม่ในอีก {minutes} นาที")
    if not verify_password(password, user.password_hash):
        _count_login(session, user, user.failed_logins + 1, now)
        raise wrong
    _count_login(session, user, 0, now)
    return actor_of(session, user)


def _count_login(session: Session, user: User, failed: int, now: datetime) -> None:
    """Keep the failed-login counter; the fifth failure locks the account. A failure and a lock
    go into the audit trail (source ``login``), so the admin sees who was guessed at and when."""
    locked_until = None
    if failed >= MAX_FAILED:
        failed, locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)
    before: dict[str, object] = {"failed_logins": user.failed_logins, "locked_until": user.locked_until}
    after: dict[str, object] = {"failed_logins": failed, "locked_until": locked_until}
    if before == after:
        return
    user.failed_logins, user.locked_until = failed, locked_until
    session.add(user)
    if failed or locked_until:  # a successful login that clears the counter is not news
        audit.record_changes(session, actor=ANONYMOUS.username, source="login", table="app_user",
                             row_id=stored_id(user), before=before, after=after, station_id=None)


def has_admin(session: Session) -> bool:
    """True once an active admin exists (the first-admin screen is offered until then)."""
    return session.exec(
        select(User.id).where(User.role == UserRole.ADMIN, User.active).limit(1)
    ).first() is not None
