"""The layers stay apart: ita_core holds the logic without Streamlit, ita_ui the UI glue, and
pages/ only page scripts that pick the context, load through ita_core and show (issue 13)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "pages").glob("*.py"))


def _code(path: Path) -> str:
    """The source without docstrings and comments: the names the code uses."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            body[0] = ast.Pass()
    return ast.unparse(tree)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return names | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}


def test_pages_holds_only_the_page_scripts_of_the_navigation() -> None:
    dashboard = (ROOT / "dashboard.py").read_text(encoding="utf-8")
    listed = set(re.findall(r'st\.Page\("pages/(\w+)\.py"', dashboard))
    assert {p.stem for p in PAGES} == listed
    assert not [p for p in (ROOT / "pages").iterdir() if p.suffix == ".py" and p.stem.startswith("_")]


def test_no_page_builds_an_orm_query_or_opens_a_session() -> None:
    queries = re.compile(r"\bselect\(|session\.(exec|get|query)\b|\bSession\(|session_scope")
    for page in PAGES:
        found = queries.search(page.read_text(encoding="utf-8"))
        assert found is None, f"{page.name}: {found and found[0]} (add a read function to ita_core)"
        assert not [m for m in _imports(page) if m.split(".")[0] == "sqlalchemy" or m == "ita_core.db"]


def test_conflicts_are_handled_in_one_place() -> None:
    """Pages and forms never catch ConflictError or keep "seen" versions themselves: they use
    ita_ui.conflicts (and ita_ui.writes for deletes)."""
    for path in [*PAGES, *(ROOT / "ita_ui").glob("*.py")]:
        if path.name in ("conflicts.py", "writes.py"):
            continue
        code = _code(path)
        assert "ConflictError" not in code and not re.search(r"['\"]seen_", code), path.name


def test_ita_core_never_imports_streamlit_or_the_ui() -> None:
    for path in (ROOT / "ita_core").rglob("*.py"):
        roots = {name.split(".")[0] for name in _imports(path)}
        assert not roots & {"streamlit", "ita_ui", "pages"}, path.relative_to(ROOT)


def test_nothing_imports_from_pages() -> None:
    folders = ("ita_ui", "pages", "tests", "bench")
    users = [ROOT / "dashboard.py", ROOT / "docs" / "make_screenshots.py",
             *[path for folder in folders for path in (ROOT / folder).glob("*.py")]]
    for path in users:
        assert not [m for m in _imports(path) if m.split(".")[0] == "pages"], path.relative_to(ROOT)
