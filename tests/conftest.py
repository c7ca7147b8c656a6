"""Shared fixtures: a seeded database per test, copied from one seeded template file."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, make_url
from sqlmodel import Session, select

from ita_core.db import make_engine
from ita_core.models import Station
from ita_core.seed import ensure_database
from ita_core.settings import DEFAULT_DATA_DIR as DATA_DIR

# e.g. postgresql+psycopg://ita:ita@127.0.0.1:5432/ita — a role that may create databases
POSTGRES_URL = os.environ.get("ITA_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]


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


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A seeded PostgreSQL database that each test copies with CREATE DATABASE … TEMPLATE."""
    name = f"ita_template_{uuid.uuid4().hex[:8]}"
    with _postgres_admin() as admin:
        admin.exec_driver_sql(f'CREATE DATABASE "{name}"')
    seeded = make_engine(_postgres_url(name))
    ensure_database(seeded, DATA_DIR)
    seeded.dispose()
    yield name
    with _postgres_admin() as admin:
        admin.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A fresh seeded database: SQLite, and PostgreSQL too when ITA_TEST_POSTGRES_URL is set
    (tests/run_all.sh sets it up as root; CI always has it)."""
    if request.param == "sqlite":
        engine = make_engine(db_url)
        yield engine
        engine.dispose()
        return
    template = request.getfixturevalue("postgres_template")
    name = f"ita_test_{uuid.uuid4().hex[:10]}"
    with _postgres_admin() as admin:
        admin.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    monkeypatch.setenv("ITA_DATABASE_URL", _postgres_url(name))
    engine = make_engine(_postgres_url(name))
    yield engine
    engine.dispose()
    with _postgres_admin() as admin:
        admin.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_url(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


@contextmanager
def _postgres_admin() -> Iterator[Connection]:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            yield connection
    finally:
        admin.dispose()


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


# --- end-to-end: the real app under `streamlit run`, one Chromium for the whole run -------------

@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium. Locally a missing browser skips the test; in CI (CI=true) it fails it."""
    from tests.e2e_support import CHROMIUM, launch_chromium

    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium missing at /usr/bin/chromium; CI must apt-get install chromium")
        pytest.skip("Chromium not installed")
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def app_url(db_url: str) -> Iterator[str]:
    """The app serving the end-to-end module's own database (its module-scoped ``db_url``)."""
    from tests.e2e_support import start_app

    with start_app(dict(os.environ, ITA_DATABASE_URL=db_url)) as url:
        yield url
