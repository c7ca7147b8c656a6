"""Backup and restore: every table as JSON lines in one ZIP, for SQLite and PostgreSQL alike,
or, for SQLite, a page-for-page copy of the database file.

The dump reads all tables in one transaction (a snapshot: SQLite's WAL readers and
PostgreSQL's REPEATABLE READ see one consistent state while officers keep writing) and
records the Alembic revision, the row count and a SHA-256 of each table. Restore goes only
into an empty database: it creates the schema at the backup's revision, inserts the rows in
foreign-key order in one transaction, checks the counts, then migrates to the newest schema,
so a backup from an older version of the program still restores. Nothing is merged: a
database that holds any row is refused.

A backup file named ``.db`` / ``.sqlite`` is a copy made with SQLite's online backup API
(consistent while officers keep writing, checked with ``PRAGMA integrity_check``); it opens as
it is, and restores into SQLite or PostgreSQL through the same path as a ZIP.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    Table,
    UniqueConstraint,
    create_engine,
    func,
    select,
    text,
)
from sqlalchemy.exc import DatabaseError
from sqlalchemy.sql import sqltypes

from ita_core.db import alembic_config, upgrade_schema

log = logging.getLogger(__name__)

FORMAT = "ita-backup/1"
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
SQLITE_MAGIC = b"SQLite format 3\x00"
VERSION_TABLE = "alembic_version"
CHUNK = 2000


class BackupError(ValueError):
    """A backup that cannot be written or restored; the message is Thai and says why."""


def _encode(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _decode(value: Any, column_type: sqltypes.TypeEngine[Any]) -> Any:
    """A JSON value back to what the target column takes (dates were written as ISO text)."""
    if value is None:
        return None
    if isinstance(column_type, sqltypes.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, sqltypes.Date):
        return date.fromisoformat(value)
    if isinstance(column_type, sqltypes.Boolean):
        return bool(value)
    if isinstance(column_type, sqltypes.LargeBinary):
        return bytes.fromhex(value)
    return value


def _tables(connection: Connection) -> list[Table]:
    """Every table of the database in foreign-key order (parents first)."""
    meta = MetaData()
    meta.reflect(connection)
    return list(meta.sorted_tables)


def _snapshot(engine: Engine) -> Connection:
    connection = engine.connect()
    if engine.dialect.name != "sqlite":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def _rows(connection: Connection, table: Table) -> Iterator[str]:
    order = list(table.primary_key.columns) or list(table.columns)
    for row in connection.execute(select(table).order_by(*order)).mappings():
        yield json.dumps({k: _encode(v) for k, v in row.items()}, ensure_ascii=False, sort_keys=True)


def write_backup(engine: Engine, path: Path) -> dict[str, int]:
    """Write every table of ``engine`` to ``path`` (a ZIP, or a SQLite file for a ``.db`` name);
    returns rows per table."""
    if path.suffix.lower() in SQLITE_SUFFIXES:
        return _copy_sqlite(engine, path)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    manifest: dict[str, Any] = {"format": FORMAT, "created_at": created, "dialect": engine.dialect.name,
                                "tables": {}}
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ita-backup-", suffix=".zip")
    os.close(handle)
    try:
        with _snapshot(engine) as connection, connection.begin(), \
                zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table in _tables(connection):
                digest, count = hashlib.sha256(), 0
                with archive.open(f"tables/{table.name}.jsonl", "w") as member:
                    for line in _rows(connection, table):
                        raw = (line + "\n").encode("utf-8")
                        member.write(raw)
                        digest.update(raw)
                        count += 1
                manifest["tables"][table.name] = {"rows": count, "sha256": digest.hexdigest(),
                                                  "columns": [c.name for c in table.columns]}
            revision = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar() \
                if VERSION_TABLE in manifest["tables"] else None
            manifest["alembic_revision"] = revision
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    log.info("backup written to %s: %s", path, {k: v["rows"] for k, v in manifest["tables"].items()})
    return {name: info["rows"] for name, info in manifest["tables"].items()}


def backup_bytes(engine: Engine) -> bytes:
    """The ZIP backup as bytes, for a download button (written to a temporary file first)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ita-backup.zip"
        write_backup(engine, path)
        return path.read_bytes()


def _copy_sqlite(engine: Engine, path: Path) -> dict[str, int]:
    """Copy a SQLite database page for page with the online backup API, into a temporary file
    that replaces ``path`` only once the copy is complete and passes its integrity check."""
    if engine.dialect.name != "sqlite":
        raise BackupError(f"สำเนาไฟล์ {path.suffix} ใช้ได้เฉพาะฐานข้อมูล SQLite: "
                          f"สำรอง {engine.dialect.name} เป็นไฟล์ .zip")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ita-backup-", suffix=".db")
    os.close(handle)
    try:
        with closing(engine.raw_connection()) as source, closing(sqlite3.connect(temporary)) as target:
            cast(sqlite3.Connection, source.driver_connection).backup(target)  # the dialect is sqlite
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"สำเนา {path.name} ไม่ผ่านการตรวจความถูกต้อง: ลองสำรองอีกครั้ง")
            names = [name for (name,) in target.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            counts = {name: target.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    log.info("SQLite copy written to %s: %s", path, counts)
    return counts


def _read_manifest(archive: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads(archive.read("manifest.json"))
    except (KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"ไฟล์ {path.name} ไม่ใช่ไฟล์สำรองของระบบนี้ (ไม่มี manifest.json)") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"ไฟล์ {path.name} เป็นรูปแบบ {manifest.get('format')!r} ระบบนี้อ่านได้เฉพาะ {FORMAT}")
    return manifest


def _member(archive: zipfile.ZipFile, name: str, info: dict[str, Any]) -> list[Any]:
    try:
        raw = archive.read(f"tables/{name}.jsonl")
    except KeyError:
        raise BackupError(f"ไฟล์สำรองไม่มีไฟล์ tables/{name}.jsonl ของตาราง {name} ที่ manifest.json ระบุ") from None
    if hashlib.sha256(raw).hexdigest() != info["sha256"]:
        raise BackupError(f"ข้อมูลตาราง {name} ในไฟล์สำรองเสียหาย (checksum ไม่ตรง)")
    rows: list[Any] = []
    for number, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line:
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            raise BackupError(f"ตาราง {name} แถว {number}: ไม่ใช่ JSON ที่อ่านได้") from None
    if len(rows) != info["rows"]:
        raise BackupError(f"ตาราง {name}: ไฟล์สำรองมี {len(rows)} แถว แต่บันทึกไว้ {info['rows']} แถว")
    return rows


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _non_empty(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [t.name for t in _tables(connection) if t.name != VERSION_TABLE
                and connection.execute(select(func.count()).select_from(t)).scalar()]


def restore_backup(engine: Engine, path: Path) -> dict[str, int]:
    """Restore a backup (ZIP or SQLite copy) into an empty database; returns rows per table,
    ``alembic_version`` included, so the numbers equal the ones the backup reported.

    Every row is checked against the schema at the backup's revision (types, primary keys,
    references, counts) before anything is written: one problem refuses the whole restore."""
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:
            return _restore_sqlite_copy(engine, path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise BackupError(f"ไฟล์ {path.name} ไม่ใช่ไฟล์ ZIP ของการสำรองข้อมูล") from exc
    with archive:
        manifest = _read_manifest(archive, path)
        revision = _manifest_revision(manifest, path)
        tables_info = _manifest_tables(manifest, path)
        data = {name: _member(archive, name, info) for name, info in tables_info.items()
                if name != VERSION_TABLE}
    filled = _non_empty(engine)
    if filled:
        raise BackupError("กู้คืนได้เฉพาะลงฐานข้อมูลว่าง แต่ฐานข้อมูลนี้มีข้อมูลในตาราง "
                          f"{', '.join(filled)}: สร้างฐานข้อมูลใหม่ (ITA_DATABASE_URL) แล้วกู้คืนอีกครั้ง")
    problems = validate_rows(_schema_tables(revision), data)
    if problems:
        raise BackupError(_refusal(path, problems))
    _schema_at(engine, revision)
    try:
        with engine.begin() as connection:
            tables = {t.name: t for t in _tables(connection)}
            for table in tables.values():
                rows = data.get(table.name)
                if not rows:
                    continue
                types = {c.name: c.type for c in table.columns}
                for start in range(0, len(rows), CHUNK):
                    connection.execute(table.insert(), [
                        {k: _decode(v, types[k]) for k, v in row.items() if k in types}
                        for row in rows[start:start + CHUNK]])
            _reset_sequences(connection, tables)
    except DatabaseError as exc:  # never the statement or its parameters: they hold password hashes
        first = str(getattr(exc, "orig", "") or "").splitlines()[:1]
        raise BackupError(f"ฐานข้อมูลไม่รับข้อมูลจาก {path.name} จึงไม่ได้กู้คืนแถวใดเลย"
                          f"{': ' + first[0] if first else ''}") from None
    upgrade_schema(engine)
    counts = {name: len(rows) for name, rows in data.items()}
    if VERSION_TABLE in tables_info:
        counts[VERSION_TABLE] = 1  # written by the schema step, not copied: one row, as in the backup
    log.info("restored %s from %s", counts, path)
    return counts


def _manifest_revision(manifest: dict[str, Any], path: Path) -> str:
    revision = manifest.get("alembic_revision")
    if revision is None:
        raise BackupError("ไฟล์สำรองไม่มีรุ่นของโครงสร้างฐานข้อมูล (alembic) จึงกู้คืนไม่ได้")
    if not isinstance(revision, str) or not revision:
        raise BackupError(f"ไฟล์ {path.name}: manifest.json ช่อง alembic_revision ต้องเป็นข้อความ")
    return revision


def _manifest_tables(manifest: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    """The manifest's table list, refused in Thai when it is empty or not shaped as written."""
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or not tables:
        raise BackupError(f"ไฟล์ {path.name}: manifest.json ช่อง tables ว่างหรือผิดรูปแบบ "
                          "(ต้องมีทุกตารางพร้อมจำนวนแถวและ sha256) จึงกู้คืนไม่ได้")
    for name, info in tables.items():
        if not isinstance(info, dict) or not isinstance(info.get("rows"), int) \
                or isinstance(info.get("rows"), bool) or not isinstance(info.get("sha256"), str):
            raise BackupError(f"ไฟล์ {path.name}: manifest.json ตาราง {name} ไม่มีจำนวนแถว (rows) "
                              "หรือ sha256 ที่ถูกต้อง จึงกู้คืนไม่ได้")
    return tables


def _schema_tables(revision: str) -> dict[str, Table]:
    """The tables at ``revision``, built in a scratch SQLite file so that the target database
    stays untouched until every row has been checked."""
    with tempfile.TemporaryDirectory() as folder:
        scratch = create_engine(f"sqlite:///{Path(folder) / 'schema.db'}")
        try:
            config = alembic_config(scratch)
            with scratch.begin() as connection:
                config.attributes["connection"] = connection
                try:
                    command.upgrade(config, revision)
                except Exception as exc:  # an unknown revision: alembic's message is English
                    raise BackupError(f"ไฟล์สำรองเป็นโครงสร้างรุ่น {revision} ซึ่งโปรแกรมรุ่นนี้ไม่รู้จัก: "
                                      "ใช้โปรแกรมรุ่นที่สร้างไฟล์สำรองนี้") from exc
            with scratch.connect() as connection:
                return {t.name: t for t in _tables(connection) if t.name != VERSION_TABLE}
        finally:
            scratch.dispose()


MAX_SHOWN = 50


def _refusal(path: Path, problems: list[str]) -> str:
    shown = problems[:MAX_SHOWN]
    more = f"\n... และอีก {len(problems) - MAX_SHOWN} รายการ" if len(problems) > MAX_SHOWN else ""
    return (f"ไฟล์ {path.name} ไม่ผ่านการตรวจ {len(problems)} รายการ จึงไม่ได้กู้คืนแถวใดเลย:\n"
            + "\n".join(shown) + more)


def validate_rows(tables: dict[str, Table], data: dict[str, list[Any]]) -> list[str]:
    """Thai problems of the backup's rows against ``tables``; a value is never quoted, so no
    password hash or personal text reaches a terminal or a log."""
    problems = [f"ไฟล์สำรองไม่มีตาราง {name} ของโครงสร้างปัจจุบัน" for name in sorted(set(tables) - set(data))]
    problems += [f"ไฟล์สำรองมีตาราง {name} ที่โครงสร้างรุ่นนี้ไม่มี" for name in sorted(set(data) - set(tables))]
    keys: dict[str, dict[str, set[Any]]] = {}
    for name, table in tables.items():
        problems += _check_table(table, data.get(name, []))
        rows = [row for row in data.get(name, []) if isinstance(row, dict)]
        keys[name] = {c.name: {_hashable(row.get(c.name)) for row in rows} for c in table.columns}
    for name, table in tables.items():
        problems += _check_references(table, data.get(name, []), keys)
    return problems


def _check_table(table: Table, rows: list[Any]) -> list[str]:
    problems: list[str] = []
    columns = {c.name: c for c in table.columns}
    primary = [c.name for c in table.primary_key.columns]
    for number, row in enumerate(rows, start=1):
        where = f"ตาราง {table.name} แถว {number}"
        if not isinstance(row, dict):
            problems.append(f"{where}: ไม่ใช่ข้อมูลแบบคอลัมน์ (JSON object)")
            continue
        problems += [f"{where} คอลัมน์ {k}: ไม่มีคอลัมน์นี้ในตาราง" for k in sorted(set(row) - set(columns))]
        for column in columns.values():
            if column.name not in row:
                if not column.nullable and column.server_default is None:
                    problems.append(f"{where} คอลัมน์ {column.name}: ไม่มีค่า แต่คอลัมน์นี้ต้องมีค่า")
                continue
            problem = _value_problem(row[column.name], column.type, nullable=bool(column.nullable))
            if problem:
                problems.append(f"{where} คอลัมน์ {column.name}: {problem}")
    if primary:
        problems += _duplicates(table, rows, primary, "คีย์หลักซ้ำ")
    for unique in _unique_column_sets(table):
        problems += _duplicates(table, rows, unique, "ค่าซ้ำ (ต้องไม่ซ้ำ) ")
    return problems


def _unique_column_sets(table: Table) -> list[list[str]]:
    """Column lists of the table's unique constraints and unique indexes (the primary key apart)."""
    sets = [[c.name for c in constraint.columns] for constraint in table.constraints
            if isinstance(constraint, UniqueConstraint)]
    sets += [[c.name for c in index.columns] for index in table.indexes if index.unique]
    primary = [c.name for c in table.primary_key.columns]
    return [names for i, names in enumerate(sets) if names and names != primary and names not in sets[:i]]


def _duplicates(table: Table, rows: list[Any], columns: list[str], what: str) -> list[str]:
    problems: list[str] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            continue
        key = tuple(_hashable(row.get(name)) for name in columns)
        if any(value is None for value in key):  # NULLs never clash in a unique constraint
            continue
        if key in seen:
            problems.append(f"ตาราง {table.name} แถว {number} คอลัมน์ {', '.join(columns)}: "
                            f"{what}กับแถว {seen[key]}")
        else:
            seen[key] = number
    return problems


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value


def _value_problem(value: Any, column_type: sqltypes.TypeEngine[Any], *, nullable: bool) -> str | None:
    """Why ``value`` does not fit the column, in Thai, or None; the value itself is never quoted."""
    if value is None:
        return None if nullable else "ว่าง แต่คอลัมน์นี้ต้องมีค่า"
    if isinstance(column_type, sqltypes.Boolean):
        return None if value in (True, False) and isinstance(value, (bool, int)) else "ต้องเป็นจริง/เท็จ"
    if isinstance(column_type, sqltypes.Integer):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "ต้องเป็นจำนวนเต็ม"
    if isinstance(column_type, (sqltypes.Float, sqltypes.Numeric)):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return None if ok else "ต้องเป็นตัวเลข"
    if isinstance(column_type, (sqltypes.DateTime, sqltypes.Date, sqltypes.LargeBinary)):
        try:
            _decode(value, column_type)
        except (TypeError, ValueError):
            kind = "ข้อมูลไบนารี (hex)" if isinstance(column_type, sqltypes.LargeBinary) else "วันที่แบบ ISO"
            return f"ต้องเป็น{kind}"
        return None
    if isinstance(column_type, sqltypes.String):
        if not isinstance(value, str):
            return "ต้องเป็นข้อความ"
        length = column_type.length
        return f"ยาวเกิน {length:,} ตัวอักษร" if length and len(value) > length else None
    return None


def _check_references(table: Table, rows: list[Any], keys: dict[str, dict[str, set[Any]]]) -> list[str]:
    problems: list[str] = []
    for foreign in table.foreign_key_constraints:
        target = foreign.referred_table.name
        if len(foreign.elements) != 1:  # the schema has single-column references only
            continue
        own, referred = foreign.elements[0].parent.name, foreign.elements[0].column.name
        present = {_hashable(v) for v in keys.get(target, {}).get(referred, set())}
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict) or row.get(own) is None or _hashable(row.get(own)) in present:
                continue
            problems.append(f"ตาราง {table.name} แถว {number} คอลัมน์ {own}: อ้างถึงแถวของตาราง {target} "
                            "ที่ไม่มีในไฟล์สำรอง")
    return problems


def _restore_sqlite_copy(engine: Engine, path: Path) -> dict[str, int]:
    """Restore a SQLite copy by dumping it to a ZIP first, so both kinds of backup share every
    check (empty target, schema revision, foreign-key order, sequences, migration)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    source = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        with tempfile.TemporaryDirectory() as folder:
            dump = Path(folder) / f"{path.stem}.zip"
            try:
                with source.connect() as connection:
                    if connection.exec_driver_sql("PRAGMA quick_check").scalar() != "ok":
                        raise BackupError(f"ไฟล์ {path.name} เสียหาย (SQLite quick_check ไม่ผ่าน)")
                write_backup(source, dump)
            except DatabaseError as exc:
                raise BackupError(f"อ่านไฟล์ {path.name} ไม่ได้: ไม่ใช่สำเนาฐานข้อมูลที่ใช้ได้ ({exc.orig})") from exc
            return restore_backup(engine, dump)
    finally:
        source.dispose()


def _schema_at(engine: Engine, revision: str | None) -> None:
    """Create the schema at the backup's revision (an empty database), or check it is there."""
    current = _current_revision(engine)
    if revision is None:
        raise BackupError("ไฟล์สำรองไม่มีรุ่นของโครงสร้างฐานข้อมูล (alembic) จึงกู้คืนไม่ได้")
    if current is None:
        config = alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    elif current != revision:
        raise BackupError(f"ฐานข้อมูลปลายทางมีโครงสร้างรุ่น {current} แต่ไฟล์สำรองเป็นรุ่น {revision}: "
                          "กู้คืนลงฐานข้อมูลใหม่ที่ยังไม่มีตาราง")


def _reset_sequences(connection: Connection, tables: dict[str, Table]) -> None:
    """PostgreSQL: move each id sequence past the restored ids (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables.values():
        if "id" in table.columns and isinstance(table.columns["id"].type, sqltypes.Integer):
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
