"""Shared fixtures: a seeded database per test, copied from one seeded template file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from ita_core.db import make_engine
from ita_core.models import Station
from ita_core.seed import ensure_database
from ita_core.settings import DEFAULT_DATA_DIR as DATA_DIR


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file migrated and filled from data/ once per test run."""
    path = tmp_path_factory.mktemp("template") / "ita.db"
    engine = make_engine(f"sqlite:///{path}")
    ensure_database(engine, DATA_DIR)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def db_url(seeded_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """URL of a fresh copy of the seeded database, also set as ITA_DATABASE_URL."""
    path = tmp_path / "ita.db"
    shutil.copy(seeded_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("ITA_DATABASE_URL", url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def station(session: Session) -> Station:
    """The seed station (สภ.เชียงใหม่)."""
    return session.exec(select(Station)).one()


@pytest.fixture
def demo_engine(engine: Engine) -> Engine:
    """The seeded database with the flagged demo progress snapshot applied."""
    from ita_core.db import session_scope
    from ita_core.demo import apply_demo_snapshot

    with session_scope(engine) as session:
        station = session.exec(select(Station)).one()
        apply_demo_snapshot(session, station.id, 2567)
    return engine
