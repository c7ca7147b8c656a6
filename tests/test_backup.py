"""Backup and restore: restore then export equals export before backup; only into an empty database."""

from __future__ import annotations

import hashlib
import json
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
    assert restored == counts  # alembic_version (1 row) counted on both sides
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


def _edited(source: Path, target: Path, *, tables: dict[str, list[dict[str, object]] | None] | None = None,
            manifest_tables: object = None) -> None:
    """A copy of a real backup with some table files replaced (None drops the table) and the
    manifest's checksums and counts rewritten to match, so only the row checks can refuse it."""
    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        members = {n: archive.read(n) for n in archive.namelist() if n != "manifest.json"}
    for name, rows in (tables or {}).items():
        members.pop(f"tables/{name}.jsonl")
        if rows is None:
            del manifest["tables"][name]
            continue
        raw = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
        members[f"tables/{name}.jsonl"] = raw
        manifest["tables"][name].update(rows=len(rows), sha256=hashlib.sha256(raw).hexdigest())
    if manifest_tables is not None:
        manifest["tables"] = manifest_tables
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            archive.writestr(name, data)


def _rows(path: Path, table: str) -> list[dict[str, object]]:
    with zipfile.ZipFile(path) as archive:
        return [json.loads(line) for line in archive.read(f"tables/{table}.jsonl").decode().splitlines()]


def _refused(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str],
             monkeypatch: pytest.MonkeyPatch) -> str:
    """`ita restore` of ``name`` into a new SQLite file: exit 2, no traceback, no hash, nothing written."""
    monkeypatch.setenv("ITA_DATABASE_URL", f"sqlite:///{tmp_path / 'target.db'}")
    assert main(["restore", str(tmp_path / name)]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "scrypt$" not in out + err and "scrypt:" not in out + err
    with sqlite3.connect(tmp_path / "target.db") as target:
        assert target.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    return err


def test_restore_refuses_a_duplicate_primary_key_without_printing_a_hash(
        busy_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_backup(busy_engine, tmp_path / "b.zip")
    users = _rows(tmp_path / "b.zip", "app_user")
    assert str(users[0]["password_hash"]).startswith("scrypt$")
    _edited(tmp_path / "b.zip", tmp_path / "dup.zip", tables={"app_user": [*users, dict(users[0])]})
    err = _refused(tmp_path, "dup.zip", capsys, monkeypatch)
    assert err.splitlines() == [
        "ผิดพลาด: ไฟล์ dup.zip ไม่ผ่านการตรวจ 2 รายการ จึงไม่ได้กู้คืนแถวใดเลย:",
        "ตาราง app_user แถว 2 คอลัมน์ id: คีย์หลักซ้ำกับแถว 1",
        "ตาราง app_user แถว 2 คอลัมน์ username: ค่าซ้ำ (ต้องไม่ซ้ำ) กับแถว 1"]


def test_restore_refuses_an_empty_or_malformed_manifest(busy_engine: Engine, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    write_backup(busy_engine, tmp_path / "b.zip")
    for shape in ([], {}, {"app_user": []}):
        _edited(tmp_path / "b.zip", tmp_path / "bad.zip", manifest_tables=shape)
        err = _refused(tmp_path, "bad.zip", capsys, monkeypatch)
        assert err.splitlines() == (
            ["ผิดพลาด: ไฟล์ bad.zip: manifest.json ตาราง app_user ไม่มีจำนวนแถว (rows) หรือ sha256 ที่ถูกต้อง "
             "จึงกู้คืนไม่ได้"] if shape else
            ["ผิดพลาด: ไฟล์ bad.zip: manifest.json ช่อง tables ว่างหรือผิดรูปแบบ "
             "(ต้องมีทุกตารางพร้อมจำนวนแถวและ sha256) จึงกู้คืนไม่ได้"])


def test_restore_refuses_a_backup_without_the_users_table(busy_engine: Engine, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    write_backup(busy_engine, tmp_path / "b.zip")
    _edited(tmp_path / "b.zip", tmp_path / "nousers.zip", tables={"app_user": None})
    err = _refused(tmp_path, "nousers.zip", capsys, monkeypatch)
    assert err.splitlines() == ["ผิดพลาด: ไฟล์ nousers.zip ไม่ผ่านการตรวจ 1 รายการ จึงไม่ได้กู้คืนแถวใดเลย:",
                                "ไฟล์สำรองไม่มีตาราง app_user ของโครงสร้างปัจจุบัน"]


def test_restore_names_bad_types_and_broken_references_by_table_row_and_column(
        busy_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    write_backup(busy_engine, tmp_path / "b.zip")
    activities = _rows(tmp_path / "b.zip", "activity")
    activities[0]["progress"] = "ครึ่งหนึ่ง"
    activities[1]["station_id"] = 999
    users = _rows(tmp_path / "b.zip", "app_user")
    users[0]["password_hash"] = 12345
    _edited(tmp_path / "b.zip", tmp_path / "typo.zip", tables={"activity": activities, "app_user": users})
    err = _refused(tmp_path, "typo.zip", capsys, monkeypatch)
    assert err.splitlines() == [
        "ผิดพลาด: ไฟล์ typo.zip ไม่ผ่านการตรวจ 3 รายการ จึงไม่ได้กู้คืนแถวใดเลย:",
        "ตาราง activity แถว 1 คอลัมน์ progress: ต้องเป็นจำนวนเต็ม",
        "ตาราง app_user แถว 1 คอลัมน์ password_hash: ต้องเป็นข้อความ",
        "ตาราง activity แถว 2 คอลัมน์ station_id: อ้างถึงแถวของตาราง station ที่ไม่มีในไฟล์สำรอง"]
    assert "12345" not in err


def test_backup_and_restore_report_the_same_tables_and_rows(busy_engine: Engine, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    counts = write_backup(busy_engine, tmp_path / "b.zip")
    monkeypatch.setenv("ITA_DATABASE_URL", f"sqlite:///{tmp_path / 'target.db'}")
    capsys.readouterr()
    assert main(["restore", str(tmp_path / "b.zip")]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"กู้คืน {sum(counts.values()):,} แถว จาก {len(counts)} ตาราง แล้ว")
    assert counts["alembic_version"] == 1
