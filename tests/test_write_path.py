"""No side doors: only the write path (ita_core/services) changes rows.

Bulk writers are named here with their reason; any other module that adds, deletes, merges,
updates or commits through a session fails this test, so a new write has to go through the
services (permission, validation, version, audit) or argue its case in this list.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from sqlmodel import Session, select

import ita_core.services
from ita_core.auth import CLI
from ita_core.demo import DEMO_USER, apply_demo_snapshot
from ita_core.models import AuditLog
from ita_core.services.writer import Writer

REPO = Path(__file__).resolve().parent.parent
WRITE_METHODS = {"add", "add_all", "delete", "merge", "commit", "bulk_save_objects", "bulk_insert_mappings"}
SQL_WRITES = {"insert", "update", "delete"}
BULK_WRITERS = {
    "ita_core/services": "the write path itself",
    "ita_core/seed.py": "loads the seed into an empty database (documented bulk load)",
    "ita_core/backup.py": "restore into an empty database (documented bulk load)",
    "ita_core/db.py": "session_scope commits the caller's transaction",
    "ita_core/audit.py": "appends audit rows for the write path and logins",
    "ita_core/auth.py": "the failed-login counter, audited (source login)",
    "migrations": "schema history",
    "bench/generate.py": "builds benchmark databases of many stations in bulk (not a product write)",
}


def _writes(path: Path, root: Path = REPO) -> list[str]:
    """Calls in ``path`` that write through a session or build an INSERT/UPDATE/DELETE."""
    found = []
    where = path.relative_to(root).as_posix()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        func = node.func if isinstance(node, ast.Call) else None
        owner = func.value if isinstance(func, ast.Attribute) else None
        if isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS and isinstance(owner, ast.Name) \
                and "session" in owner.id:
            found.append(f"{where}:{node.lineno} session.{func.attr}")
        if isinstance(func, ast.Name) and func.id in SQL_WRITES:
            found.append(f"{where}:{node.lineno} {func.id}()")
    return found


def _allowed(path: Path) -> bool:
    relative = path.relative_to(REPO).as_posix()
    return any(relative == known or relative.startswith(known + "/") for known in BULK_WRITERS)


def test_only_the_write_path_writes() -> None:
    folders = ("ita_core", "pages", "ita_ui", "bench")
    sources = [REPO / "dashboard.py", *(p for folder in folders for p in (REPO / folder).rglob("*.py"))]
    found = [place for path in sources if not _allowed(path) for place in _writes(path)]
    assert found == []


def test_the_check_finds_a_side_door(tmp_path: Path) -> None:
    side_door = tmp_path / "side_door.py"
    code = ("def f(session, row):\n    session.add(row)\n    session.commit()\n"
            "def g(s, model):\n    s.execute(update(model).values(version=2))\n")
    side_door.write_text(code, encoding="utf-8")
    assert _writes(side_door, root=tmp_path) == [
        "side_door.py:2 session.add", "side_door.py:3 session.commit", "side_door.py:5 update()"]


def _service_write_functions() -> set[str]:
    """Names of the write functions of ita_core.services and its modules: those that take a
    ``session`` and an ``actor`` (the Writer delegates to them)."""
    package = ita_core.services
    modules = [package, *(importlib.import_module(f"{package.__name__}.{info.name}")
                          for info in pkgutil.iter_modules(package.__path__) if info.name != "writer")]
    return {name for module in modules for name, function in inspect.getmembers(module, inspect.isfunction)
            if {"session", "actor"} <= set(inspect.signature(function).parameters)}


SERVICE_WRITES = _service_write_functions()
SERVICES = "ita_core.services"


def _dotted(node: ast.expr) -> str:
    """``a.b.c`` of a chain of names and attributes ("" for anything else)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        owner = _dotted(node.value)
        return f"{owner}.{node.attr}" if owner else ""
    return ""


def _service_writes(path: Path, root: Path = REPO) -> list[str]:
    """Places in ``path`` that import or call a module-level write function of ita_core.services
    (``services.save_activity(...)``, ``from ita_core.services import save_activity``) instead
    of a method of the Writer."""
    where = path.relative_to(root).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, modules = [], set()  # local names bound to ita_core.services or one of its modules
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "ita_core":
            modules |= {alias.asname or alias.name for alias in node.names if alias.name == "services"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(SERVICES):
            for alias in node.names:
                if alias.name in SERVICE_WRITES or alias.name == "*":
                    found.append(f"{where}:{node.lineno} from {node.module} import {alias.name}")
                elif node.module == SERVICES and alias.name.islower():  # a module of the package
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules |= {alias.asname for alias in node.names
                        if alias.asname and alias.name.startswith(SERVICES)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in SERVICE_WRITES:
            owner = _dotted(node.value)
            if owner in modules or owner.startswith(SERVICES):
                found.append(f"{where}:{node.lineno} {owner}.{node.attr}")
    return sorted(found, key=lambda place: int(place.split(":")[1].split()[0]))


def test_pages_and_ui_write_only_through_the_writer() -> None:
    front = ("pages", "ita_ui")
    sources = [REPO / "dashboard.py", *(p for folder in front for p in (REPO / folder).rglob("*.py"))]
    assert [place for path in sources for place in _service_writes(path)] == []


def test_the_check_finds_a_service_write_outside_the_writer(tmp_path: Path) -> None:
    assert {"save_activity", "update_progress", "create_user", "delete_quota", "ensure_fiscal_year",
            "create_row"} <= SERVICE_WRITES
    assert not {"check_fiscal_year", "validate_progress"} & SERVICE_WRITES  # reads stay allowed
    side_door = tmp_path / "side_door.py"
    code = ("from ita_core import services\n"
            "from ita_core.services import ConflictError, save_activity\n"
            "from ita_core.services import plan as p\n"
            "import ita_core.services\n"
            "def f(s, actor, w):\n"
            "    services.save_quota(s, actor, {})\n"
            "    p.delete_row(s, actor, 'activity', 1, 1)\n"
            "    ita_core.services.update_progress(s, actor, 'activity', 1, 1, {})\n"
            "    w.save_activity(values={})\n"  # the Writer: the one way
            "    raise services.ConflictError\n")
    side_door.write_text(code, encoding="utf-8")
    assert _service_writes(side_door, root=tmp_path) == [
        "side_door.py:2 from ita_core.services import save_activity", "side_door.py:6 services.save_quota",
        "side_door.py:7 p.delete_row", "side_door.py:8 ita_core.services.update_progress"]


def test_the_demo_snapshot_is_written_and_audited_through_the_write_path(session: Session) -> None:
    changed = apply_demo_snapshot(session, 1, 2567)
    assert changed == 51  # 26 activities + 25 OIT items of the seed
    trail = session.exec(select(AuditLog).where(AuditLog.source == "demo")).all()
    assert {entry.actor for entry in trail} == {DEMO_USER}
    assert len({(entry.table_name, entry.row_id) for entry in trail}) == 51


def test_writer_methods_take_keyword_arguments_only() -> None:
    import inspect

    for name, method in inspect.getmembers(Writer, inspect.isfunction):
        if name.startswith("_"):
            continue
        parameters = list(inspect.signature(method).parameters.values())[1:]
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters), name


def test_a_writer_binds_session_actor_and_source(session: Session) -> None:
    writer = Writer(session, CLI, source="cli")
    saved = writer.save_person(values={"name": "ทดสอบ ระบบ", "kind": "person"}, station_id=1)
    entries = session.exec(select(AuditLog).where(AuditLog.table_name == "person",
                                                  AuditLog.row_id == saved.row_id)).all()
    assert {(e.actor, e.source) for e in entries} == {("cli", "cli")}


def test_the_first_admin_is_made_once_through_the_writer(session: Session) -> None:
    from ita_core.auth import ANONYMOUS
    from ita_core.models import User
    from ita_core.permissions import PermissionDenied

    writer = Writer(session, ANONYMOUS, source="form")  # nobody is logged in at the setup
    saved = writer.create_first_admin(username="first", password="pass-word-2567")
    assert session.get(User, saved.row_id).role == "admin"
    entries = session.exec(select(AuditLog).where(AuditLog.table_name == User.__tablename__,
                                                  AuditLog.row_id == saved.row_id)).all()
    assert {(e.actor, e.source) for e in entries} == {("first", "form")}
    with pytest.raises(PermissionDenied):
        writer.create_first_admin(username="second", password="pass-word-2567")
