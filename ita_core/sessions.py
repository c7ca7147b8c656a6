"""A login that survives a reload: a signed, expiring token the browser keeps in a cookie.

Streamlit keeps the logged-in user in the memory of one browser connection; a reload (which a
phone does whenever it brings a tab back) opens a new connection and forgets it. The web app
therefore gives the browser a token at login and, on a new connection, turns a valid token
back into the user.

A token is ``<user id>.<expiry, unix seconds>.<signature>``; the signature is HMAC-SHA256 with
the installation's secret key over the user id, the expiry and a fingerprint of the account
(its password hash and its active flag). So a token

- cannot be forged or extended without the key (any change to id or expiry breaks the signature);
- dies at its expiry (``ITA_SESSION_HOURS`` after login);
- dies when the password changes (new hash, new salt) or the account is disabled;
- survives other edits of the account (an e-mail, a LINE id, a role): the restored actor has the
  rights the account has now, so there is nothing to revoke, and an admin fixing someone's
  e-mail does not log that officer out on his phone.

The key is ``ITA_SECRET_KEY`` or, when that is unset, a random key generated once and kept in a
file (:func:`key_file`): beside the SQLite database, or in ``ITA_DATA_DIR`` for other databases.
Deleting that file (or changing ``ITA_SECRET_KEY``) logs everybody out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import make_url
from sqlmodel import Session, select

from ita_core.auth import Actor, actor_of
from ita_core.models import User
from ita_core.settings import Settings

KEY_FILE_NAME = "ita_session.key"


def key_file(settings: Settings) -> Path:
    """Where the generated key lives: beside a SQLite database file (it belongs to that
    installation and is backed up with the folder), else in ``ITA_DATA_DIR``."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(str(url.database)).parent / KEY_FILE_NAME
    return settings.data_dir / KEY_FILE_NAME


def secret_key(settings: Settings) -> bytes:
    """``ITA_SECRET_KEY``, else the key in :func:`key_file`, made on first use (owner-only file).

    Two processes starting at once both end up with the one file: the loser of the exclusive
    create reads the winner's key.
    """
    configured = settings.secret_key.get_secret_value()
    if configured:
        return configured.encode("utf-8")
    path = key_file(settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32) + "\n")
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to generate a new session key")
    return key.encode("ascii")


def issue(user: User, *, key: bytes, hours: float, now: datetime | None = None) -> str:
    """A token for ``user`` that expires ``hours`` from ``now``."""
    if user.id is None:
        raise ValueError("a token needs a stored user")
    expires = int(((now or datetime.now(UTC)) + timedelta(hours=hours)).timestamp())
    return f"{user.id}.{expires}.{_signature(key, user, expires)}"


def user_of(session: Session, token: str, *, key: bytes, now: datetime | None = None) -> User | None:
    """The active user a token was issued to, or None: malformed, expired, forged, or revoked
    (password changed, account changed or disabled, user gone)."""
    try:
        user_id_text, expires_text, signature = token.strip().split(".")
        user_id, expires = int(user_id_text), int(expires_text)
    except ValueError:
        return None
    if expires <= (now or datetime.now(UTC)).timestamp():
        return None
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(signature, _signature(key, user, expires)):
        return None
    return user


def remember(session: Session, username: str, settings: Settings, now: datetime | None = None) -> str | None:
    """The token to keep after ``username`` logged in, or None when ``ITA_SESSION_HOURS`` is 0
    (a login then lasts as long as the browser tab)."""
    if settings.session_hours <= 0:
        return None
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        return None
    return issue(user, key=secret_key(settings), hours=settings.session_hours, now=now)


def restore(session: Session, token: str, settings: Settings, now: datetime | None = None) -> Actor | None:
    """The acting user of a kept token (with the rights the account has now), or None."""
    if settings.session_hours <= 0:
        return None
    user = user_of(session, token, key=secret_key(settings), now=now)
    return actor_of(session, user) if user is not None else None


def _signature(key: bytes, user: User, expires: int) -> str:
    fingerprint = hashlib.sha256(f"{user.password_hash}|{user.active}".encode()).hexdigest()
    digest = hmac.new(key, f"{user.id}.{expires}.{fingerprint}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
