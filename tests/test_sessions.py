"""The kept login (ita_core/sessions.py): a token is valid until it expires, and dies when it is
altered, signed with another key, or when the account's password or state changes."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from ita_core import sessions
from ita_core.auth import CLI, actor_of
from ita_core.models import User
from ita_core.services.writer import Writer
from ita_core.settings import Settings

KEY = b"k" * 32
NOW = datetime(2024, 3, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def user(session: Session) -> User:
    writer = Writer(session, CLI, source="cli")
    writer.create_user(username="somchai", password="pass-word-2567", role="officer")
    session.commit()
    return session.exec(select(User).where(User.username == "somchai")).one()


def test_a_fresh_token_gives_back_its_user(session: Session, user: User) -> None:
    token = sessions.issue(user, key=KEY, hours=12, now=NOW)
    assert token.split(".")[:2] == [str(user.id), str(int((NOW + timedelta(hours=12)).timestamp()))]
    found = sessions.user_of(session, token, key=KEY, now=NOW + timedelta(hours=11, minutes=59))
    assert found is not None and found.username == "somchai"


def test_a_token_dies_at_its_expiry(session: Session, user: User) -> None:
    token = sessions.issue(user, key=KEY, hours=12, now=NOW)
    assert sessions.user_of(session, token, key=KEY, now=NOW + timedelta(hours=12)) is None


@pytest.mark.parametrize("tamper", ["later", "other_user", "signature", "garbage", "other_key"])
def test_an_altered_or_foreign_token_is_refused(session: Session, user: User, tamper: str) -> None:
    token = sessions.issue(user, key=KEY, hours=1, now=NOW)
    user_id, expires, signature = token.split(".")
    altered = {
        "later": f"{user_id}.{int(expires) + 86400}.{signature}",  # stretch the expiry
        "other_user": f"{int(user_id) + 1}.{expires}.{signature}",
        "signature": f"{user_id}.{expires}.{signature[:-2]}AA",
        "garbage": "not-a-token",
        "other_key": sessions.issue(user, key=b"x" * 32, hours=1, now=NOW),
    }[tamper]
    assert altered != token
    assert sessions.user_of(session, altered, key=KEY, now=NOW) is None


def test_a_password_change_revokes_the_token(session: Session, user: User) -> None:
    token = sessions.issue(user, key=KEY, hours=12, now=NOW)
    Writer(session, CLI, source="cli").update_user(row_id=user.id, seen_version=user.version,
                                                   values={"password": "another-pass-2567"})
    session.commit()
    session.refresh(user)
    assert sessions.user_of(session, token, key=KEY, now=NOW) is None
    renewed = sessions.issue(user, key=KEY, hours=12, now=NOW)
    assert sessions.user_of(session, renewed, key=KEY, now=NOW) == user


def test_disabling_the_account_revokes_the_token(session: Session, user: User) -> None:
    token = sessions.issue(user, key=KEY, hours=12, now=NOW)
    Writer(session, CLI, source="cli").update_user(row_id=user.id, seen_version=user.version,
                                                   values={"active": False})
    session.commit()
    assert sessions.user_of(session, token, key=KEY, now=NOW) is None


def test_a_contact_or_role_change_keeps_the_token(session: Session, user: User) -> None:
    token = sessions.issue(user, key=KEY, hours=12, now=NOW)
    Writer(session, CLI, source="cli").update_user(row_id=user.id, seen_version=user.version,
                                                   values={"email": "s@example.go.th", "role": "viewer"})
    session.commit()
    session.refresh(user)
    assert user.version == 2
    assert sessions.user_of(session, token, key=KEY, now=NOW) == user
    assert actor_of(session, user).role == "viewer"


def test_remember_and_restore_use_the_settings(session: Session, user: User, tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'ita.db'}", session_hours=2)
    token = sessions.remember(session, "somchai", settings, now=datetime.now(UTC))
    assert token is not None
    actor = sessions.restore(session, token, settings)
    assert actor is not None and (actor.username, actor.role) == ("somchai", "officer")
    off = Settings(database_url=settings.database_url, session_hours=0)
    assert sessions.restore(session, token, off) is None
    assert sessions.remember(session, "somchai", off) is None
    other_key = Settings(database_url=settings.database_url, secret_key="y" * 40, session_hours=2)
    assert sessions.restore(session, token, other_key) is None


def test_the_generated_key_sits_beside_the_sqlite_database_owner_only(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db' / 'ita.db'}")
    assert sessions.key_file(settings) == tmp_path / "db" / "ita_session.key"
    key = sessions.secret_key(settings)
    assert len(key) == 64 and sessions.secret_key(settings) == key  # made once, then read
    assert stat.S_IMODE((tmp_path / "db" / "ita_session.key").stat().st_mode) == 0o600


def test_other_databases_keep_the_key_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql+psycopg://ita:pw@127.0.0.1:5432/ita", data_dir=tmp_path)
    assert sessions.key_file(settings) == tmp_path / "ita_session.key"
    assert sessions.secret_key(Settings(secret_key="z" * 32, data_dir=tmp_path)) == b"z" * 32
    assert not (tmp_path / "ita_session.key").exists()  # a configured key makes no file
