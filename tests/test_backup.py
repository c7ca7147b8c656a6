"""Backup and restore: restore then export equals export before backup; only into an empty database."""

from __future__ import annotations

import sqlite3
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlmodel import Session, select

from ita_core import services
from ita_core.auth import CLI
from ita_core.backup import BackupError, backup_bytes, restore_backup, write_backup
from ita_core.cli import main
from ita_core.db import make_engine, session_scope
from ita_core.models import Activity
from tests.transfer_support import full_export


@pytest.fixture
def busy_engine(demo_engine: Engine) -> Engine:
    """The demo plan plus a login and edits, so users and the audit trail have rows too."""
    with session_scope(demo_engine) as session:
        services.create_user(session, CLI, "admin", "pass-word-2567", "admin")
        row = session.exec(select(Activity).where(Activity.seq == 3)).one()
        services.update_progress(session, CLI, "activity", row.id, row.version,
                                 {"note": "สำรอง=ทดสอบ\nบรรทัดสอง", "progress": 30})
    return demo_engine


@pytest.fixture
def empty_target(busy_engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of the same kind as the source (a new file, or a new PostgreSQL database)."""
    if busy_engine.dialect.name == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
        yield engine
        engine.dispose()
        return
    name = f"ita_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(busy_engine.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(busy_engine.url.set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_restore_then_export_equals_export_before_backup(busy_engine: Engine, empty_target: Engine,
                                                         tmp_path: Path) -> None:
    before = full_export(busy_engine)
    counts = write_backup(busy_engine, tmp_path / "backup.zip")
    assert counts["activity"] == 26 and counts["app_user"] == 1 and counts["audit_log"] > 0
    restored = restore_backup(empty_target, tmp_path / "backup.zip")
    assert restored == {k: v for k, v in counts.items() if k != "alembic_version"}
    assert full_export(empty_target) == before
    with session_scope(empty_target) as session:  # ids continue after the restored ones
        saved = services.save_activity(session, CLI, {"indicator": 1, "activity": "ใหม่หลังกู้คืน"},
                                       station_id=1, fiscal_year=2567)
        assert saved.row_id == 27


def test_a_backup_restores_into_sqlite_whatever_the_source(busy_engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "backup.zip").write_bytes(backup_bytes(busy_engine))  # what the admin page downloads
    target = make_engine(f"sqlite:///{tmp_path / 'copy.db'}")
    restore_backup(target, tmp_path / "backup.zip")
    assert full_export(target) == full_export(busy_engine)
    target.dispose()


def test_restore_refuses_a_database_that_has_data(busy_engine: Engine, tmp_path: Path) -> None:
    write_backup(busy_engine, tmp_path / "backup.zip")
    before = full_export(busy_engine)
    with pytest.raises(BackupError, match="กู้คืนได้เฉพาะลงฐานข้อมูลว่าง"):
        restore_backup(busy_engine, tmp_path / "backup.zip")
    assert full_export(busy_engine) == before


def test_restore_refuses_a_damaged_backup(busy_engine: Engine, tmp_path: Path) -> None:
    write_backup(busy_engine, tmp_path / "backup.zip")
    with zipfile.ZipFile(tmp_path / "backup.zip") as source, \
            zipfile.ZipFile(tmp_path / "damaged.zip", "w") as target:
        for part in source.infolist():
            data = source.read(part.filename)
            if part.filename == "tables/activity.jsonl":
                data = data.replace("กิจกรรม".encode(), "กิจกรรx".encode(), 1)
            target.writestr(part, data)
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(BackupError, match=r"ตาราง activity .*เสียหาย"):
        restore_backup(fresh, tmp_path / "damaged.zip")
    (tmp_path / "not-a-backup.zip").write_bytes(b"hello")
    with pytest.raises(BackupError, match="ไม่ใช่ไฟล์ ZIP"):
        restore_backup(fresh, tmp_path / "not-a-backup.zip")
    with Session(fresh) as session:
        assert session.connection().exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0
    fresh.dispose()


def test_ita_backup_and_restore(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture) -> None:
    before = full_export(make_engine(db_url))
    assert main(["backup", str(tmp_path / "b.zip")]) == 0
    assert "สำรองข้อมูล" in capsys.readouterr().out
    assert main(["restore", str(tmp_path / "b.zip")]) == 2  # the configured database has data
    assert "ฐานข้อมูลว่าง" in capsys.readouterr().err
    monkeypatch.setenv("ITA_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    assert main(["restore", str(tmp_path / "b.zip")]) == 0
    assert "กู้คืน" in capsys.readouterr().out
    assert full_export(make_engine(f"sqlite:///{tmp_path / 'new.db'}")) == before


def test_a_sqlite_copy_restores_into_either_database(busy_engine: Engine, empty_target: Engine,
                                                     tmp_path: Path) -> None:
    source = busy_engine
    if busy_engine.dialect.name != "sqlite":
        with pytest.raises(BackupError, match="ใช้ได้เฉพาะฐานข้อมูล SQLite"):
            write_backup(busy_engine, tmp_path / "copy.db")
        source = make_engine(f"sqlite:///{tmp_path / 'source.db'}")  # the PostgreSQL data, in SQLite
        write_backup(busy_engine, tmp_path / "via.zip")
        restore_backup(source, tmp_path / "via.zip")
    counts = write_backup(source, tmp_path / "copy.db")
    assert counts["activity"] == 26 and counts["app_user"] == 1 and counts["alembic_version"] == 1
    assert not (tmp_path / "copy.db-wal").exists()  # one self-contained file
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("SELECT count(*) FROM oit_component").fetchone()[0] == 128
    restore_backup(empty_target, tmp_path / "copy.db")
    assert full_export(empty_target) == full_export(busy_engine)


def test_restore_refuses_a_sqlite_file_that_is_not_a_backup(tmp_path: Path) -> None:
    (tmp_path / "garbage.db").write_bytes(b"SQLite format 3\x00" + b"\x07" * 4000)
    with sqlite3.connect(tmp_path / "foreign.db") as foreign:
        foreign.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    with pytest.raises(BackupError, match=r"อ่านไฟล์ garbage\.db ไม่ได้"):
        restore_backup(fresh, tmp_path / "garbage.db")
    with pytest.raises(BackupError, match="ไม่มีรุ่นของโครงสร้างฐานข้อมูล"):
        restore_backup(fresh, tmp_path / "foreign.db")
    with Session(fresh) as session:
        assert session.connection().exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0
    fresh.dispose()


def test_ita_backup_to_a_sqlite_file(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["backup", str(tmp_path / "copy.sqlite")]) == 0
    monkeypatch.setenv("ITA_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    assert main(["restore", str(tmp_path / "copy.sqlite")]) == 0
    assert full_export(make_engine(f"sqlite:///{tmp_path / 'new.db'}")) == full_export(make_engine(db_url))
