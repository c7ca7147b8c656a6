"""Logins: scrypt password hashes, failed-login throttling, and the acting user of a write.

Passwords never leave this module in clear: only ``scrypt$n$r$p$salt$hash`` is stored.
Every password that is set passes :func:`check_password_rules` (the one password policy).

Logins resist guessing (the README's security notes say the same):

- a known and an unknown name cost the same (one scrypt verification: an unknown name is checked
  against a dummy hash) and get the same answers, so names cannot be probed;
- after ``MAX_FAILED`` wrong passwords in a row a name is locked for ``LOCK_MINUTES``, whether a
  login of that name exists or not (an unknown name's failures are counted from the audit trail,
  so no table is needed for them);
- attempts made while a name is locked are refused without being counted, so they neither
  lengthen nor renew the lock: a guesser gets at most ``MAX_FAILED`` tries per ``LOCK_MINUTES``
  and the owner's next try after the lock always counts; ``ita user unlock NAME`` (the server's
  command line) and the admin page's unlock end a lock at once;
- where the front end knows the browser's address, one address gets at most
  ``MAX_FAILED_PER_CLIENT`` failures per ``LOCK_MINUTES`` over all names, and a locked name still
  takes its right password from an address that made none of its failures (see :func:`authenticate`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from ita_core import audit
from ita_core.db import stored_id
from ita_core.models import AuditLog, Station, User, UserRole

if TYPE_CHECKING:
    from ita_core.permissions import Action

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 10
MAX_FAILED = 5
LOCK_MINUTES = 5
MAX_FAILED_PER_CLIENT = 20  # failed logins from one address, over all names, per LOCK_MINUTES
CLIENT_FIELD = "failed_login_client"  # the audit field naming the address of a failed login
UNKNOWN_LOGIN_FIELD = "unknown_login"  # the audit field of a failed login for a name no login has
# A password nobody has: the hash an unknown name is verified against, so it costs what a known one does.

# The most common passwords of the published leak lists (SecLists' top passwords, NCSC's
# 100k list head), lower case; a password is refused when it, or its letters without the digits
# and symbols around them, is one of these. Shipped in code so the check needs no download.
_COMMON_PASSWORDS = """
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123
football monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael
654321 superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm
asdfgh hunter buster soccer harley batman andrew tigger sunshine iloveyou 2000 charlie robert thomas
hockey ranger daniel starwars klaster 112233 george computer michelle jessica pepper 1111 zxcvbn
555555 11111111 131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess joshua cheese amanda
summer love ashley nicole chelsea biteme matthew access yankees 987654321 dallas austin thunder
taylor matrix minecraft william corvette hello martin heather secret merlin diamond 1234qwer gfhjkm
hammer silver 222222 88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter orange
11111 golfer cookie richard samantha bigdog guitar jackson whatever mickey chicken sparky snoopy
maverick phoenix camaro peanut morgan welcome falcon cowboy ferrari samsung andrea smokey steelers
joseph mercedes dakota arsenal eagles melissa boomer booboo spider nascar monster tigers yellow
xxxxxx 123123123 gateway marina diablo bulldog qwer1234 compaq purple hardcore banana junior hannah
123654 porsche lakers iceman money cowboys 987654 london tennis 999999 ncc1701 coffee scooby 0000
miller boston q1w2e3r4 fuckoff brandon yamaha chester mother forever johnny edward 333333 oliver
redsox player nikita knight fender barney midnight please brandy chicago badboy slayer rangers
charles angel flower bigdaddy rabbit wizard bigdick jasper enter rachel chris 7777 hotdog 2112 qwe123
admin administrator root toor changeme default guest login passw0rd p@ssw0rd p@ssword pa55word
password1 password12 password123 password1234 abcd1234 abcdef abcdefg abcdefgh 1q2w3e4r 1q2w3e4r5t
1q2w3e 123abc abc12345 qwerty123 qwerty1 welcome1 letmein1 iloveyou1 admin123 admin1234 root123
test123 test1234 user user123 demo demo123 secret123 qwertyui asdfghjkl asdf1234 zaq12wsx
1qazxsw2 q1w2e3 aa123456 a123456 a12345678 123456a 123456789a 0123456789 1234512345 9876543210
police thailand bangkok sawasdee sawadee khonkaen chiangmai ilovethailand police191 royalthai
polis station officer ita itapolice
"""
COMMON_PASSWORDS = frozenset(_COMMON_PASSWORDS.split())


class AuthError(Exception):
    """A login that did not succeed; the message is Thai and safe to show."""


class PasswordRejected(AuthError):
    """A password the policy refuses; the message is Thai and says why."""


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


def password_problems(password: str, *, username: str = "") -> list[str]:
    """Why ``password`` is too easy to guess (Thai, empty when it passes): the one password
    policy, asked by every path that sets a password (new login, admin reset, own change).

    At least ``MIN_PASSWORD_LENGTH`` characters, not only digits, not one character repeated,
    not a common password (also with digits and symbols stripped from its ends, which refuses
    ``Password2567!``), and not the user name or containing it.
    """
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSWORD_LENGTH} ตัวอักษร")
    if password.isdigit():
        problems.append("รหัสผ่านต้องไม่เป็นตัวเลขล้วน ให้มีตัวอักษรด้วย")
    elif password and len(set(password)) == 1:
        problems.append("รหัสผ่านต้องไม่เป็นตัวอักษรเดียวซ้ำกัน")
    lowered = password.casefold()
    core = lowered.strip("0123456789!@#$%^&*()_+-=.,?/ ")
    if lowered in COMMON_PASSWORDS or core in COMMON_PASSWORDS:
        problems.append("รหัสผ่านนี้เป็นรหัสผ่านที่ใช้กันมาก เดาได้ง่าย — เลือกรหัสผ่านอื่น")
    name = username.strip().casefold()
    if name and len(name) >= 3 and name in lowered:
        problems.append("รหัสผ่านต้องไม่ใช่หรือมีชื่อผู้ใช้อยู่ในนั้น")
    return problems


def check_password_rules(password: str, *, username: str = "") -> None:
    """Raise ``PasswordRejected`` (all reasons, Thai) for a password :func:`password_problems` refuses."""
    problems = password_problems(password, username=username)
    if problems:
        raise PasswordRejected("; ".join(problems))


# A password nobody has: the hash an unknown name is verified against, so it costs what a known one does.
_DUMMY_HASH = hash_password(secrets.token_hex(16))


def actor_of(session: Session, user: User) -> Actor:
    """The acting user of a login, with the stations of its province when it has one."""
    stations = None
    if user.station_id is None and user.province:
        ids = session.exec(select(Station.id).where(Station.province == user.province)).all()
        stations = frozenset(station_id for station_id in ids if station_id is not None)  # never None
    return Actor(user.username, user.role, user.person_id, user.station_id, user.can_edit_all,
                 user.province, stations)


def authenticate(session: Session, username: str, password: str, now: datetime | None = None, *,
                 client: str | None = None) -> Actor:
    """Check a login and keep the failed-login count; the caller commits.

    A known and an unknown name, an active and a closed login, a locked and an open one all run
    one scrypt verification and get the same messages, so neither the answer nor its time tells
    whether a name exists. A locked name is refused without counting the attempt (the lock is
    not extended; see the module notes). ``client``: the address the attempt came from, when the
    front end knows it: one address gets at most ``MAX_FAILED_PER_CLIENT`` failures per
    ``LOCK_MINUTES`` over all names, and a lock does not apply to the right password from an
    address that made none of the failures on that name (the owner at their own desk).
    """
    now = now or datetime.now(UTC)
    name = username.strip()
    user = session.exec(select(User).where(User.username == name)).first()
    matches = verify_password(password, user.password_hash if user is not None else _DUMMY_HASH)
    if client and _client_failures(session, client, now) >= MAX_FAILED_PER_CLIENT:
        raise AuthError(f"มีการใส่รหัสผ่านผิดจากเครื่องนี้หลายครั้ง ลองใหม่ในอีก {LOCK_MINUTES} นาที")
    if user is None:
        locked_until, _ = _unknown_lock(session, name, now)
    else:
        locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        owner = (client is not None and user is not None and matches and user.active
                 and not _client_failed_on(session, name, client, now))
        if owner and user is not None:  # the lock stays for the guesser
            return actor_of(session, user)
        minutes = max(1, math.ceil((locked_until - now).total_seconds() / 60))
        raise AuthError(f"ใส่รหัสผ่านผิดหลายครั้ง บัญชีถูกล็อกชั่วคราว ลองใหม่ในอีก {minutes} นาที")
    wrong = AuthError("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    if user is None or not matches or not user.active:
        if user is None:
            _count_unknown(session, name, now)
        else:
            _count_login(session, user, user.failed_logins + 1, now)
        if client:
            session.add(AuditLog(at=now, actor=ANONYMOUS.username, source="login", table_name="app_user",
                                 row_id=(user.id or 0) if user is not None else 0, field=CLIENT_FIELD,
                                 old=name[:200], new=client[:100], station_id=None))
        raise wrong
    _count_login(session, user, 0, now)
    return actor_of(session, user)


def _client_failures(session: Session, client: str, now: datetime) -> int:
    """Failed logins from ``client`` (any name) in the last ``LOCK_MINUTES``."""
    return len(session.exec(select(AuditLog.id).where(
        AuditLog.field == CLIENT_FIELD, AuditLog.new == client[:100],
        AuditLog.at >= now - timedelta(minutes=LOCK_MINUTES))).all())


def _client_failed_on(session: Session, name: str, client: str, now: datetime) -> bool:
    """Whether ``client`` failed on ``name`` in the last day (then a lock on the name holds for it)."""
    return session.exec(select(AuditLog.id).where(
        AuditLog.field == CLIENT_FIELD, AuditLog.old == name[:200], AuditLog.new == client[:100],
        AuditLog.at >= now - timedelta(days=1)).limit(1)).first() is not None


def _aware(moment: datetime | None) -> datetime | None:
    """A stored UTC time as an aware one (SQLite hands it back naive)."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _unknown_lock(session: Session, name: str, now: datetime) -> tuple[datetime | None, int]:
    """The lock end and the failure count of a name no login has, read from its counted failures
    in the audit trail as a login's counter would have kept them: every ``MAX_FAILED``-th counted
    failure starts a lock (failures while locked are never recorded, so counting is enough)."""
    stamps = session.exec(select(AuditLog.at).where(
        AuditLog.source == "login", AuditLog.table_name == "app_user", AuditLog.row_id == 0,
        AuditLog.field == UNKNOWN_LOGIN_FIELD, AuditLog.new == name[:200])).all()
    count = len(stamps)
    if count and count % MAX_FAILED == 0:
        last = _aware(max(stamps))
        assert last is not None  # a stored audit time
        return last + timedelta(minutes=LOCK_MINUTES), count
    return None, count


def _count_unknown(session: Session, name: str, now: datetime) -> None:
    """Count a failed login for a name no login has: one audit row (row 0 of ``app_user``, the
    name as its new value): guesses at names stay in the trail (`ita export audit`)."""
    session.add(AuditLog(at=now, actor=ANONYMOUS.username, source="login", table_name="app_user", row_id=0,
                         field=UNKNOWN_LOGIN_FIELD, old=None, new=name[:200], station_id=None))


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


def wrong_current_password(session: Session, user: User, now: datetime | None = None) -> str | None:
    """Count a wrong current password typed to change one's own password as a failed login (so a
    browser left logged in cannot be used to guess it), and say why a locked login may not try:
    the Thai lock message, or None when the login is not locked."""
    now = now or datetime.now(UTC)
    locked_until = _aware(user.locked_until)
    if locked_until is not None and locked_until > now:
        minutes = max(1, math.ceil((locked_until - now).total_seconds() / 60))
        return f"ใส่รหัสผ่านผิดหลายครั้ง บัญชีถูกล็อกชั่วคราว ลองใหม่ในอีก {minutes} นาที"
    _count_login(session, user, user.failed_logins + 1, now)
    return None


def unlock(user: User) -> dict[str, object]:
    """The changes that end a lock and clear the failure count (for the accounts service)."""
    return {"failed_logins": 0, "locked_until": None} if (user.failed_logins or user.locked_until) else {}


def has_admin(session: Session) -> bool:
    """True once an active admin exists (the first-admin screen is offered until then)."""
    return session.exec(
        select(User.id).where(User.role == UserRole.ADMIN, User.active).limit(1)
    ).first() is not None
